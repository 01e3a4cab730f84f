"""Checking the attestations a remote actor lists, off the inbox path (the
`check_attestations` job): each is fetched from its id, checked
(`checks.check`), and its outcome stored; the actor's `actors.offices` summary is
then rewritten so that every page and entity shows the result.

Also the check of an attestation that arrives embedded in an activity (a
`Create` for a local account): there the proof must verify, since the copy did
not come from the issuer's origin.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError, Gone
from fedcity.federation.attestations import checks
from fedcity.federation.attestations.checks import Context, Reason
from fedcity.federation.context import Federation
from fedcity.federation.fetch import fetch_document_as_served
from fedcity.federation.integrity.proofs import ProofError
from fedcity.federation.integrity.remote import verify_remote
from fedcity.federation.vocab import same_origin
from fedcity.services.offices import received
from fedcity.services.offices.received import Outcome
from fedcity.storage.models import Actor, Attestation
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import offices as q

log = logging.getLogger(__name__)

# An actor listing more than this many attestations has the rest ignored.
MAX_CHECKED: Final = 20


def context(
    fed: Federation, actor_uri: str, listed: frozenset[str], *, from_issuer: bool
) -> Context:
    return Context(
        actor_uri=actor_uri,
        listed=listed,
        trust=fed.settings.trust,
        own_base=fed.urls.base,
        from_issuer=from_issuer,
    )


async def check_actor(fed: Federation, actor_id: int) -> None:
    """Job handler body: check every attestation the remote actor lists, and those
    held of it that it no longer lists (of a local account: `check_received`). The documents are fetched before the
    transaction that records the outcomes, so that no write waits on a peer."""
    async with fed.db.session() as session:
        actor = await session.get(Actor, actor_id)
        if actor is None or actor.deleted_at is not None:
            return
        held_rows = await received.held_for(session, actor)
        local = actor.is_local
        listed = checks.listed_ids(actor.raw or {})
    held = {row.uri for row in held_rows}
    if local:
        await check_received(fed, actor_id, {r.uri: r.check_status for r in held_rows})
        return
    # This instance's own attestations are known without asking (its record is
    # the truth): only the others' are fetched.
    others = sorted(u for u in listed | held if not same_origin(u, fed.urls.base))
    fetched = [await fetch(fed, uri) for uri in others[:MAX_CHECKED]]
    async with fed.db.session() as session:
        actor = await session.get(Actor, actor_id)
        if actor is None:
            return
        for uri, found in fetched:
            await record_fetched(fed, session, actor, uri, found, listed)
        await received.publish_summary(session, actor, fed.settings.instance.name)


async def check_received(
    fed: Federation, actor_id: int, before: Mapping[str, str | None]
) -> None:
    """The attestations a local account received from verifiers (`before`: their
    uris and last outcomes), fetched again from their issuers: one revoked, gone
    or no longer valid stops showing, and the account's followers (and its
    instance actor's) hear an `Update`. An issuer that cannot be reached now
    changes nothing: it is asked again at the next re-check."""
    fetched = [await fetch(fed, uri) for uri in sorted(before)[:MAX_CHECKED]]
    listed = frozenset(before)
    async with fed.db.session() as session:
        actor = await session.get(Actor, actor_id)
        if actor is None:
            return
        changed = False
        for uri, found in fetched:
            if isinstance(found, Outcome) and found.reason == Reason.FETCH_FAILED:
                continue
            row = await record_fetched(fed, session, actor, uri, found, listed)
            changed |= row is not None and row.check_status != before[uri]
        if changed:
            await received.publish_summary(session, actor, fed.settings.instance.name)


# A fetched attestation document, or the outcome that it could not be read.
Fetched = tuple[str, Mapping[str, Any] | Outcome]


async def fetch(fed: Federation, uri: str) -> Fetched:
    """Attestation `uri` as its id serves it, or why it can't be used."""
    try:
        doc = await fetch_document_as_served(fed, uri)
    except Gone:
        return uri, Outcome(Reason.REVOKED, revoked=True)
    except FedcityError as exc:
        log.info("attestation %s not fetched: %s", uri, exc)
        return uri, Outcome(Reason.FETCH_FAILED)
    if checks.is_tombstone(doc):
        return uri, Outcome(Reason.REVOKED, revoked=True)
    if doc.get("id") != uri:
        return uri, Outcome(Reason.INVALID_DOCUMENT)
    return uri, doc


async def record_fetched(
    fed: Federation,
    session: AsyncSession,
    actor: Actor,
    uri: str,
    found: Mapping[str, Any] | Outcome,
    listed: frozenset[str],
) -> Attestation | None:
    """Record how the fetched attestation `uri` checks on `actor`."""
    row = await q.get_attestation_by_uri(session, uri)
    if row is not None and row.local:
        return row  # this instance's own: its record is the truth
    if isinstance(found, Outcome):
        return await _settle(session, row, found)
    ctx = context(fed, actor.uri, listed, from_issuer=True)
    return await record_checked(fed, session, actor, found, ctx)


async def record_checked(
    fed: Federation,
    session: AsyncSession,
    subject: Actor,
    doc: Mapping[str, Any],
    ctx: Context,
) -> Attestation | None:
    """Check `doc` on `subject` and store the outcome; None when the document is
    not an attestation at all (nothing to show, logged)."""
    if not checks.is_valid_document(doc):
        log.info("invalid attestation document %s for %s", doc.get("id"), subject.uri)
        row = await q.get_attestation_by_uri(session, str(doc.get("id") or ""))
        return await _settle(session, row, Outcome(Reason.INVALID_DOCUMENT))
    proof_valid = ctx.from_issuer or await proof_verifies(fed, session, doc)
    reason = checks.check(doc, ctx, proof_valid=proof_valid)
    facts = checks.facts_of(doc, await _issuer_name(session, str(doc["issuer"])))
    return await received.record(session, subject, facts, Outcome(reason), dict(doc))


async def proof_verifies(
    fed: Federation, session: AsyncSession, doc: Mapping[str, Any]
) -> bool:
    """The document's proof verifies with a key its issuer lists in
    `assertionMethod` (refetching the issuer once, after a key rotation)."""
    issuer = str(doc.get("issuer"))
    for refresh in (False, True):
        try:
            await verify_remote(fed, session, doc, owner=issuer, refresh=refresh)
            return True
        except ProofError as exc:
            log.info("attestation %s: proof refused: %s", doc.get("id"), exc)
    return False


async def _issuer_name(session: AsyncSession, issuer_uri: str) -> str | None:
    issuer = await actor_q.get_actor_by_uri(session, issuer_uri)
    return issuer.display_name or None if issuer is not None else None


async def _settle(
    session: AsyncSession, row: Attestation | None, outcome: Outcome
) -> Attestation | None:
    if row is not None and not row.local:
        await received.record_outcome(session, row, outcome)
    return row
