"""Mutes and user-level domain blocks: silencing without federating anything (a mute
is private, and so is a domain block, except that followers from it are removed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.i18n import N_
from fedcity.services.expiry import seconds_from_now
from fedcity.services.moderation.audit import AuditAction, record
from fedcity.services.social import follows
from fedcity.storage.models import AccountDomainBlock, Actor, Follow, Mute
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow


async def get_mute(session: AsyncSession, actor: Actor, target: Actor) -> Mute | None:
    """The mute of `target` by `actor`, if one is in force (expired ones are None)."""
    row = await session.scalar(
        select(Mute).where(Mute.actor_id == actor.id, Mute.target_id == target.id)
    )
    if row is None or (row.expires_at is not None and row.expires_at <= utcnow()):
        return None
    return row


async def mute(
    session: AsyncSession,
    actor: Actor,
    target: Actor,
    *,
    notifications: bool = True,
    duration: int = 0,
) -> Mute:
    """Mute `target` (again: the options are replaced). `duration` in seconds; 0
    mutes until unmuted.

    Raises:
        Unprocessable: muting oneself, or a negative duration.
    """
    if target.id == actor.id:
        raise Unprocessable("Validation failed: You cannot mute yourself")
    if duration < 0:
        raise Unprocessable("Validation failed: Duration must be positive")
    row = await session.scalar(
        select(Mute).where(Mute.actor_id == actor.id, Mute.target_id == target.id)
    )
    if row is None:
        row = Mute(actor_id=actor.id, target_id=target.id)
        session.add(row)
    row.notifications = notifications
    row.expires_at = seconds_from_now(duration, N_("Duration")) if duration else None
    await session.flush()
    await record(session, actor, AuditAction.MUTE, account=target)
    return row


async def unmute(session: AsyncSession, actor: Actor, target: Actor) -> None:
    row = await session.scalar(
        select(Mute).where(Mute.actor_id == actor.id, Mute.target_id == target.id)
    )
    if row is not None:
        await session.delete(row)
        await session.flush()
        await record(session, actor, AuditAction.UNMUTE, account=target)


async def mutes_page(
    session: AsyncSession, actor: Actor, page: Page
) -> list[tuple[int, Actor, datetime | None]]:
    """(mute id, muted account, when the mute ends) of the mutes in force, newest
    first."""
    now = utcnow()
    stmt = (
        select(Mute.id, Actor, Mute.expires_at)
        .join(Actor, Actor.id == Mute.target_id)
        .where(
            Mute.actor_id == actor.id,
            (Mute.expires_at.is_(None)) | (Mute.expires_at > now),
        )
    )
    return [
        (i, a, ends) for i, a, ends in await paged_rows(session, stmt, Mute.id, page)
    ]


def normalize_domain(raw: str) -> str:
    """Raises: Unprocessable: an empty or malformed domain."""
    domain = raw.strip().lower().rstrip(".")
    if "://" in domain:
        domain = domain.split("://", 1)[1]
    domain = domain.split("/", 1)[0]
    if not domain or " " in domain or len(domain) > 255:
        raise Unprocessable("Validation failed: Domain is not a valid domain")
    return domain


async def is_domain_blocked(session: AsyncSession, actor: Actor, domain: str) -> bool:
    row = await session.scalar(
        select(AccountDomainBlock.id).where(
            AccountDomainBlock.actor_id == actor.id, AccountDomainBlock.domain == domain
        )
    )
    return row is not None


async def block_domain(
    session: AsyncSession, actor: Actor, raw: str, *, own_domain: str
) -> None:
    """Hide a domain's posts and notifications from `actor`, and remove followers
    from it (their servers hear a Reject, as with "remove from followers").

    Raises:
        Unprocessable: the domain is malformed or is this instance's own.
    """
    domain = normalize_domain(raw)
    if domain == own_domain.lower():
        raise Unprocessable("Validation failed: Domain cannot be your own")
    if not await is_domain_blocked(session, actor, domain):
        session.add(AccountDomainBlock(actor_id=actor.id, domain=domain))
        await record(session, actor, AuditAction.DOMAIN_BLOCK, domain=domain)
    followers = await session.scalars(
        select(Actor)
        .join(Follow, Follow.actor_id == Actor.id)
        .where(Follow.target_id == actor.id, Actor.domain == domain)
    )
    for follower in list(followers):
        await follows.reject_request(session, actor, follower)
    await session.flush()


async def unblock_domain(session: AsyncSession, actor: Actor, raw: str) -> None:
    domain = normalize_domain(raw)
    row = await session.scalar(
        select(AccountDomainBlock).where(
            AccountDomainBlock.actor_id == actor.id,
            AccountDomainBlock.domain == domain,
        )
    )
    if row is not None:
        await session.delete(row)
        await session.flush()
        await record(session, actor, AuditAction.DOMAIN_UNBLOCK, domain=domain)


async def domain_blocks_page(
    session: AsyncSession, actor: Actor, page: Page
) -> list[tuple[int, str]]:
    """(block id, domain) pairs, newest first."""
    stmt = select(AccountDomainBlock.id, AccountDomainBlock.domain).where(
        AccountDomainBlock.actor_id == actor.id
    )
    rows = await paged_rows(session, stmt, AccountDomainBlock.id, page)
    return [(i, d) for i, d in rows]
