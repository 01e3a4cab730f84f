"""Look-ups of attestations: an account's current ones, one by id, and the list
an operator filters by state, role and origin. Then seat accounts': their holder
periods, the posts written in each, the one-time sign-in links of a handover,
and taking back every way into a seat."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import (
    AccessToken,
    Actor,
    Attestation,
    AuthorizationCode,
    Follow,
    HandoverLink,
    Post,
    ScheduledStatus,
    SeatHolder,
    WebPushSubscription,
)


async def get_attestation(
    session: AsyncSession, attestation_id: int
) -> Attestation | None:
    return await session.get(Attestation, attestation_id)


async def list_current_for_subject(
    session: AsyncSession, subject_id: int
) -> list[Attestation]:
    """The subject's attestations that are not revoked, oldest first."""
    rows = await session.scalars(
        select(Attestation)
        .where(Attestation.subject_id == subject_id, Attestation.revoked_at.is_(None))
        .order_by(Attestation.published_at, Attestation.id)
    )
    return list(rows)


async def list_attestations(
    session: AsyncSession,
    *,
    remote: bool = False,
    state: str | None = None,
    role: str | None = None,
    subject_id: int | None = None,
) -> list[tuple[Attestation, Actor]]:
    """(attestation, subject) of every current attestation this instance issued
    (`remote` False) or holds from other issuers (`remote` True), by jurisdiction."""
    query = (
        select(Attestation, Actor)
        .join(Actor, Actor.id == Attestation.subject_id)
        .where(Attestation.revoked_at.is_(None), Attestation.local.is_(not remote))
        .order_by(Attestation.state, Attestation.jurisdiction, Attestation.role)
    )
    if state is not None:
        query = query.where(Attestation.state == state)
    if role is not None:
        query = query.where(Attestation.role == role)
    if subject_id is not None:
        query = query.where(Attestation.subject_id == subject_id)
    return [(a, s) for a, s in await session.execute(query)]


async def get_attestation_by_uri(session: AsyncSession, uri: str) -> Attestation | None:
    return await session.scalar(select(Attestation).where(Attestation.uri == uri))


async def subjects_due_for_check(
    session: AsyncSession,
    checked_before: datetime,
    limit: int = 500,
    *,
    local: bool = False,
) -> list[int]:
    """Actors holding a current remote attestation last checked before
    `checked_before` (or never): the periodic re-check's work. Remote actors, or
    with `local` this instance's accounts (attestations received from a verifier)."""
    on_subject = Actor.domain.is_(None) if local else Actor.domain.is_not(None)
    rows = await session.scalars(
        select(Attestation.subject_id)
        .join(Actor, Actor.id == Attestation.subject_id)
        .where(
            Attestation.local.is_(False),
            Attestation.revoked_at.is_(None),
            on_subject,
            (Attestation.checked_at.is_(None))
            | (Attestation.checked_at < checked_before),
        )
        .distinct()
        .limit(limit)
    )
    return list(rows)


async def ever_attested(session: AsyncSession, subject_id: int) -> bool:
    """Whether any attestation of the actor is or was held here (revoked too)."""
    found = await session.scalar(
        select(Attestation.id).where(Attestation.subject_id == subject_id).limit(1)
    )
    return found is not None


async def list_issued_current(session: AsyncSession) -> list[tuple[Attestation, Actor]]:
    """This instance's current attestations with their subjects, oldest first (the
    league registry)."""
    rows = await session.execute(
        select(Attestation, Actor)
        .join(Actor, Actor.id == Attestation.subject_id)
        .where(Attestation.local.is_(True), Attestation.revoked_at.is_(None))
        .order_by(Attestation.published_at, Attestation.id)
    )
    return [(a, s) for a, s in rows]


async def followed_domains(session: AsyncSession, actor_id: int) -> list[str]:
    """The domains of the remote actors `actor_id` follows (accepted or not)."""
    rows = await session.scalars(
        select(Actor.domain)
        .join(Follow, Follow.target_id == Actor.id)
        .where(Follow.actor_id == actor_id, Actor.domain.is_not(None))
        .distinct()
    )
    return sorted(d for d in rows if d)


# --- seat accounts ----------------------------------------------------------------


async def current_holder(session: AsyncSession, seat_id: int) -> SeatHolder | None:
    """The seat's open holder period, if any."""
    return await session.scalar(
        select(SeatHolder)
        .where(SeatHolder.seat_id == seat_id, SeatHolder.ended_at.is_(None))
        .order_by(SeatHolder.id.desc())
        .limit(1)
    )


async def holders_of(session: AsyncSession, seat_id: int) -> list[SeatHolder]:
    """Every holder period of the seat, the first first."""
    rows = await session.scalars(
        select(SeatHolder)
        .where(SeatHolder.seat_id == seat_id)
        .order_by(SeatHolder.started_at, SeatHolder.id)
    )
    return list(rows)


async def holder_by_archive(session: AsyncSession, name: str) -> SeatHolder | None:
    return await session.scalar(
        select(SeatHolder).where(SeatHolder.archive_name == name)
    )


async def holders_by_ids(
    session: AsyncSession, ids: Collection[int]
) -> dict[int, SeatHolder]:
    if not ids:
        return {}
    rows = await session.scalars(select(SeatHolder).where(SeatHolder.id.in_(ids)))
    return {row.id: row for row in rows}


async def posts_of_holder(
    session: AsyncSession, holder_id: int, visibilities: Sequence[str] | None = None
) -> list[Post]:
    """The posts written in one holder period (boosts and deleted posts aside),
    oldest first; only those of `visibilities` when given."""
    statement = select(Post).where(
        Post.holder_id == holder_id,
        Post.reblog_of_id.is_(None),
        Post.deleted_at.is_(None),
    )
    if visibilities is not None:
        statement = statement.where(Post.visibility.in_(visibilities))
    return list(await session.scalars(statement.order_by(Post.id)))


async def link_by_digest(session: AsyncSession, digest: str) -> HandoverLink | None:
    return await session.scalar(
        select(HandoverLink).where(HandoverLink.token_digest == digest)
    )


async def use_link(session: AsyncSession, link_id: int, now: datetime) -> bool:
    """Mark a link used, if it was still unused and unexpired: one winner when
    two requests present it at once."""
    result = await session.execute(
        update(HandoverLink)
        .where(
            HandoverLink.id == link_id,
            HandoverLink.used_at.is_(None),
            HandoverLink.expires_at > now,
        )
        .values(used_at=now)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def end_unused_links(session: AsyncSession, seat_id: int, now: datetime) -> None:
    """A new handover makes the seat's earlier links useless."""
    await session.execute(
        update(HandoverLink)
        .where(HandoverLink.seat_id == seat_id, HandoverLink.used_at.is_(None))
        .values(used_at=now)
    )


async def revoke_tokens(session: AsyncSession, actor_id: int, now: datetime) -> int:
    """Revoke every live token of the account, end its unused authorization
    codes and its push subscriptions (which would carry its notifications to the
    devices of whoever made them); how many tokens were live."""
    result = await session.execute(
        update(AccessToken)
        .where(AccessToken.actor_id == actor_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.execute(
        update(AuthorizationCode)
        .where(
            AuthorizationCode.actor_id == actor_id,
            AuthorizationCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    await session.execute(
        delete(WebPushSubscription).where(WebPushSubscription.actor_id == actor_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def cancel_scheduled(session: AsyncSession, actor_id: int) -> int:
    """Cancel the account's scheduled statuses; how many there were."""
    result = await session.execute(
        delete(ScheduledStatus).where(ScheduledStatus.actor_id == actor_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
