"""Look-ups of attestations: an account's current ones, one by id, and the list
an operator filters by state, role and origin."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, Attestation


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
