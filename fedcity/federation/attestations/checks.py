"""The checks a remote attestation must pass to show as verified, as pure
functions over the document, the actor it is shown on and the `[trust]` settings,
and the stable reason codes admins see when it does not.

The proof is checked by the caller (it needs the issuer's key, fetched); here it
is one fact among the others: an attestation fetched from its issuer's own
origin needs no valid proof, a copy from anywhere else does.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from fedcity.config import TrustSettings
from fedcity.federation.parse.common import parse_datetime
from fedcity.federation.vocab import get_id, netloc_of, same_origin
from fedcity.services.offices.received import AttestedFacts

SCHEMA: Final = (
    Path(__file__).resolve().parents[3] / "schemas" / "attestation.schema.json"
)
ATTESTATION_TYPES: Final = frozenset({"OfficeAttestation", "CandidacyAttestation"})


class Reason(StrEnum):
    """Why a remote attestation is not shown as verified (stable, for admins)."""

    INVALID_DOCUMENT = "invalid_document"  # not an attestation per the schema
    ISSUER_MISMATCH = "issuer_mismatch"  # its id is not on its issuer's origin
    UNTRUSTED_ISSUER = "untrusted_issuer"
    OUT_OF_SCOPE = "out_of_scope"  # the issuer is not trusted for that place
    PROOF_INVALID = "proof_invalid"
    SUBJECT_MISMATCH = "subject_mismatch"  # it names another actor
    NOT_LISTED = "not_listed"  # the actor does not list it
    REVOKED = "revoked"  # its id answers 410 / a Tombstone, or a Delete came
    FETCH_FAILED = "fetch_failed"


@dataclass(frozen=True)
class Context:
    """Where the attestation is checked: on `actor_uri`, which lists `listed`."""

    actor_uri: str
    listed: frozenset[str]
    trust: TrustSettings
    own_base: str  # this instance's base URL: it trusts its own attestations
    from_issuer: bool  # fetched from its issuer's origin, not an embedded copy


def check(doc: Mapping[str, Any], ctx: Context, *, proof_valid: bool) -> Reason | None:
    """The first check `doc` fails, in the order an admin reads them; None when
    it passes all (its term decides whether it reads verified or former)."""
    reason = check_trust(doc)
    if reason is None:
        reason = _trusted(doc, ctx)
    if reason is None and not (ctx.from_issuer or proof_valid):
        reason = Reason.PROOF_INVALID
    if reason is None and doc.get("subject") != ctx.actor_uri:
        reason = Reason.SUBJECT_MISMATCH
    if reason is None and str(doc["id"]) not in ctx.listed:
        reason = Reason.NOT_LISTED
    return reason


def check_trust(doc: Mapping[str, Any]) -> Reason | None:
    """A well-formed attestation whose id lives on its issuer's origin."""
    if not is_valid_document(doc):
        return Reason.INVALID_DOCUMENT
    if not same_origin(str(doc["id"]), str(doc["issuer"])):
        return Reason.ISSUER_MISMATCH
    return None


def _trusted(doc: Mapping[str, Any], ctx: Context) -> Reason | None:
    issuer = str(doc["issuer"])
    if same_origin(issuer, ctx.own_base):
        return None  # this instance always trusts its own attestations
    domain = netloc_of(issuer)
    if not ctx.trust.trusts(domain):
        return Reason.UNTRUSTED_ISSUER
    if not ctx.trust.in_scope(domain, ocd_id_of(doc)):
        return Reason.OUT_OF_SCOPE
    return None


def is_valid_document(doc: Mapping[str, Any]) -> bool:
    """An OfficeAttestation or CandidacyAttestation per schemas/attestation.schema.json."""
    return doc.get("type") in ATTESTATION_TYPES and _validator().is_valid(doc)


def is_tombstone(doc: Mapping[str, Any]) -> bool:
    return doc.get("type") == "Tombstone"


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def ocd_id_of(doc: Mapping[str, Any]) -> str:
    place = doc.get("jurisdiction")
    return str(place.get("ocdId", "")) if isinstance(place, Mapping) else ""


def listed_ids(actor_doc: Mapping[str, Any]) -> frozenset[str]:
    """The attestation ids an actor document lists (`attestations`, fedcity v2)."""
    value = actor_doc.get("attestations", actor_doc.get("fedcity:attestations"))
    items = value if isinstance(value, list) else [value] if value else []
    return frozenset(i for i in (get_id(item) for item in items) if i)


def facts_of(doc: Mapping[str, Any], issuer_name: str | None) -> AttestedFacts:
    """The office a valid attestation document states (`is_valid_document`)."""
    place = doc["jurisdiction"]
    candidacy = doc["type"] == "CandidacyAttestation"
    published = parse_datetime(doc["published"])
    assert published is not None  # the schema requires it
    return AttestedFacts(
        uri=str(doc["id"]),
        issuer_uri=str(doc["issuer"]),
        kind="candidacy" if candidacy else "office",
        role=str(doc["seeking"] if candidacy else doc["role"]),
        title=str(doc["title"]),
        jurisdiction=str(place["name"]),
        state=str(place["state"]),
        ocd_id=str(place["ocdId"]),
        published_at=published,
        population=place.get("population"),
        seats=doc.get("seats"),
        valid_from=_day(doc.get("validFrom")),
        valid_until=_day(doc.get("validUntil")),
        election_date=_day(doc.get("electionDate")),
        issuer_name=issuer_name,
    )


def _day(value: object) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    moment = parse_datetime(value)
    return moment.date() if moment is not None else None
