"""Attesting offices and candidacies of accounts, revoking them, listing them, and
the capacity an account speaks in.

Every change rewrites the subject's `actors.offices` summary (`refresh`) in the same
transaction, so that what entities and documents show never lags the record. The
federation of a change (an `Update` of the actor, a `Delete` of a revoked
attestation) is the caller's step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.ids import new_id
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue
from fedcity.jobs.verbs import AttestationRef, Verb, enqueue_federate
from fedcity.services.accounts.accounts import announce_profile_change
from fedcity.services.groups import membership
from fedcity.services.offices import listing
from fedcity.services.offices import vocabulary as v
from fedcity.services.offices.status import (
    OfficeView,
    attestation_view,
    summary_of,
)
from fedcity.storage.models import Actor, Attestation
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import offices as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls


@dataclass(frozen=True)
class Issuer:
    """This instance as a verifier: its instance actor, its name, its URLs."""

    urls: Urls
    name: str

    @property
    def uri(self) -> str:
        return self.urls.instance_actor


@dataclass(frozen=True)
class Claim:
    """What `official verify` asks this instance to attest."""

    role: str  # an office role, or "candidate"
    jurisdiction: str  # "Ojai, CA"
    title: str | None = None
    ocd_id: str | None = None
    population: int | None = None
    seats: int | None = None
    term_start: date | None = None
    term_end: date | None = None
    seeking: str | None = None
    election_date: date | None = None


@dataclass(frozen=True)
class Listed:
    attestation: Attestation
    subject: Actor
    view: OfficeView


async def find_account(session: AsyncSession, account: str, local_domain: str) -> Actor:
    """A local name, `@name`, or a remote handle `name@domain` this instance knows."""
    name, _, domain = account.lstrip("@").partition("@")
    found = (
        await actor_q.get_local_actor(session, name)
        if not domain or domain.lower() == local_domain.lower()
        else await actor_q.get_actor_by_handle(session, name, domain.lower())
    )
    if found is None or found.deleted_at is not None:
        raise NotFound("No account {account} is known here", account=account)
    return found


def _check(claim: Claim) -> tuple[str, str]:
    """(kind, role) of a valid claim."""
    if claim.role == v.CANDIDATE:
        if claim.seeking is None or claim.election_date is None:
            raise Unprocessable(
                "A candidacy needs the office sought and the election date"
            )
        return "candidacy", v.check_role(claim.seeking)
    if claim.seeking is not None or claim.election_date is not None:
        raise Unprocessable("Only a candidacy names an office sought or an election")
    if claim.term_start and claim.term_end and claim.term_end < claim.term_start:
        raise Unprocessable("The term cannot end before it starts")
    if claim.seats is not None and claim.seats < 1:
        raise Unprocessable("A council has at least one seat")
    return "office", v.check_role(claim.role)


async def verify(
    session: AsyncSession, issuer: Issuer, subject: Actor, claim: Claim
) -> Attestation:
    """Attest `claim` for `subject`; an earlier attestation of the same office (or
    candidacy) in the same jurisdiction is superseded (revoked)."""
    kind, role = _check(claim)
    place = v.jurisdiction(
        claim.jurisdiction, ocd_id=claim.ocd_id, population=claim.population
    )
    now = utcnow()
    for earlier in await q.list_current_for_subject(session, subject.id):
        same = (earlier.kind, earlier.role, earlier.ocd_id) == (
            kind,
            role,
            place.ocd_id,
        )
        if same and earlier.local:
            earlier.revoked_at = now
            await _federate(session, Verb.REVOKE_ATTESTATION, earlier)
    attestation_id = new_id()
    attestation = Attestation(
        id=attestation_id,
        kind=kind,
        subject_id=subject.id,
        issuer_uri=issuer.uri,
        local=True,
        uri=issuer.urls.attestation(attestation_id),
        role=role,
        title=(claim.title or "").strip() or v.default_title(role, place.name),
        jurisdiction=place.name,
        state=place.state,
        population=place.population,
        ocd_id=place.ocd_id,
        seats=claim.seats,
        valid_from=claim.term_start,
        valid_until=claim.term_end,
        election_date=claim.election_date,
        published_at=now,
    )
    session.add(attestation)
    await session.flush()
    await refresh(session, subject, issuer.name)
    if not subject.is_local:
        # The subject's instance lists it on the actor once it has checked it.
        await _federate(session, Verb.ATTEST, attestation)
        await follow_subject_instance(session, subject)
    return attestation


async def follow_subject_instance(session: AsyncSession, subject: Actor) -> None:
    """This instance's actor follows the instance actor of a remote subject's
    instance (once: the domain is the job's dedupe key), whose actor then sends
    it the `Update`s of its officials (a league learns of its members' so)."""
    if subject.domain:
        domain = subject.domain.lower()
        await enqueue(
            session,
            JobKind.FOLLOW_INSTANCE,
            {"domain": domain},
            dedupe_key=f"{JobKind.FOLLOW_INSTANCE}:{domain}",
        )


async def _federate(
    session: AsyncSession, verb: Verb, attestation: Attestation
) -> None:
    """The subject's instance and the followers of this instance's actor (the
    instances that trust it) hear of an attestation, or of its revocation."""
    await enqueue_federate(session, verb, AttestationRef(attestation.id))


async def revoke(
    session: AsyncSession, issuer: Issuer, subject: Actor, role: str | None = None
) -> list[Attestation]:
    """Revoke what this instance attested for `subject` (only `role`'s when given;
    `candidate` names its candidacies)."""
    revoked = [
        a
        for a in await q.list_current_for_subject(session, subject.id)
        if a.local and _matches(a, role)
    ]
    if not revoked:
        raise NotFound(
            "No attestation of {account} to revoke", account=subject.username
        )
    now = utcnow()
    for attestation in revoked:
        attestation.revoked_at = now
        await _federate(session, Verb.REVOKE_ATTESTATION, attestation)
    await session.flush()
    await refresh(session, subject, issuer.name)
    return revoked


def _matches(attestation: Attestation, role: str | None) -> bool:
    if role is None:
        return True
    if role == v.CANDIDATE:
        return attestation.kind == "candidacy"
    return attestation.kind == "office" and attestation.role == role


async def refresh(session: AsyncSession, subject: Actor, local_name: str) -> None:
    """Rewrite `subject.offices` from its current attestations; a local subject's
    followers hear of it."""
    subject.offices = [
        summary_of(a, local_name if a.local else _remote_issuer_name(a))
        for a in await q.list_current_for_subject(session, subject.id)
        if _shown(a, subject)
    ]
    await session.flush()
    await listing.reindex(session, subject)
    # An `officials` group keeps only members whose office is still verified.
    await membership.recheck_offices(session, subject)
    if subject.is_local:
        await announce_profile_change(session, subject)


def _shown(attestation: Attestation, subject: Actor) -> bool:
    """A local account lists only what this instance issued or accepted; a remote
    one shows every attestation held of it, unverified ones with their reason."""
    if attestation.local or not subject.is_local:
        return True
    return attestation.check_status == "verified"


def _remote_issuer_name(attestation: Attestation) -> str:
    raw = attestation.raw or {}
    name = raw.get("issuerName")
    return (
        name
        if isinstance(name, str) and name
        else urlsplit(attestation.issuer_uri).netloc
    )


async def get_attestation(
    session: AsyncSession, attestation_id: int
) -> tuple[Attestation, Actor]:
    """An attestation this instance issued, with its subject (revoked ones too:
    their id serves a Tombstone)."""
    attestation = await q.get_attestation(session, attestation_id)
    if attestation is None or not attestation.local:
        raise NotFound()
    subject = await session.get(Actor, attestation.subject_id)
    if subject is None:
        raise NotFound()
    return attestation, subject


async def find_listed(session: AsyncSession, attestation_id: int) -> Listed:
    """Any attestation held here, issued here or received, revoked ones too."""
    attestation = await q.get_attestation(session, attestation_id)
    subject = (
        None
        if attestation is None
        else await session.get(Actor, attestation.subject_id)
    )
    if attestation is None or subject is None:
        raise NotFound()
    return listed_of(attestation, subject, utcnow().date())


async def revoke_attestation(
    session: AsyncSession, issuer: Issuer, attestation_id: int
) -> Listed:
    """Revoke one attestation this instance issued, as `revoke` does (revoking a
    revoked one again changes nothing)."""
    attestation, subject = await get_attestation(session, attestation_id)
    if attestation.revoked_at is None:
        attestation.revoked_at = utcnow()
        await _federate(session, Verb.REVOKE_ATTESTATION, attestation)
        await session.flush()
        await refresh(session, subject, issuer.name)
    return listed_of(attestation, subject, utcnow().date())


async def revoke_all_of(session: AsyncSession, subject: Actor) -> None:
    """The subject's account is deleted: every attestation of it held here, issued
    here or received, is revoked, in the caller's transaction."""
    now = utcnow()
    for attestation in await q.list_current_for_subject(session, subject.id):
        attestation.revoked_at = now
    subject.offices = []
    await session.flush()
    await listing.reindex(session, subject)


async def list_offices(
    session: AsyncSession,
    *,
    remote: bool = False,
    state: str | None = None,
    role: str | None = None,
    subject: Actor | None = None,
    today: date | None = None,
) -> list[Listed]:
    if state is not None:
        state = state.upper()
        if state not in v.STATES:
            raise Unprocessable("Unknown state code {state}", state=state)
    if role is not None and role != v.CANDIDATE:
        v.check_role(role)
    rows = await q.list_attestations(
        session,
        remote=remote,
        state=state,
        role=None if role == v.CANDIDATE else role,
        subject_id=None if subject is None else subject.id,
    )
    day = today or utcnow().date()
    listed = []
    for attestation, holder in rows:
        if role is not None and (role == v.CANDIDATE) != (
            attestation.kind == "candidacy"
        ):
            continue  # `--role mayor` lists mayors, not candidates for mayor
        listed.append(listed_of(attestation, holder, day))
    return listed


def listed_of(attestation: Attestation, subject: Actor, today: date) -> Listed:
    return Listed(
        attestation, subject, attestation_view(attestation, subject.capacity, today)
    )


async def set_capacity(session: AsyncSession, subject: Actor, capacity: str) -> None:
    subject.capacity = v.check_capacity(capacity)
    await announce_profile_change(session, subject)
