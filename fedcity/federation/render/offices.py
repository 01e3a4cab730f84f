"""Attestations → JSON-LD: `OfficeAttestation` and `CandidacyAttestation` documents
(issue 11), their `Tombstone` once revoked, and what an actor document gains from
its attested offices (`attestations`, `capacity`, an "Office" profile field).

The proof (FEP-8b32 `DataIntegrityProof`, `eddsa-jcs-2022`) is made by the
`signer` given to `render_attestation`: it takes the finished unsigned document
and returns it with its `proof`, as federation.integrity does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from typing import Any, Final

from fedcity.federation.render.common import iso
from fedcity.federation.vocab import Document
from fedcity.services.offices.status import OfficeView, actor_views
from fedcity.storage.models import Actor, Attestation

FEDCITY_CONTEXT_V2: Final = "https://fedcity.org/ns/v2"
AS_CONTEXT: Final = "https://www.w3.org/ns/activitystreams"
DATA_INTEGRITY_CONTEXT: Final = "https://w3id.org/security/data-integrity/v2"
ATTESTATION_CONTEXT: Final = (AS_CONTEXT, DATA_INTEGRITY_CONTEXT, FEDCITY_CONTEXT_V2)
OFFICE_FIELD: Final = "Office"

Signer = Callable[[Document], Document]


def render_attestation(
    attestation: Attestation, subject_uri: str, signer: Signer | None = None
) -> Document:
    """The attestation as its issuer serves it; `signer` adds the proof."""
    candidacy = attestation.kind == "candidacy"
    place: Document = {
        "type": "Place",
        "name": attestation.jurisdiction,
        "state": attestation.state,
        "ocdId": attestation.ocd_id,
    }
    if attestation.population is not None:
        place["population"] = attestation.population
    doc: Document = {
        "@context": list(ATTESTATION_CONTEXT),
        "id": attestation.uri,
        "type": "CandidacyAttestation" if candidacy else "OfficeAttestation",
        "issuer": attestation.issuer_uri,
        "subject": subject_uri,
        "role": "candidate" if candidacy else attestation.role,
        "title": attestation.title,
        "jurisdiction": place,
        "published": iso(attestation.published_at),
        "url": attestation.uri,
    }
    if attestation.seats is not None:
        doc["seats"] = attestation.seats
    if attestation.valid_from is not None:
        doc["validFrom"] = _moment(attestation.valid_from)
    if attestation.valid_until is not None:
        doc["validUntil"] = _moment(attestation.valid_until)
    if candidacy:
        doc["seeking"] = attestation.role
        if attestation.election_date is not None:
            doc["electionDate"] = attestation.election_date.isoformat()
    return signer(doc) if signer is not None else doc


def render_attestation_tombstone(attestation: Attestation) -> Document:
    """What a revoked attestation's id serves (with HTTP 410)."""
    return {
        "@context": list(ATTESTATION_CONTEXT),
        "id": attestation.uri,
        "type": "Tombstone",
        "formerType": (
            "CandidacyAttestation"
            if attestation.kind == "candidacy"
            else "OfficeAttestation"
        ),
        "deleted": iso(attestation.revoked_at),
    }


def _moment(day: date) -> str:
    """A term's day as VC 2.0's `validFrom`/`validUntil` (an xsd:dateTime, UTC)."""
    return f"{day.isoformat()}T00:00:00Z"


def office_fields(actor: Actor, today: date | None = None) -> list[dict[str, str]]:
    """The "Office" profile fields (name, HTML value) of the actor's verified
    offices: "Mayor of Ojai, verified by …", linked with rel="me" to the
    attestation's page, so that Mastodon shows its own green check."""
    return [
        {"name": OFFICE_FIELD, "value": office_link(v)}
        for v in actor_views(actor, today)
        if v.status == "verified" and v.kind == "office"
    ]


def office_link(view: OfficeView) -> str:
    text = f"{view.title}, verified by {view.issuer_name}"
    return (
        f'<a href="{escape(view.url)}" rel="me nofollow noopener noreferrer" '
        f'target="_blank">{escape(text)}</a>'
    )


def actor_extension(actor: Actor) -> dict[str, Any]:
    """What fedcity adds to an actor document: its capacity and attestation ids."""
    return {
        "capacity": actor.capacity,
        "attestations": [str(s["attestation"]) for s in actor.offices or []],
    }
