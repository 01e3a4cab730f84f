"""The checks a remote attestation must pass (federation.attestations.checks): one
document signed as an issuer signs it, changed one way per test, and the stable
reason code each change earns; and the `[trust]` settings they read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fedcity.config import TrustSettings, load_settings
from fedcity.errors import ConfigError
from fedcity.federation.attestations import checks
from fedcity.federation.attestations.checks import Context, Reason
from fedcity.federation.integrity.keys import AssertionKey
from fedcity.federation.render.offices import render_attestation
from fedcity.storage.models import Attestation

LEAGUE = "https://calcities.example"
MAYOR = "https://ojai.example/users/mayor"
ID = f"{LEAGUE}/attestations/1"
CA = "ocd-division/country:us/state:ca"


def signed(**changes: Any) -> dict[str, Any]:
    attestation = Attestation(
        kind="office",
        uri=ID,
        issuer_uri=f"{LEAGUE}/actor",
        role="mayor",
        title="Mayor of Ojai",
        jurisdiction="Ojai",
        state="CA",
        ocd_id=f"{CA}/place:ojai",
        valid_from=date(2024, 12, 1),
        valid_until=date(2028, 12, 1),
        published_at=datetime(2024, 12, 2, tzinfo=UTC),
    )
    for name, value in changes.items():
        setattr(attestation, name, value)
    key = AssertionKey(
        f"{LEAGUE}/actor#ed25519-key", f"{LEAGUE}/actor", Ed25519PrivateKey.generate()
    )
    return render_attestation(attestation, MAYOR, partial(key.sign))


def ctx(**kw: Any) -> Context:
    values: dict[str, Any] = {
        "actor_uri": MAYOR,
        "listed": frozenset({ID}),
        "trust": TrustSettings(verifiers=("calcities.example",)),
        "own_base": "https://ojai.example",
        "from_issuer": True,
    }
    return Context(**{**values, **kw})


def test_a_trusted_listed_attestation_fetched_from_its_issuer_passes():
    assert checks.check(signed(), ctx(), proof_valid=False) is None


def test_an_embedded_copy_needs_a_valid_proof():
    embedded = ctx(from_issuer=False)
    assert checks.check(signed(), embedded, proof_valid=True) is None
    assert checks.check(signed(), embedded, proof_valid=False) == Reason.PROOF_INVALID


@pytest.mark.parametrize(
    ("trust", "reason"),
    [
        (TrustSettings(), Reason.UNTRUSTED_ISSUER),
        (TrustSettings(verifiers=("other.example",)), Reason.UNTRUSTED_ISSUER),
        (
            TrustSettings(
                verifiers=("calcities.example",),
                scopes={"calcities.example": ("ocd-division/country:us/state:ma",)},
            ),
            Reason.OUT_OF_SCOPE,
        ),
        (
            TrustSettings(
                verifiers=("calcities.example",), scopes={"calcities.example": (CA,)}
            ),
            None,
        ),
    ],
)
def test_the_issuer_must_be_trusted_and_in_scope(trust, reason):
    assert checks.check(signed(), ctx(trust=trust), proof_valid=True) == reason


def test_an_instance_trusts_its_own_attestations_without_configuration():
    own = ctx(trust=TrustSettings(), own_base=LEAGUE)
    assert checks.check(signed(), own, proof_valid=True) is None


def test_both_directions_bind_the_attestation_to_the_actor():
    other = ctx(actor_uri="https://ojai.example/users/impostor")
    assert checks.check(signed(), other, proof_valid=True) == Reason.SUBJECT_MISMATCH
    unlisted = ctx(listed=frozenset())
    assert checks.check(signed(), unlisted, proof_valid=True) == Reason.NOT_LISTED


def test_an_id_off_its_issuers_origin_is_refused():
    doc = signed(uri="https://elsewhere.example/attestations/1")
    assert checks.check(doc, ctx(), proof_valid=True) == Reason.ISSUER_MISMATCH


@pytest.mark.parametrize(
    "change",
    [
        {"type": "Note"},
        {"role": "emperor"},
        {"jurisdiction": {"type": "Place", "name": "Ojai"}},
        {"proof": None},
    ],
)
def test_a_document_the_schema_refuses_is_invalid(change):
    doc = {**signed(), **change}
    assert checks.check(doc, ctx(), proof_valid=True) == Reason.INVALID_DOCUMENT


def test_facts_read_the_office_and_its_term():
    facts = checks.facts_of(signed(), "League of California Cities")
    assert (facts.kind, facts.role, facts.state, facts.ocd_id) == (
        "office",
        "mayor",
        "CA",
        f"{CA}/place:ojai",
    )
    assert (facts.valid_from, facts.valid_until) == (
        date(2024, 12, 1),
        date(2028, 12, 1),
    )


def test_listed_ids_read_the_actors_attestations():
    assert checks.listed_ids({"attestations": [ID, {"id": ID + "2"}]}) == {ID, ID + "2"}
    assert checks.listed_ids({}) == frozenset()


def write(tmp_path, text: str) -> str:
    path = tmp_path / "fedcity.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_trust_reads_verifiers_and_scopes_exactly_as_the_issue_writes_them(tmp_path):
    settings = load_settings(
        write(
            tmp_path,
            '[trust]\nverifiers = ["CalCities.example"]\n[trust.scopes]\n'
            f'"calcities.example" = ["{CA}"]\n',
        ),
        environ={},
    )
    assert settings.trust.verifiers == ("calcities.example",)
    assert settings.trust.in_scope("calcities.example", f"{CA}/place:ojai")
    assert not settings.trust.in_scope("calcities.example", "ocd-division/country:us")


@pytest.mark.parametrize(
    "text",
    [
        '[trust]\nverifiers = "calcities.example/x"\n',
        '[trust]\nverifiers = ["a.example"]\n[trust.scopes]\n"b.example" = ["ocd-division/country:us"]\n',
        '[trust]\nverifiers = ["a.example"]\n[trust.scopes]\n"a.example" = ["state:ca"]\n',
        '[trust]\nverifiers = ["localhost:8080"]\n',
    ],
)
def test_trust_settings_that_cannot_work_are_refused(tmp_path, text):
    with pytest.raises(ConfigError):
        load_settings(write(tmp_path, text), environ={})
