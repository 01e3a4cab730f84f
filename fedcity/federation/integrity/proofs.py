"""FEP-8b32 object integrity proofs: W3C Data Integrity `DataIntegrityProof`s with
the `eddsa-jcs-2022` cryptosuite (Data Integrity EdDSA Cryptosuites v1.0, §3.3).

Signing (Create Proof): the proof configuration is the proof options (type,
cryptosuite, verificationMethod, proofPurpose, created) plus the document's
`@context` when it has one; the signed message is
`SHA-256(JCS(proof configuration)) || SHA-256(JCS(document without proof))`, 64 raw
bytes; `proofValue` is the Ed25519 signature as multibase base58btc ("z…").

Verifying (Verify Proof) runs the same steps on the document without `proof` and on
the proof without `proofValue`, and refuses, with a `ProofError` naming the reason:
another proof type or cryptosuite, another purpose, a proof `@context` the
document's does not start with, a `created` in the future or an `expires` in the
past, a verification method on another origin than the document's owner
(FEP-8b32, FEP-fe34), or a signature that does not verify.

Documents are JSON as received: verify the bytes a peer served, parsed, never a
normalised copy (`jsonld.normalize` rewrites "as:Public" and compacts terms).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from fedcity.errors import SignatureError
from fedcity.federation.integrity.multikey import (
    MultikeyError,
    multibase_decode,
    multibase_encode,
)
from fedcity.federation.vocab import get_id, is_http_url, origin_of

PROOF_TYPE: Final = "DataIntegrityProof"
CRYPTOSUITE: Final = "eddsa-jcs-2022"
ASSERTION_METHOD: Final = "assertionMethod"
# The context that defines DataIntegrityProof, for documents that carry a proof.
DATA_INTEGRITY_CONTEXT: Final = "https://w3id.org/security/data-integrity/v2"
# How far ahead of this clock a proof's `created` may be (the signer's clock).
CLOCK_SKEW: Final = timedelta(minutes=5)
_SIGNATURE_BYTES: Final = 64


class ProofFailure(StrEnum):
    """Why a proof was refused (`ProofError.reason`), for logs and admins."""

    MISSING = "missing"  # no proof, or more than one
    MALFORMED = "malformed"  # a proof field is absent or of the wrong shape
    UNSUPPORTED_TYPE = "unsupported_type"
    UNSUPPORTED_CRYPTOSUITE = "unsupported_cryptosuite"
    WRONG_PURPOSE = "wrong_purpose"
    CONTEXT_MISMATCH = "context_mismatch"
    CREATED_IN_FUTURE = "created_in_future"
    EXPIRED = "expired"
    FOREIGN_KEY = "foreign_key"  # the key is not the document owner's
    KEY_UNAVAILABLE = "key_unavailable"  # the verification method can't be resolved
    BAD_SIGNATURE = "bad_signature"


class ProofError(SignatureError, message="Integrity proof verification failed"):
    """A document's integrity proof was refused; `reason` says why."""

    def __init__(self, reason: ProofFailure, *, detail: str | None = None) -> None:
        super().__init__(detail=f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason


@dataclass(frozen=True)
class VerifiedProof:
    """What a verified proof vouches for: who signed, with which key, and when."""

    verification_method: str
    owner: str | None
    created: datetime | None
    proof_purpose: str


def canonicalize(value: Any) -> bytes:
    """JCS (RFC 8785) canonical form of a JSON value, as UTF-8 bytes.

    Raises:
        ProofError (MALFORMED): a value JCS cannot represent (NaN, a too-large
            integer, a non-JSON type).
    """
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise ProofError(ProofFailure.MALFORMED, detail=str(exc)) from exc


def proof_configuration(
    options: Mapping[str, Any], unsecured_document: Mapping[str, Any]
) -> dict[str, Any]:
    """The proof configuration (§3.3.5): the proof options, with the document's
    `@context` when the document has one. No `proofValue`."""
    config = {k: copy.deepcopy(v) for k, v in options.items() if k != "proofValue"}
    if "@context" in unsecured_document:
        config["@context"] = copy.deepcopy(unsecured_document["@context"])
    return config


def hash_data(
    proof_config: Mapping[str, Any], unsecured_document: Mapping[str, Any]
) -> bytes:
    """The 64 bytes that are signed (§3.3.4): SHA-256 of the canonical proof
    configuration, then SHA-256 of the canonical document."""
    proof_hash = hashlib.sha256(canonicalize(proof_config)).digest()
    document_hash = hashlib.sha256(canonicalize(unsecured_document)).digest()
    return proof_hash + document_hash


def format_created(moment: datetime) -> str:
    """An `xsd:dateTime` in UTC, to the second: "2023-02-24T23:36:38Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: datetime | str | None = None,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """A copy of `document` with an `eddsa-jcs-2022` `proof` made with
    `private_key`, whose public half `verification_method` names.

    `created` defaults to now. The document is signed as it is: give it the
    data-integrity context (`DATA_INTEGRITY_CONTEXT`) if readers should find the
    `proof` term in its `@context`.

    Raises:
        ValueError: the document already has a proof (FEP-8b32: at most one).
        ProofError (MALFORMED): the document is not representable in JCS.
    """
    if "proof" in document:
        raise ValueError("the document already carries a proof")
    moment = created if created is not None else datetime.now(UTC)
    unsecured = copy.deepcopy(dict(document))
    options: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
        "created": moment if isinstance(moment, str) else format_created(moment),
    }
    config = proof_configuration(options, unsecured)
    signature = private_key.sign(hash_data(config, unsecured))
    proof = {k: config[k] for k in ("@context", *options) if k in config}
    proof["proofValue"] = multibase_encode(signature)
    return {**unsecured, "proof": proof}


def owner_of(document: Mapping[str, Any]) -> str | None:
    """Who answers for `document` (FEP-fe34 ownership): the `actor` of an
    activity, the `attributedTo` of an object, the `issuer` of a credential or
    attestation, else the document itself (an actor)."""
    for key in ("actor", "attributedTo", "issuer"):
        if key in document:
            return get_id(document[key])
    return get_id(document.get("id"))


def verify(
    document: Mapping[str, Any],
    public_key: Ed25519PublicKey,
    *,
    owner: str | None = None,
    check_owner: bool = True,
    proof_purpose: str = ASSERTION_METHOD,
    now: datetime | None = None,
) -> VerifiedProof:
    """Check `document`'s `eddsa-jcs-2022` proof against `public_key`.

    With `check_owner` (the default), the proof's verification method must be an
    http(s) URL on the origin of the document's owner (`owner`, or `owner_of`
    the document), and so must the document's `id`. Pass `check_owner=False`
    for verification methods that are not URLs of an actor (a `did:key`).
    Which actor lists the key is for the caller, who resolved it, to check
    (`keys.verify_with_resolved_key` does both).

    Raises:
        ProofError: the proof is refused; its `reason` says why.
    """
    proof = _single_proof(document)
    method = _field(proof, "verificationMethod")
    value = _field(proof, "proofValue")
    if proof.get("type") != PROOF_TYPE:
        raise ProofError(ProofFailure.UNSUPPORTED_TYPE, detail=str(proof.get("type")))
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(
            ProofFailure.UNSUPPORTED_CRYPTOSUITE, detail=str(proof.get("cryptosuite"))
        )
    if proof.get("proofPurpose") != proof_purpose:
        raise ProofError(
            ProofFailure.WRONG_PURPOSE, detail=str(proof.get("proofPurpose"))
        )
    created = _check_times(proof, now or datetime.now(UTC))
    expected_owner = owner or owner_of(document)
    if check_owner:
        _check_owner(document, method, expected_owner)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        # §3.3.2 step 3: the document's @context starts with the proof's.
        document_context = _as_list(unsecured.get("@context"))
        proof_context = _as_list(options["@context"])
        if document_context[: len(proof_context)] != proof_context:
            raise ProofError(ProofFailure.CONTEXT_MISMATCH)
        unsecured["@context"] = options["@context"]
    config = proof_configuration(options, unsecured)
    try:
        signature = multibase_decode(value)
    except MultikeyError as exc:
        raise ProofError(ProofFailure.MALFORMED, detail="proofValue") from exc
    if len(signature) != _SIGNATURE_BYTES:
        raise ProofError(ProofFailure.MALFORMED, detail="proofValue length")
    try:
        public_key.verify(signature, hash_data(config, unsecured))
    except InvalidSignature:
        raise ProofError(ProofFailure.BAD_SIGNATURE) from None
    return VerifiedProof(method, expected_owner, created, proof_purpose)


def is_valid(
    document: Mapping[str, Any], public_key: Ed25519PublicKey, **options: Any
) -> bool:
    """`verify` as a yes or no (same keyword options)."""
    try:
        verify(document, public_key, **options)
    except ProofError:
        return False
    return True


def _single_proof(document: Mapping[str, Any]) -> Mapping[str, Any]:
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, Mapping):
        raise ProofError(ProofFailure.MISSING)
    return proof


def _field(proof: Mapping[str, Any], name: str) -> str:
    value = proof.get(name)
    if not isinstance(value, str) or not value:
        raise ProofError(ProofFailure.MALFORMED, detail=name)
    return value


def _check_times(proof: Mapping[str, Any], now: datetime) -> datetime | None:
    created = _datetime(proof, "created")
    if created is not None and created > now + CLOCK_SKEW:
        raise ProofError(ProofFailure.CREATED_IN_FUTURE, detail=proof["created"])
    expires = _datetime(proof, "expires")
    if expires is not None and expires <= now:
        raise ProofError(ProofFailure.EXPIRED, detail=proof["expires"])
    return created


def _datetime(proof: Mapping[str, Any], name: str) -> datetime | None:
    """An `xsd:dateTime` field; one without a zone is read as UTC."""
    if name not in proof:
        return None
    raw = proof[name]
    try:
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ProofError(ProofFailure.MALFORMED, detail=name)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_owner(document: Mapping[str, Any], method: str, owner: str | None) -> None:
    if owner is None or not is_http_url(owner) or not is_http_url(method):
        raise ProofError(ProofFailure.FOREIGN_KEY, detail="no owner URL to match")
    doc_id = document.get("id")
    try:
        owner_origin = origin_of(owner)
        foreign = origin_of(method) != owner_origin or (
            isinstance(doc_id, str) and origin_of(doc_id) != owner_origin
        )
    except ValueError:  # an unparsable port
        foreign = True
    if foreign:
        raise ProofError(ProofFailure.FOREIGN_KEY, detail=method)


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
