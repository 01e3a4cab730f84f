"""What the issuer sends: a `Create` of an attestation of a remote account, with
the signed attestation embedded, and a `Delete` of a revoked one. Both come from
the instance actor (the issuer), go to the subject's inbox and to the instance
actor's followers: the instances that trust this verifier follow it."""

from __future__ import annotations

from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.outbox.publish import Outgoing, builds
from fedcity.federation.render.common import render_activity
from fedcity.federation.render.offices import ATTESTATION_CONTEXT, render_attestation
from fedcity.federation.vocab import Document
from fedcity.jobs.verbs import AttestationRef, Verb
from fedcity.storage.models import Actor, Attestation
from fedcity.storage.queries import actors as actor_q


def followers_of_instance(fed: Federation) -> str:
    return f"{fed.urls.instance_actor}/followers"


def signed_attestation(
    fed: Federation, attestation: Attestation, subject_uri: str
) -> Document:
    """The attestation as its id serves it: signed with the instance actor's key,
    `created` its publication, so that every copy has the same bytes."""
    key = fed.assertion_key
    signer = partial(key.sign, created=attestation.published_at)
    return render_attestation(attestation, subject_uri, signer)


async def _parties(
    fed: Federation, session: AsyncSession, attestation_id: int
) -> tuple[Attestation, Actor, Actor, set[str]] | None:
    """(attestation, subject, instance actor, inboxes) of a local attestation."""
    attestation = await session.get(Attestation, attestation_id)
    if attestation is None or not attestation.local:
        return None
    subject = await session.get(Actor, attestation.subject_id)
    issuer = await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)
    if subject is None or issuer is None:
        return None
    inboxes = set(await actor_q.list_follower_inboxes(session, issuer.id))
    if not subject.is_local and subject.deleted_at is None and subject.inbox_uri:
        inboxes.add(subject.shared_inbox_uri or subject.inbox_uri)
    return attestation, subject, issuer, inboxes


@builds(Verb.ATTEST)
async def build_attest(
    fed: Federation, session: AsyncSession, payload: AttestationRef
) -> Outgoing | None:
    """Create{OfficeAttestation | CandidacyAttestation}, the signed document
    embedded, to the subject; nothing once it is revoked."""
    found = await _parties(fed, session, payload.attestation_id)
    if found is None or found[0].revoked_at is not None:
        return None
    attestation, subject, issuer, inboxes = found
    create = render_activity(
        "Create",
        f"{attestation.uri}#create",
        issuer,
        signed_attestation(fed, attestation, subject.uri),
        [subject.uri],
        [followers_of_instance(fed)],
        attestation.published_at,
    )
    create["@context"] = list(ATTESTATION_CONTEXT)
    return Outgoing(issuer, create, inboxes)


@builds(Verb.REVOKE_ATTESTATION)
async def build_revoke(
    fed: Federation, session: AsyncSession, payload: AttestationRef
) -> Outgoing | None:
    """Delete of the attestation's id (which now serves a Tombstone)."""
    found = await _parties(fed, session, payload.attestation_id)
    if found is None or found[0].revoked_at is None:
        return None
    attestation, subject, issuer, inboxes = found
    delete = render_activity(
        "Delete",
        f"{attestation.uri}#delete",
        issuer,
        attestation.uri,
        [subject.uri],
        [followers_of_instance(fed)],
        attestation.revoked_at,
    )
    return Outgoing(issuer, delete, inboxes)
