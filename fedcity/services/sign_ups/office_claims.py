"""The office an invite named (issue 12): after sign-up the account claims it,
and an admin confirms the claim with one action, which attests the office
(`services.offices.attestations.verify`), or dismisses it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound
from fedcity.services.moderation import action_log
from fedcity.services.offices import attestations as offices
from fedcity.storage.models import Actor, Attestation, Invite, User
from fedcity.storage.queries import logins as q

PENDING = "pending"
CONFIRMED = "confirmed"
DISMISSED = "dismissed"


@dataclass(frozen=True)
class OfficeClaim:
    actor: Actor
    user: User
    invite: Invite
    attestation: Attestation | None = None


async def pending(session: AsyncSession) -> list[OfficeClaim]:
    """The claims waiting for an admin, oldest first."""
    return [OfficeClaim(*row) for row in await q.list_office_claims(session, PENDING)]


async def _pending_claim(session: AsyncSession, actor_id: int) -> OfficeClaim:
    for claim in await pending(session):
        if claim.actor.id == actor_id:
            return claim
    raise NotFound("No pending office claim for this account")


async def confirm(
    session: AsyncSession, issuer: offices.Issuer, actor_id: int, *, by: Actor | None
) -> OfficeClaim:
    """Attest the office the account's invite named (logged as done `by` an
    admin; None: the command line).

    Raises:
        NotFound: the account has no pending claim.
        Unprocessable: the office cannot be attested (checked as `official verify`).
    """
    claim = await _pending_claim(session, actor_id)
    assert claim.invite.office_role is not None
    assert claim.invite.jurisdiction is not None
    attestation = await offices.verify(
        session,
        issuer,
        claim.actor,
        offices.Claim(
            role=claim.invite.office_role, jurisdiction=claim.invite.jurisdiction
        ),
    )
    claim.user.office_claim = CONFIRMED
    await action_log.record_attestation(
        session, by, "confirm_office_claim", attestation, claim.actor
    )
    return OfficeClaim(claim.actor, claim.user, claim.invite, attestation)


async def dismiss(
    session: AsyncSession, actor_id: int, *, by: Actor | None
) -> OfficeClaim:
    """Refuse the claim: no office is attested; the account stays."""
    claim = await _pending_claim(session, actor_id)
    claim.user.office_claim = DISMISSED
    await action_log.record_on_account(session, by, "dismiss_office_claim", claim.actor)
    return claim
