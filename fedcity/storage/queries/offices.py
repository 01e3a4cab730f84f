"""Look-ups of attestations: an account's current ones, one by id, and the list
an operator filters by state, role and origin."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, Attestation, Follow


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
    session: AsyncSession, checked_before: datetime, limit: int = 500
) -> list[int]:
    """Remote actors holding a current remote attestation last checked before
    `checked_before` (or never): the periodic re-check's work."""
    rows = await session.scalars(
        select(Attestation.subject_id)
        .join(Actor, Actor.id == Attestation.subject_id)
        .where(
            Attestation.local.is_(False),
            Attestation.revoked_at.is_(None),
            Actor.domain.is_not(None),
            (Attestation.checked_at.is_(None))
            | (Attestation.checked_at < checked_before),
        )
        .distinct()
        .limit(limit)
    )
    return list(rows)


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
