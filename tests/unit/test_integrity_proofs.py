"""FEP-8b32 integrity proofs, eddsa-jcs-2022: the W3C test vectors and FEP-8b32's
signed Create reproduced byte for byte, verified, and refused once altered."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fedcity.federation.integrity.multikey import (
    decode_public_key,
    decode_secret_key,
    encode_public_key,
)
from fedcity.federation.integrity.proofs import (
    ProofError,
    ProofFailure,
    canonicalize,
    hash_data,
    is_valid,
    proof_configuration,
    sign,
    verify,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
VECTORS = DATA / "integrity-proofs" / "vc-di-eddsa"
JCS = VECTORS / "eddsa-jcs-2022"
FEP = DATA / "integrity-proofs" / "fep-8b32"

pytestmark = pytest.mark.skipif(
    not VECTORS.is_dir(), reason="shared integrity-proof vectors not present"
)

CREATED = "2023-02-24T23:36:38Z"
FEP_KEY_ID = "https://server.example/users/alice#ed25519-key"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def text(name: str) -> str:
    return (JCS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def key_pair() -> dict[str, str]:
    return load(VECTORS / "keyPair.json")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def public_key(key_pair: dict[str, str]) -> Any:
    return decode_public_key(key_pair["publicKeyMultibase"])


@pytest.fixture(scope="module")
def secret_key(key_pair: dict[str, str]) -> Any:
    return decode_secret_key(key_pair["privateKeyMultibase"])


def w3c_proof_options() -> dict[str, Any]:
    options = load(JCS / "proofConfigJCS.json")
    options.pop("@context")
    return options  # type: ignore[no-any-return]


# --- the W3C eddsa-jcs-2022 vectors, step by step ---------------------------------


def test_canonical_document_is_the_vector():
    # Given the unsigned credential
    unsigned = load(VECTORS / "unsigned.json")
    # Then its JCS form is canonDocJCS.txt, byte for byte
    assert canonicalize(unsigned) == (JCS / "canonDocJCS.txt").read_bytes()


def test_proof_configuration_copies_the_document_context():
    # Given the proof options and the unsigned credential
    config = proof_configuration(w3c_proof_options(), load(VECTORS / "unsigned.json"))
    # Then the configuration is proofConfigJCS.json and canonicalises to the vector
    assert config == load(JCS / "proofConfigJCS.json")
    assert canonicalize(config) == (JCS / "proofCanonJCS.txt").read_bytes()


def test_hashes_are_the_vectors():
    # Given the proof configuration and the document
    unsigned = load(VECTORS / "unsigned.json")
    config = proof_configuration(w3c_proof_options(), unsigned)
    # When they are hashed
    combined = hash_data(config, unsigned)
    # Then proof hash, document hash and their concatenation are the vectors
    assert combined[:32].hex() == text("proofHashJCS.txt")
    assert combined[32:].hex() == text("docHashJCS.txt")
    assert combined.hex() == text("combinedHashJCS.txt")


def test_signature_and_proof_value_are_the_vectors(secret_key: Any):
    # Given the W3C secret key
    unsigned = load(VECTORS / "unsigned.json")
    options = w3c_proof_options()
    # When the credential is signed at the vector's time
    signed = sign(unsigned, secret_key, options["verificationMethod"], created=CREATED)
    # Then the signature and the whole signed document are the vectors
    combined = hash_data(proof_configuration(options, unsigned), unsigned)
    assert secret_key.sign(combined).hex() == text("sigHexJCS.txt")
    assert signed["proof"]["proofValue"] == text("sigBTC58JCS.txt")
    assert signed == load(JCS / "signedJCS.json")


def test_signing_leaves_the_input_alone(secret_key: Any):
    # Given a document
    unsigned = load(VECTORS / "unsigned.json")
    before = copy.deepcopy(unsigned)
    # When it is signed
    sign(unsigned, secret_key, "did:key:z6Mk#z6Mk", created=CREATED)
    # Then the caller's copy has no proof
    assert unsigned == before


def test_w3c_signed_credential_verifies(public_key: Any):
    # Given the signed credential (its verification method is a did:key)
    signed = load(JCS / "signedJCS.json")
    # When it is verified without an actor to match
    verified = verify(signed, public_key, check_owner=False)
    # Then it holds, as made at the vector's time
    assert verified.created == datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)


# --- FEP-8b32's signed Create ------------------------------------------------------


def test_fep_create_is_signed_as_the_feature_says(secret_key: Any):
    # Given the unsigned Create and Alice's key (the W3C test key)
    document = load(FEP / "document.json")
    # When it is signed for her key at the feature's time
    signed = sign(document, secret_key, FEP_KEY_ID, created=CREATED)
    # Then it is the feature's signed document, proofValue included
    assert signed == load(FEP / "signed-document.json")


def test_fep_create_verifies_with_alices_multikey():
    # Given the signed Create and the key Alice's actor lists in assertionMethod
    actor = load(FEP / "actor.json")
    multikey = actor["assertionMethod"][0]
    assert multikey["id"] == FEP_KEY_ID
    # When it is verified against that key
    verified = verify(
        load(FEP / "signed-document.json"),
        decode_public_key(multikey["publicKeyMultibase"]),
    )
    # Then it holds, owned by Alice
    assert verified.owner == actor["id"] == multikey["controller"]


# --- one byte altered --------------------------------------------------------------


def flip(value: str) -> str:
    """`value` with one character changed."""
    last = value[-1]
    return value[:-1] + ("2" if last != "2" else "3")


ALTERATIONS = {
    "document text": lambda d: d.__setitem__("id", flip(d["id"])),
    "document nested": lambda d: _nested(d),
    "proof created": lambda d: d["proof"].__setitem__(
        "created", d["proof"]["created"].replace("38Z", "39Z")
    ),
    "proof verificationMethod": lambda d: d["proof"].__setitem__(
        "verificationMethod", d["proof"]["verificationMethod"][:-1] + "x"
    ),
    "proof @context": lambda d: d["proof"]["@context"].__setitem__(
        0, d["proof"]["@context"][0] + "x"
    ),
    "proofValue": lambda d: d["proof"].__setitem__(
        "proofValue", flip(d["proof"]["proofValue"])
    ),
}


def _nested(document: dict[str, Any]) -> None:
    inner = document.get("object") or document.get("credentialSubject")
    key = "content" if "content" in inner else "alumniOf"
    inner[key] = inner[key][:-1] + inner[key][-1].swapcase()


@pytest.mark.parametrize("where", sorted(ALTERATIONS))
@pytest.mark.parametrize(
    ("signed_path", "check_owner"),
    [(JCS / "signedJCS.json", False), (FEP / "signed-document.json", True)],
    ids=["w3c", "fep-8b32"],
)
def test_any_altered_byte_is_refused(
    public_key: Any, signed_path: Path, check_owner: bool, where: str
):
    # Given a signed document that verifies
    signed = load(signed_path)
    assert is_valid(signed, public_key, check_owner=check_owner)
    # When one character of it is changed
    ALTERATIONS[where](signed)
    # Then it no longer verifies
    with pytest.raises(ProofError) as refused:
        verify(signed, public_key, check_owner=check_owner)
    assert refused.value.reason in {
        ProofFailure.BAD_SIGNATURE,
        ProofFailure.CONTEXT_MISMATCH,
        ProofFailure.FOREIGN_KEY,
        ProofFailure.MALFORMED,
    }


def test_altered_document_is_a_bad_signature(public_key: Any):
    # Given FEP-8b32's Create with the note's text changed by one letter
    signed = load(FEP / "signed-document.json")
    signed["object"]["content"] = "Hello World"
    # Then the reason given is the signature
    with pytest.raises(ProofError) as refused:
        verify(signed, public_key)
    assert refused.value.reason is ProofFailure.BAD_SIGNATURE


# --- what the proof must say --------------------------------------------------------


def signed_fep(secret_key: Any, **changes: Any) -> dict[str, Any]:
    document = load(FEP / "document.json")
    return sign(document, secret_key, FEP_KEY_ID, **{"created": CREATED, **changes})


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("type", "Ed25519Signature2020", ProofFailure.UNSUPPORTED_TYPE),
        ("cryptosuite", "eddsa-rdfc-2022", ProofFailure.UNSUPPORTED_CRYPTOSUITE),
        ("proofPurpose", "authentication", ProofFailure.WRONG_PURPOSE),
        ("created", "yesterday", ProofFailure.MALFORMED),
        ("proofValue", "uAAAA", ProofFailure.MALFORMED),
        ("expires", "2024-01-01T00:00:00Z", ProofFailure.EXPIRED),
    ],
)
def test_proof_fields_are_checked(
    secret_key: Any, public_key: Any, field: str, value: str, reason: ProofFailure
):
    # Given a proof with one field set to something fedcity must refuse
    signed = signed_fep(secret_key)
    signed["proof"][field] = value
    # Then verification says why
    with pytest.raises(ProofError) as refused:
        verify(signed, public_key)
    assert refused.value.reason is reason


def test_missing_proof_is_refused(public_key: Any):
    # Given a document without proof
    with pytest.raises(ProofError) as refused:
        verify(load(FEP / "document.json"), public_key)
    # Then the reason is that there is none
    assert refused.value.reason is ProofFailure.MISSING


def test_created_in_the_future_is_refused(secret_key: Any, public_key: Any):
    # Given a proof dated tomorrow
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    signed = signed_fep(secret_key, created=tomorrow)
    # Then it is refused, though the signature holds
    with pytest.raises(ProofError) as refused:
        verify(signed, public_key)
    assert refused.value.reason is ProofFailure.CREATED_IN_FUTURE


def test_key_on_another_origin_is_refused(secret_key: Any, public_key: Any):
    # Given Alice's Create signed with a key published by another server
    document = load(FEP / "document.json")
    signed = sign(document, secret_key, "https://evil.example/actor#ed25519-key")
    # Then the key is not the owner's
    with pytest.raises(ProofError) as refused:
        verify(signed, public_key)
    assert refused.value.reason is ProofFailure.FOREIGN_KEY


def test_owner_can_be_named_by_the_caller(secret_key: Any, public_key: Any):
    # Given Alice's signed Create
    signed = signed_fep(secret_key)
    # When the caller expects another owner
    with pytest.raises(ProofError) as refused:
        verify(signed, public_key, owner="https://other.example/actor")
    # Then the key does not match it
    assert refused.value.reason is ProofFailure.FOREIGN_KEY


def test_proof_context_must_start_the_document_context(
    secret_key: Any, public_key: Any
):
    # Given a signed Create whose document context is changed after signing
    signed = signed_fep(secret_key)
    signed["@context"] = ["https://w3id.org/security/data-integrity/v2"]
    # Then the proof's context no longer starts it
    with pytest.raises(ProofError) as refused:
        verify(signed, public_key)
    assert refused.value.reason is ProofFailure.CONTEXT_MISMATCH


def test_another_key_is_a_bad_signature(secret_key: Any):
    # Given a document signed with the W3C key
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signed = signed_fep(secret_key)
    other = Ed25519PrivateKey.generate().public_key()
    # Then another key does not verify it
    assert encode_public_key(other) != encode_public_key(secret_key.public_key())
    with pytest.raises(ProofError) as refused:
        verify(signed, other)
    assert refused.value.reason is ProofFailure.BAD_SIGNATURE


def test_a_document_can_carry_only_one_proof(secret_key: Any):
    # Given a signed document
    signed = signed_fep(secret_key)
    # Then signing it again is refused
    with pytest.raises(ValueError, match="already"):
        sign(signed, secret_key, FEP_KEY_ID)
