"""Attestations this instance holds from other issuers (issue 11): one received
for a local account, or found listed on a remote actor. Each row keeps the
document as fetched and the outcome of its last check (`check_status`, `reason`);
the checks themselves are federation's (`federation.attestations`), which hands
the outcome here.

A local account lists only what passed the checks; a refused attestation stays
on record for admins (`official list --remote`), never on the actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.offices.attestations import refresh
from fedcity.storage.models import Actor, Attestation
from fedcity.storage.queries import offices as q
from fedcity.storage.types import utcnow

VERIFIED: Final = "verified"
UNVERIFIED: Final = "unverified"


@dataclass(frozen=True)
class AttestedFacts:
    """What a remote attestation document says, read by federation.attestations."""

    uri: str
    issuer_uri: str
    kind: str  # office | candidacy
    role: str
    title: str
    jurisdiction: str
    state: str
    ocd_id: str
    published_at: datetime
    population: int | None = None
    seats: int | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    election_date: date | None = None
    issuer_name: str | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of checking one attestation: verified, or why not."""

    reason: str | None = None  # a stable code; None when verified
    revoked: bool = False

    @property
    def status(self) -> str:
        return VERIFIED if self.reason is None else UNVERIFIED


async def record(
    session: AsyncSession,
    subject: Actor,
    facts: AttestedFacts,
    outcome: Outcome,
    raw: dict[str, Any] | None,
) -> Attestation:
    """Insert or update the row of a remote attestation of `subject` with the
    outcome of its check (the caller refreshes the subject's summary)."""
    row = await q.get_attestation_by_uri(session, facts.uri)
    if row is None:
        row = Attestation(uri=facts.uri, local=False, subject_id=subject.id)
        session.add(row)
    elif row.local:
        raise ValueError(f"{facts.uri} is this instance's own attestation")
    row.subject_id = subject.id
    row.issuer_uri = facts.issuer_uri
    row.kind, row.role, row.title = facts.kind, facts.role, facts.title
    row.jurisdiction, row.state, row.ocd_id = (
        facts.jurisdiction,
        facts.state,
        facts.ocd_id,
    )
    row.population, row.seats = facts.population, facts.seats
    row.valid_from, row.valid_until = facts.valid_from, facts.valid_until
    row.election_date, row.published_at = facts.election_date, facts.published_at
    row.raw = (
        {**(raw or {}), "issuerName": facts.issuer_name} if facts.issuer_name else raw
    )
    _settle(row, outcome)
    await session.flush()
    return row


async def record_outcome(
    session: AsyncSession, row: Attestation, outcome: Outcome
) -> None:
    """A re-check that could not read the document again (gone, unreachable)."""
    _settle(row, outcome)
    await session.flush()


def _settle(row: Attestation, outcome: Outcome) -> None:
    now = utcnow()
    row.check_status, row.reason, row.checked_at = outcome.status, outcome.reason, now
    if outcome.revoked:
        row.revoked_at = row.revoked_at or now
    elif row.revoked_at is not None and outcome.reason is None:
        row.revoked_at = None  # issued again under the same id


async def revoke_received(
    session: AsyncSession, uri: str, issuer_uri: str
) -> Actor | None:
    """The issuer deleted its attestation `uri`: revoked here at once. Returns the
    subject whose summary changed (None when nothing held here changed)."""
    row = await q.get_attestation_by_uri(session, uri)
    if row is None or row.local or row.issuer_uri != issuer_uri:
        return None
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    row.check_status, row.reason, row.checked_at = UNVERIFIED, "revoked", utcnow()
    await session.flush()
    return await session.get(Actor, row.subject_id)


async def held_for(session: AsyncSession, subject: Actor) -> list[Attestation]:
    """The remote attestations of `subject` held here, current ones."""
    return [
        a for a in await q.list_current_for_subject(session, subject.id) if not a.local
    ]


async def forget_unlisted(
    session: AsyncSession, subject: Actor, listed: set[str]
) -> None:
    """The remote actor no longer lists these: they no longer show (unverified,
    `not_listed`), and a later listing checks them again."""
    for row in await held_for(session, subject):
        if row.uri not in listed:
            _settle(row, Outcome("not_listed"))
    await session.flush()


async def publish_summary(
    session: AsyncSession, subject: Actor, local_name: str
) -> None:
    """Rewrite the subject's `actors.offices` (a local subject's followers hear an
    Update of the actor)."""
    await refresh(session, subject, local_name)
