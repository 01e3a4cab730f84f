"""Instance-wide domain policy (issue 12): blocks (silence, suspend, reject media),
allows for allowlist mode; the snapshot also holds the domains of the allow
lists subscribed to (`allow_list_subscriptions`).

Every change bumps the one counter in `domain_policy_state` in the same
transaction; every process polls that counter (`federation.policy`) and reloads
its snapshot (`load_policy`) when it moved, so a change applies everywhere within
seconds, without a restart. A new `suspend` queues a `purge_domain` job that
removes what was stored from the domain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.domains import (
    BlockRule,
    DomainPolicy,
    FederationMode,
    authority_of,
    normalize_domain,
)
from fedcity.errors import NotFound, Unprocessable
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue
from fedcity.services.moderation import action_log
from fedcity.services.moderation.action_log import Target
from fedcity.storage.db import insert_for
from fedcity.storage.models import (
    DOMAIN_BLOCK_SEVERITIES,
    Actor,
    AllowListSubscription,
    DomainAllow,
    DomainBlock,
    DomainPolicyState,
)
from fedcity.storage.types import utcnow

_STATE_ID = 1


@dataclass(frozen=True)
class BlockChanges:
    """What an operator sets on a block; None leaves a field as it is (on a new
    block: Mastodon's defaults, a `suspend` without comments)."""

    severity: str | None = None
    reject_media: bool | None = None
    reject_reports: bool | None = None
    private_comment: str | None = None
    public_comment: str | None = None
    obfuscate: bool | None = None


# --- the version counter and the snapshot --------------------------------------


async def _ensure_state(session: AsyncSession) -> None:
    insert = insert_for(session)
    await session.execute(
        insert(DomainPolicyState)
        .values(id=_STATE_ID, version=0, seeded=[])
        .on_conflict_do_nothing(index_elements=["id"])
    )


async def bump_version(session: AsyncSession) -> None:
    """Tell every process that the policy changed (they poll `policy_version`)."""
    await _ensure_state(session)
    await session.execute(
        update(DomainPolicyState)
        .where(DomainPolicyState.id == _STATE_ID)
        .values(version=DomainPolicyState.version + 1)
    )


async def policy_version(session: AsyncSession) -> int:
    """The policy's version: one primary-key read, cheap enough to poll."""
    version = await session.scalar(
        select(DomainPolicyState.version).where(DomainPolicyState.id == _STATE_ID)
    )
    return version or 0


async def load_policy(
    session: AsyncSession, *, own: str, mode: FederationMode
) -> DomainPolicy:
    """The whole policy as an in-memory snapshot (the tables are small)."""
    version = await policy_version(session)
    blocks = {
        row.domain: BlockRule(row.severity, row.reject_media, row.reject_reports)
        for row in await session.scalars(select(DomainBlock))
    }
    allows = set(await session.scalars(select(DomainAllow.domain)))
    subscribed = await session.execute(
        select(AllowListSubscription.url, AllowListSubscription.domains)
    )
    for url, listed in subscribed:
        # The publisher itself, so that its list can be fetched at all.
        allows.add(authority_of(url))
        allows.update(normalize_domain(d) for d in listed or [] if isinstance(d, str))
    allows.discard("")
    return DomainPolicy(own, mode, blocks, frozenset(allows), version)


async def seed_config_blocks(session: AsyncSession, domains: Iterable[str]) -> None:
    """Copy `[federation] blocked_domains` into `domain_blocks` as suspensions, each
    once: a domain an operator unblocked later is not blocked again at the next
    start, and one added to the file later is."""
    await _ensure_state(session)
    state = await session.get(DomainPolicyState, _STATE_ID, populate_existing=True)
    assert state is not None
    new = [d for d in domains if d not in state.seeded]
    if not new:
        return
    for domain in new:
        if await _block_row(session, domain) is None:
            session.add(
                DomainBlock(
                    domain=domain,
                    severity="suspend",
                    private_comment="from [federation] blocked_domains",
                )
            )
    state.seeded = [*state.seeded, *new]
    await session.flush()
    await bump_version(session)


# --- blocks --------------------------------------------------------------------


def checked_domain(value: str, own: str) -> str:
    """An entry as stored, refused when empty, malformed or this instance's own.

    Raises:
        Unprocessable: with the reason.
    """
    domain = normalize_domain(value)
    if not domain or " " in domain or domain.count(":") > 1:
        raise Unprocessable("Validation failed: domain is not a valid host name")
    own_host = own.rsplit(":", 1)[0]
    if domain in (own, own_host):
        raise Unprocessable("Validation failed: this instance's own domain")
    return domain


async def _block_row(session: AsyncSession, domain: str) -> DomainBlock | None:
    return await session.scalar(select(DomainBlock).where(DomainBlock.domain == domain))


async def block_domain(
    session: AsyncSession,
    domain: str,
    changes: BlockChanges,
    *,
    own: str,
    by: Actor | None,
    replace: bool = True,
) -> DomainBlock:
    """Block `domain`, or change its block (`replace`; Mastodon's API refuses an
    existing one instead), logged as done `by` an admin (None: the command line).
    A block that becomes a `suspend` queues the removal of what was stored from
    the domain.

    Raises:
        Unprocessable: a bad domain or severity; already blocked without `replace`.
    """
    domain = checked_domain(domain, own)
    row = await _block_row(session, domain)
    if row is not None and not replace:
        raise Unprocessable("Validation failed: domain is already blocked")
    if row is None:
        row = DomainBlock(domain=domain, severity="suspend")
        session.add(row)
        row.reject_media = row.reject_reports = row.obfuscate = False
        was_suspended, action = False, "create"
    else:
        was_suspended, action = row.severity == "suspend", "update"
    await _apply(session, row, changes, was_suspended=was_suspended)
    await _log_block(session, by, action, row)
    return row


async def _log_block(
    session: AsyncSession, by: Actor | None, action: str, row: DomainBlock
) -> None:
    """The action log's entry, with the severity and the private comment as why."""
    severity = "reject-media" if row.severity == "noop" else row.severity
    media = " +reject-media" if row.reject_media and row.severity != "noop" else ""
    await action_log.record(
        session,
        by,
        action,
        Target.DOMAIN_BLOCK,
        target=f"{row.domain} ({severity}{media})",
        target_id=row.id,
        reason=row.private_comment,
    )


async def update_block(
    session: AsyncSession, block_id: int, changes: BlockChanges, *, by: Actor | None
) -> DomainBlock:
    """Change a block by id (the admin API's PUT).

    Raises:
        NotFound: no such block.
        Unprocessable: a bad severity.
    """
    row = await get_block(session, block_id)
    await _apply(session, row, changes, was_suspended=row.severity == "suspend")
    await _log_block(session, by, "update", row)
    return row


async def _apply(
    session: AsyncSession, row: DomainBlock, c: BlockChanges, *, was_suspended: bool
) -> None:
    if c.severity is not None and c.severity not in DOMAIN_BLOCK_SEVERITIES:
        raise Unprocessable(
            "Validation failed: severity must be silence, suspend or noop"
        )
    for name in (
        "severity",
        "reject_media",
        "reject_reports",
        "private_comment",
        "public_comment",
        "obfuscate",
    ):
        value = getattr(c, name)
        if value is not None:
            setattr(row, name, value)
    row.updated_at = utcnow()
    await session.flush()
    await bump_version(session)
    if row.severity == "suspend" and not was_suspended:
        await enqueue(session, JobKind.PURGE_DOMAIN, {"domain": row.domain})


async def get_block(session: AsyncSession, block_id: int) -> DomainBlock:
    """Raises: NotFound."""
    row = await session.get(DomainBlock, block_id)
    if row is None:
        raise NotFound()
    return row


async def unblock_domain(
    session: AsyncSession,
    *,
    by: Actor | None,
    domain: str | None = None,
    block_id: int | None = None,
) -> DomainBlock:
    """Lift a block, by domain or id (what was removed by a suspend stays gone).

    Raises:
        NotFound: no such block.
    """
    row = (
        await get_block(session, block_id)
        if block_id is not None
        else await _block_row(session, normalize_domain(domain or ""))
    )
    if row is None:
        raise NotFound("{domain} is not blocked", domain=domain)
    await _log_block(session, by, "destroy", row)
    await session.delete(row)
    await session.flush()
    await bump_version(session)
    return row


async def list_blocks(session: AsyncSession) -> list[DomainBlock]:
    return list(await session.scalars(select(DomainBlock).order_by(DomainBlock.id)))


# --- allows --------------------------------------------------------------------


async def allow_domain(
    session: AsyncSession,
    domain: str,
    *,
    own: str,
    by: Actor | None,
    replace: bool = True,
) -> DomainAllow:
    """Allow `domain` (and its subdomains) in allowlist mode; an existing allow is
    returned as it is (`replace`) or refused.

    Raises:
        Unprocessable: a bad domain; already allowed without `replace`.
    """
    domain = checked_domain(domain, own)
    row = await session.scalar(select(DomainAllow).where(DomainAllow.domain == domain))
    if row is not None:
        if not replace:
            raise Unprocessable("Validation failed: domain is already allowed")
        return row
    row = DomainAllow(domain=domain)
    session.add(row)
    await session.flush()
    await bump_version(session)
    await _log_allow(session, by, "create", row)
    return row


async def _log_allow(
    session: AsyncSession, by: Actor | None, action: str, row: DomainAllow
) -> None:
    await action_log.record(
        session, by, action, Target.DOMAIN_ALLOW, target=row.domain, target_id=row.id
    )


async def get_allow(session: AsyncSession, allow_id: int) -> DomainAllow:
    """Raises: NotFound."""
    row = await session.get(DomainAllow, allow_id)
    if row is None:
        raise NotFound()
    return row


async def disallow_domain(
    session: AsyncSession,
    *,
    by: Actor | None,
    domain: str | None = None,
    allow_id: int | None = None,
) -> DomainAllow:
    """Remove an allow, by domain or id.

    Raises:
        NotFound: no such allow.
    """
    if allow_id is not None:
        row: DomainAllow | None = await get_allow(session, allow_id)
    else:
        row = await session.scalar(
            select(DomainAllow).where(
                DomainAllow.domain == normalize_domain(domain or "")
            )
        )
    if row is None:
        raise NotFound("{domain} is not allowed", domain=domain)
    await _log_allow(session, by, "destroy", row)
    await session.delete(row)
    await session.flush()
    await bump_version(session)
    return row


async def list_allows(session: AsyncSession) -> list[DomainAllow]:
    return list(await session.scalars(select(DomainAllow).order_by(DomainAllow.id)))
