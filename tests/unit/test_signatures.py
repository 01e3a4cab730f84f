"""HTTP signatures: cavage-12 and RFC 9421 verification, Mastodon-style signing, Digest.

Published vectors come from /work/shared/data/http-signatures; httpsig and
http-message-signatures are used only here, as independent implementations.
"""

from __future__ import annotations

import base64
import hashlib
import json
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpsig
import pytest
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms
from multidict import CIMultiDict

from fedcity.errors import SignatureError
from fedcity.federation.signatures.algorithms import verify_bytes
from fedcity.federation.signatures.cavage import sign_request
from fedcity.federation.signatures.common import SignatureInfo
from fedcity.federation.signatures.digest import compute_digest
from fedcity.federation.signatures.keys import (
    PrivateKey,
    PublicKey,
    generate_private_key_pem,
    load_private_key,
    load_public_key,
)
from fedcity.federation.signatures.verify import (
    parse_signature,
    signing_string,
    verify_signature,
)

DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "http-signatures"
MISSING_DATA = f"shared HTTP signature vectors not found in {DATA_DIR}"

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
INBOX_URL = "https://local.example/users/bob/inbox"
INBOX_PATH = "/users/bob/inbox"
ACTIVITY = b'{"type":"Follow","actor":"https://remote.example/users/alice"}'
KEY_ID = "https://remote.example/users/alice#main-key"


def _load(name: str) -> dict[str, Any] | None:
    path = DATA_DIR / name
    return json.loads(path.read_text()) if path.is_file() else None


CAVAGE = _load("cavage-vectors.json")
RFC9421 = _load("rfc9421-vectors.json")


def _vector_params(data: dict[str, Any] | None, key: str = "vectors") -> list[Any]:
    """One param per vector, or a single skipped param naming the missing folder."""
    if data is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING_DATA))]
    return [pytest.param(v, id=v["id"]) for v in data[key]]


def _request_vectors(data: dict[str, Any] | None) -> list[Any]:
    params = _vector_params(data)
    return [
        p for p in params if p.values[0] is None or p.values[0]["message"] == "request"
    ]


@dataclass(frozen=True)
class KeyPair:
    private: PrivateKey
    public: PublicKey
    private_pem: str = field(repr=False)
    public_pem: str


@pytest.fixture(scope="module")
def rsa_key() -> KeyPair:
    private_pem, public_pem = generate_private_key_pem()
    return KeyPair(
        load_private_key(private_pem),
        load_public_key(public_pem),
        private_pem,
        public_pem,
    )


@pytest.fixture(scope="module")
def other_rsa_key() -> KeyPair:
    private_pem, public_pem = generate_private_key_pem()
    return KeyPair(
        load_private_key(private_pem),
        load_public_key(public_pem),
        private_pem,
        public_pem,
    )


def sign_post(
    key: KeyPair, *, body: bytes | None = ACTIVITY, now: datetime = NOW
) -> dict[str, str]:
    return sign_request(
        "POST",
        INBOX_URL,
        key_id=KEY_ID,
        private_key=key.private,
        body=body,
        headers={"Content-Type": "application/activity+json"},
        now=now,
    )


def verify(
    headers: Mapping[str, str],
    key: KeyPair,
    *,
    method: str = "POST",
    path: str = INBOX_PATH,
    body: bytes | None = ACTIVITY,
    now: datetime = NOW,
    authority: str | None = None,
) -> None:
    info = parse_signature(method, path, headers)
    verify_signature(
        info, method, path, headers, body, key.public, now=now, authority=authority
    )


def hand_signed(
    key: KeyPair,
    headers: dict[str, str],
    covered: list[str],
    *,
    method: str = "POST",
    path: str = INBOX_PATH,
    params: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """Sign with cavage-12 rules written out here, independently of fedcity."""
    params = dict(params or {})
    lower = {k.lower(): v for k, v in headers.items()}
    pseudo = {"(request-target)": f"{method.lower()} {path}"}
    pseudo |= {f"({name})": str(value) for name, value in params.items()}
    text = "\n".join(f"{name}: {pseudo.get(name) or lower[name]}" for name in covered)
    assert isinstance(key.private, rsa.RSAPrivateKey)
    raw = key.private.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    extra = "".join(f",{name}={value}" for name, value in params.items())
    return headers | {
        "Signature": f'keyId="{KEY_ID}",algorithm="rsa-sha256"{extra},'
        f'headers="{" ".join(covered)}",signature="{base64.b64encode(raw).decode()}"'
    }


def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- Digest, keys -------------------------------------------------------------


def test_compute_digest_matches_the_cavage_example():
    # Given the body of the draft's example request
    body = b'{"hello": "world"}'
    # When its digest is computed
    digest = compute_digest(body)
    # Then it is the value published in draft-cavage-12 Appendix C
    assert digest == "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="


def test_generated_key_pair_is_rsa_2048_with_exponent_65537():
    # Given a freshly generated actor key pair
    private_pem, public_pem = generate_private_key_pem()
    # When both halves are loaded
    private, public = load_private_key(private_pem), load_public_key(public_pem)
    # Then they are matching PKCS#8 / SPKI RSA-2048 keys
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert isinstance(private, rsa.RSAPrivateKey)
    assert isinstance(public, rsa.RSAPublicKey)
    assert public.key_size == 2048
    assert public.public_numbers().e == 65537
    assert private.public_key().public_numbers() == public.public_numbers()


def test_load_public_key_returns_the_cached_object(rsa_key: KeyPair):
    # Given a PEM that has been loaded once
    first = load_public_key(rsa_key.public_pem)
    hits = load_public_key.cache_info().hits
    # When it is loaded again
    second = load_public_key(rsa_key.public_pem)
    # Then the cached key object is returned
    assert second is first
    assert load_public_key.cache_info().hits == hits + 1


def test_load_public_key_rejects_garbage():
    # Given text that is not a PEM key
    # When it is loaded / Then a SignatureError says so
    with pytest.raises(SignatureError, match="not a valid PEM key"):
        load_public_key("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")


# --- sign_request ---------------------------------------------------------------


def test_signed_post_carries_host_date_digest_and_mastodon_signature(rsa_key: KeyPair):
    # Given a POST to a remote inbox
    # When it is signed
    headers = sign_post(rsa_key)
    # Then Host, Date and Digest are set and the signature covers them
    assert headers["Host"] == "local.example"
    assert headers["Date"] == "Wed, 01 May 2024 12:00:00 GMT"
    assert headers["Digest"] == compute_digest(ACTIVITY)
    assert headers["Content-Type"] == "application/activity+json"
    assert headers["Signature"].startswith(
        f'keyId="{KEY_ID}",algorithm="rsa-sha256",'
        'headers="(request-target) host date digest",signature="'
    )


def test_signed_get_covers_only_request_target_host_and_date(rsa_key: KeyPair):
    # Given a GET with an Accept header, as Mastodon sends for authorized fetch
    # When it is signed
    headers = sign_request(
        "GET",
        "https://local.example/users/bob",
        key_id=KEY_ID,
        private_key=rsa_key.private,
        headers={"Accept": "application/activity+json"},
        now=NOW,
    )
    # Then there is no Digest and Accept is sent but not signed
    info = parse_signature("GET", "/users/bob", headers)
    assert "Digest" not in headers
    assert headers["Accept"] == "application/activity+json"
    assert info.components == ("(request-target)", "host", "date")


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://a.example/x", "a.example"),
        ("https://A.Example:443/x", "a.example"),
        ("http://a.example:80/", "a.example"),
        ("https://a.example:8443/x?y=1", "a.example:8443"),
        ("http://a.example:443/", "a.example:443"),
        ("https://[2001:db8::1]:8443/", "[2001:db8::1]:8443"),
    ],
)
def test_host_header_omits_only_the_default_port(rsa_key: KeyPair, url: str, host: str):
    # Given a target URL / When a request to it is signed
    headers = sign_request("GET", url, key_id=KEY_ID, private_key=rsa_key.private)
    # Then Host keeps the port unless it is the scheme's default
    assert headers["Host"] == host


def test_sign_request_replaces_caller_host_and_date(rsa_key: KeyPair):
    # Given caller headers that already name a Host and Date in another case
    given = {"host": "evil.example", "DATE": "yesterday", "User-Agent": "fedcity"}
    # When the request is signed
    headers = sign_request(
        "GET",
        INBOX_URL,
        key_id=KEY_ID,
        private_key=rsa_key.private,
        headers=given,
        now=NOW,
    )
    # Then the signed values win and unrelated headers pass through
    assert {k.lower() for k in headers} == {"host", "date", "user-agent", "signature"}
    assert headers["Host"] == "local.example"
    assert headers["User-Agent"] == "fedcity"


def test_sign_request_refuses_a_naive_now(rsa_key: KeyPair):
    # Given a clock reading without a timezone
    naive = datetime(2024, 5, 1, 12, 0)  # noqa: DTZ001 - the point of the test
    # When it is used to sign / Then signing refuses to guess the zone
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_request(
            "GET", INBOX_URL, key_id=KEY_ID, private_key=rsa_key.private, now=naive
        )


# --- Round trips ----------------------------------------------------------------


def test_signed_post_verifies(rsa_key: KeyPair):
    # Given a POST signed by fedcity
    headers = sign_post(rsa_key)
    # When it is parsed and verified with the signer's public key
    info = parse_signature("POST", INBOX_PATH, headers)
    verify_signature(
        info, "POST", INBOX_PATH, headers, ACTIVITY, rsa_key.public, now=NOW
    )
    # Then it passes and names the key
    assert info.key_id == KEY_ID
    assert info.scheme == "cavage"
    assert info.algorithm == "rsa-sha256"


def test_signed_get_verifies(rsa_key: KeyPair):
    # Given a signed GET with a query string
    url = "https://local.example/users/bob/outbox?page=true"
    headers = sign_request(
        "GET", url, key_id=KEY_ID, private_key=rsa_key.private, now=NOW
    )
    # When it is verified without a body / Then it passes
    verify(
        headers, rsa_key, method="GET", path="/users/bob/outbox?page=true", body=None
    )


def test_ed25519_signed_post_verifies_with_hs2019_label():
    # Given an Ed25519 actor key
    private = ed25519.Ed25519PrivateKey.generate()
    key = KeyPair(private, private.public_key(), "", "")
    # When fedcity signs a POST with it
    headers = sign_post(key)
    # Then the label is hs2019 and the signature verifies
    assert 'algorithm="hs2019"' in headers["Signature"]
    verify(headers, key)


def test_verification_accepts_a_plain_dict_with_any_header_case(rsa_key: KeyPair):
    # Given signed headers copied into a plain dict with odd name casing
    headers = {k.upper(): v for k, v in sign_post(rsa_key).items()}
    # When it is verified / Then names are matched case-insensitively
    verify(headers, rsa_key)


def test_verification_accepts_a_multidict(rsa_key: KeyPair):
    # Given signed headers in an aiohttp-style case-insensitive multidict
    headers = CIMultiDict(sign_post(rsa_key))
    # When it is verified / Then it passes
    verify(headers, rsa_key)


def test_authorization_signature_header_is_accepted(rsa_key: KeyPair):
    # Given the signature sent as "Authorization: Signature ..." (older clients)
    headers = sign_post(rsa_key)
    headers["Authorization"] = "Signature " + headers.pop("Signature")
    # When it is verified / Then it passes
    verify(headers, rsa_key)


def test_authority_stands_in_for_a_host_rewritten_by_a_proxy(rsa_key: KeyPair):
    # Given a proxy that rewrote Host after the sender signed it
    headers = sign_post(rsa_key) | {"Host": "127.0.0.1:8000"}
    # When the server verifies with its public authority / Then it passes
    verify(headers, rsa_key, authority="local.example")


def test_request_signed_for_another_server_is_rejected(rsa_key: KeyPair):
    # Given a request signed for local.example replayed to other.example
    headers = sign_post(rsa_key)
    # When other.example verifies with its own authority / Then it fails
    with pytest.raises(SignatureError, match="does not verify"):
        verify(headers, rsa_key, authority="other.example")


def test_created_pseudo_header_can_replace_date(rsa_key: KeyPair):
    # Given a signature covering (created) instead of Date
    base = {"Host": "local.example", "Digest": compute_digest(ACTIVITY)}
    created = int((NOW - timedelta(minutes=5)).timestamp())
    covered = ["(request-target)", "(created)", "host", "digest"]
    headers = hand_signed(rsa_key, base, covered, params={"created": created})
    # When it is verified / Then it passes
    verify(headers, rsa_key)


# --- Refusals -------------------------------------------------------------------


def test_unsigned_request_is_rejected():
    # Given a request without any signature header
    headers = {"Host": "local.example", "Date": http_date(NOW)}
    # When it is parsed / Then it is refused as unsigned
    with pytest.raises(SignatureError, match="Request is not signed"):
        parse_signature("POST", INBOX_PATH, headers)


def test_tampered_body_is_rejected(rsa_key: KeyPair):
    # Given a signed POST whose body changed in transit
    headers = sign_post(rsa_key)
    # When it is verified against the altered body / Then the digest check fails
    with pytest.raises(SignatureError, match="Digest does not match body"):
        verify(headers, rsa_key, body=ACTIVITY.replace(b"Follow", b"Block"))


def test_post_whose_signature_does_not_cover_digest_is_rejected(rsa_key: KeyPair):
    # Given a POST signed as if it had no body
    headers = sign_post(rsa_key, body=None) | {"Digest": compute_digest(ACTIVITY)}
    # When it is verified with a body / Then the missing coverage is named
    with pytest.raises(
        SignatureError, match="headers required to be signed are missing: digest"
    ):
        verify(headers, rsa_key)


def test_post_missing_its_covered_digest_header_is_rejected(rsa_key: KeyPair):
    # Given a signed POST whose Digest header was stripped
    headers = sign_post(rsa_key)
    del headers["Digest"]
    # When it is verified / Then the missing header is named
    with pytest.raises(SignatureError, match="Digest header missing"):
        verify(headers, rsa_key)


def test_signature_without_request_target_is_rejected(rsa_key: KeyPair):
    # Given a signature over host, date and digest only (replayable to any path)
    base = {
        "Host": "local.example",
        "Date": http_date(NOW),
        "Digest": compute_digest(ACTIVITY),
    }
    headers = hand_signed(rsa_key, base, ["host", "date", "digest"])
    # When it is verified / Then the missing coverage is named
    with pytest.raises(SignatureError, match=r"missing: \(request-target\)"):
        verify(headers, rsa_key)


def test_stale_date_is_rejected(rsa_key: KeyPair):
    # Given a request signed 13 hours and one second ago
    headers = sign_post(rsa_key, now=NOW - timedelta(hours=13, seconds=1))
    # When it is verified now / Then it is outside Mastodon's 12h + 1h window
    with pytest.raises(SignatureError, match="Date is outside the accepted window"):
        verify(headers, rsa_key)


def test_date_within_window_plus_clock_skew_is_accepted(rsa_key: KeyPair):
    # Given a request signed 12 hours 59 minutes ago
    headers = sign_post(rsa_key, now=NOW - timedelta(hours=12, minutes=59))
    # When it is verified now / Then the clock-skew margin lets it through
    verify(headers, rsa_key)


def test_future_date_is_rejected(rsa_key: KeyPair):
    # Given a request dated more than an hour ahead of our clock
    headers = sign_post(rsa_key, now=NOW + timedelta(hours=1, minutes=1))
    # When it is verified now / Then it is refused
    with pytest.raises(SignatureError, match="Date is outside the accepted window"):
        verify(headers, rsa_key)


def test_expired_signature_is_rejected(rsa_key: KeyPair):
    # Given a signature whose (expires) passed two hours ago
    base = {
        "Host": "local.example",
        "Date": http_date(NOW),
        "Digest": compute_digest(ACTIVITY),
    }
    expires = int((NOW - timedelta(hours=2)).timestamp())
    covered = ["(request-target)", "host", "date", "digest", "(expires)"]
    headers = hand_signed(rsa_key, base, covered, params={"expires": expires})
    # When it is verified / Then it is refused as expired
    with pytest.raises(SignatureError, match="expired"):
        verify(headers, rsa_key)


def test_signature_from_another_key_is_rejected(
    rsa_key: KeyPair, other_rsa_key: KeyPair
):
    # Given a request signed with one key
    headers = sign_post(rsa_key)
    # When it is verified with a different key / Then the signature fails
    with pytest.raises(SignatureError, match="signature does not verify"):
        verify(headers, other_rsa_key)


def test_request_replayed_to_another_inbox_is_rejected(rsa_key: KeyPair):
    # Given a request signed for bob's inbox
    headers = sign_post(rsa_key)
    # When it is replayed to carol's inbox / Then the signature fails
    with pytest.raises(SignatureError, match="signature does not verify"):
        verify(headers, rsa_key, path="/users/carol/inbox")


@pytest.mark.parametrize("label", ["rsa-sha512", "hmac-sha256", "dsa-sha1", "RSA-SHA1"])
def test_unknown_algorithm_is_rejected(rsa_key: KeyPair, label: str):
    # Given a signature header naming an algorithm fedcity does not accept
    headers = sign_post(rsa_key)
    headers["Signature"] = headers["Signature"].replace("rsa-sha256", label)
    # When it is parsed / Then it is refused before any key lookup
    with pytest.raises(SignatureError, match="algorithm is not supported"):
        parse_signature("POST", INBOX_PATH, headers)


def test_algorithm_label_that_does_not_fit_the_key_is_rejected(rsa_key: KeyPair):
    # Given an RSA-signed request relabelled as ed25519
    headers = sign_post(rsa_key)
    headers["Signature"] = headers["Signature"].replace("rsa-sha256", "ed25519")
    # When it is verified with the RSA key / Then the mismatch is named
    with pytest.raises(SignatureError, match="does not match the key type"):
        verify(headers, rsa_key)


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        'keyId="a",signature="!!not base64!!"',
        'signature="AAAA"',
        'keyId="a",keyId="b",signature="AAAA"',
        'keyId="a" signature="AAAA"',
        'keyId="a",signature="AAAA",created=soon',
        'keyId="a",signature="AAAA',
    ],
)
def test_malformed_signature_header_is_rejected(value: str):
    # Given a Signature header that does not follow cavage-12 syntax
    headers = {"Host": "local.example", "Signature": value}
    # When it is parsed / Then it is refused as malformed
    with pytest.raises(SignatureError, match="malformed"):
        parse_signature("POST", INBOX_PATH, headers)


@pytest.mark.parametrize(
    ("signature_input", "signature"),
    [
        ("sig1=(", "sig1=:AAAA:"),
        ('sig1=("@method");created=1', "sig1=:AAAA:"),
        ('sig1=("@method");keyid="k";created=1', "sig1=AAAA"),
        ('sig1=("@method");keyid="k";created=1', "other=:AAAA:"),
        ('sig1=("@method" "@method");keyid="k";created=1', "sig1=:AAAA:"),
        ('sig1=("@method");keyid="k";created="1"', "sig1=:AAAA:"),
        ("sig1=token", "sig1=:AAAA:"),
    ],
)
def test_malformed_signature_input_is_rejected(signature_input: str, signature: str):
    # Given RFC 9421 headers that are not valid structured fields or lack keyid
    headers = {"Signature-Input": signature_input, "Signature": signature}
    # When they are parsed / Then they are refused as malformed
    with pytest.raises(SignatureError, match="malformed"):
        parse_signature("POST", INBOX_PATH, headers)


# --- Digest and Content-Digest forms ------------------------------------------------


def _sha256(body: bytes) -> str:
    return b64(hashlib.sha256(body).digest())


def _sha512(body: bytes) -> str:
    return b64(hashlib.sha512(body).digest())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Digest", f"SHA-512={_sha512(ACTIVITY)}"),
        ("Digest", f"sha-256={_sha256(ACTIVITY)}"),
        ("Digest", f"SHA-256={_sha256(ACTIVITY)}, SHA-512={_sha512(ACTIVITY)}"),
        ("Digest", f"MD5=AAAA,SHA-256={_sha256(ACTIVITY)}"),
        ("Content-Digest", f"sha-256=:{_sha256(ACTIVITY)}:"),
        ("Content-Digest", f"sha-512=:{_sha512(ACTIVITY)}:"),
    ],
)
def test_supported_digest_forms_are_accepted(rsa_key: KeyPair, name: str, value: str):
    # Given a request whose covered digest header uses one of the accepted forms
    base = {"Host": "local.example", "Date": http_date(NOW), name: value}
    headers = hand_signed(
        rsa_key, base, ["(request-target)", "host", "date", name.lower()]
    )
    # When it is verified / Then it passes
    verify(headers, rsa_key)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("Digest", "MD5=AAAA", "no supported algorithm"),
        (
            "Digest",
            f"SHA-256={_sha256(ACTIVITY)},SHA-512={_sha512(b'x')}",
            "does not match",
        ),
        ("Digest", "SHA-256=!!!", "malformed"),
        ("Content-Digest", f"sha-256=:{_sha256(b'x')}:", "does not match"),
        ("Content-Digest", "sha-256=nope", "malformed"),
    ],
)
def test_bad_digest_headers_are_rejected(
    rsa_key: KeyPair, name: str, value: str, message: str
):
    # Given a properly signed request whose digest header is wrong or unusable
    base = {"Host": "local.example", "Date": http_date(NOW), name: value}
    headers = hand_signed(
        rsa_key, base, ["(request-target)", "host", "date", name.lower()]
    )
    # When it is verified / Then the digest check names the problem
    with pytest.raises(SignatureError, match=message):
        verify(headers, rsa_key)


# --- draft-cavage-12 vectors ---------------------------------------------------------


def _cavage_request(vector: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    assert CAVAGE is not None
    message = CAVAGE["messages"][vector["message"]]
    headers = dict(message["headers"]) | {"Signature": vector["signature_header"]}
    return message, headers


def _cavage_public_key() -> PublicKey:
    assert CAVAGE is not None
    return load_public_key(CAVAGE["key"]["public_pem"])


@pytest.mark.parametrize("vector", _vector_params(CAVAGE))
def test_cavage_vector_signing_string_matches(vector: dict[str, Any]):
    # Given a published cavage vector
    message, headers = _cavage_request(vector)
    # When fedcity builds its signing string
    info = parse_signature(message["method"], message["path_and_query"], headers)
    text = signing_string(info, message["method"], message["path_and_query"], headers)
    # Then it is byte-for-byte the published one
    assert text.decode() == vector["signing_string"]


@pytest.mark.parametrize("vector", _vector_params(CAVAGE))
def test_cavage_vector_signature_verifies(vector: dict[str, Any]):
    # Given a published cavage vector and its test key
    message, headers = _cavage_request(vector)
    info = parse_signature(message["method"], message["path_and_query"], headers)
    # When the signature bytes are checked over the published signing string
    # Then they verify (no exception)
    verify_bytes(
        info.algorithm,
        _cavage_public_key(),
        vector["signing_string"].encode(),
        info.signature,
        scheme="cavage",
    )


@pytest.mark.parametrize("vector", _vector_params(CAVAGE))
def test_cavage_vector_passes_or_fails_the_coverage_policy(vector: dict[str, Any]):
    # Given a cavage vector, checked at the moment it was made
    message, headers = _cavage_request(vector)
    info = parse_signature(message["method"], message["path_and_query"], headers)
    now = parsedate_to_datetime(headers["Date"])

    def check() -> None:
        verify_signature(
            info,
            message["method"],
            message["path_and_query"],
            headers,
            message["body"].encode(),
            _cavage_public_key(),
            now=now,
        )

    # When it is fully verified
    # Then only vectors covering (request-target), host, date and digest pass
    if {"(request-target)", "host", "date"} <= info.covered and (
        message["method"] == "GET" or "digest" in info.covered
    ):
        check()
    else:
        with pytest.raises(SignatureError, match="required to be signed are missing"):
            check()


@pytest.mark.skipif(CAVAGE is None, reason=MISSING_DATA)
def test_sign_request_reproduces_the_mastodon_style_vector():
    # Given the vector's key, request and clock (PKCS#1 v1.5 is deterministic)
    assert CAVAGE is not None
    vector = next(v for v in CAVAGE["vectors"] if v["id"] == "ap-post-mastodon")
    message = CAVAGE["messages"]["ap_post"]
    now = parsedate_to_datetime(dict(message["headers"])["Date"])
    # When fedcity signs the same request
    headers = sign_request(
        "POST",
        "https://local.example/users/bob/inbox",
        key_id=KEY_ID,
        private_key=load_private_key(CAVAGE["key"]["private_pem"]),
        body=message["body"].encode(),
        now=now,
    )
    # Then the Signature header is the published one
    assert headers["Signature"] == vector["signature_header"]
    assert headers["Digest"] == dict(message["headers"])["Digest"]


Mutation = Callable[[dict[str, Any], dict[str, str]], dict[str, Any]]


def _neg_tampered_body(
    message: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    return {"body": message["body"].replace("Follow", "Block").encode()}


def _neg_date_skew(message: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    return {"now": parsedate_to_datetime(headers["Date"]) + timedelta(hours=13)}


def _neg_wrong_target(
    message: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    return {"path": "/users/carol/inbox"}


def _neg_no_digest(message: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    signature = headers["Signature"].replace(' digest"', '"')
    return {"headers": headers | {"Signature": signature}}


NEGATIVE_MUTATIONS: dict[str, tuple[Mutation, str]] = {
    "neg-body-tampered": (_neg_tampered_body, "Digest does not match body"),
    "neg-date-skew": (_neg_date_skew, "Date is outside the accepted window"),
    "neg-wrong-target": (_neg_wrong_target, "signature does not verify"),
    "neg-missing-digest-in-headers": (_neg_no_digest, "missing: digest"),
}


@pytest.mark.parametrize("case", _vector_params(CAVAGE, "negative_cases"))
def test_cavage_negative_case_is_rejected(case: dict[str, Any]):
    # Given a published negative case applied to its base vector
    assert CAVAGE is not None
    vector = next(v for v in CAVAGE["vectors"] if v["id"] == case["base_vector"])
    message, headers = _cavage_request(vector)
    if case["id"] not in NEGATIVE_MUTATIONS:
        pytest.fail(f"no mutation written for {case['id']}: {case['change']}")
    mutate, reason = NEGATIVE_MUTATIONS[case["id"]]
    call: dict[str, Any] = {
        "headers": headers,
        "path": message["path_and_query"],
        "body": message["body"].encode(),
        "now": parsedate_to_datetime(headers["Date"]),
    } | mutate(message, headers)
    info = parse_signature(message["method"], call["path"], call["headers"])
    # When it is verified / Then it is refused for the reason the case describes
    with pytest.raises(SignatureError, match=reason):
        verify_signature(
            info,
            message["method"],
            call["path"],
            call["headers"],
            call["body"],
            _cavage_public_key(),
            now=call["now"],
        )


# --- RFC 9421 vectors ---------------------------------------------------------------


def _rfc9421_request(
    vector: dict[str, Any],
) -> tuple[str, dict[str, str], SignatureInfo]:
    assert RFC9421 is not None
    request = RFC9421["request"]
    path_qs = request["path"] + request["query"]
    headers = dict(request["headers"]) | {
        "Signature-Input": vector["signature_input_header"],
        "Signature": vector["signature_header"],
    }
    return path_qs, headers, parse_signature(request["method"], path_qs, headers)


def _rfc9421_key(name: str) -> PublicKey:
    assert RFC9421 is not None
    return load_public_key(RFC9421["keys"][name]["public_pem"])


def _rfc9421_vector(vector_id: str) -> dict[str, Any]:
    if RFC9421 is None:
        pytest.skip(MISSING_DATA)
    return next(v for v in RFC9421["vectors"] if v["id"] == vector_id)


def _verify_rfc9421(
    vector: dict[str, Any], *, body: bytes | None = None, late: timedelta = timedelta()
) -> None:
    assert RFC9421 is not None
    path_qs, headers, info = _rfc9421_request(vector)
    assert info.created is not None
    verify_signature(
        info,
        "POST",
        path_qs,
        headers,
        RFC9421["request"]["body"].encode() if body is None else body,
        _rfc9421_key(vector["keyid"]),
        now=datetime.fromtimestamp(info.created, UTC) + late,
    )


@pytest.mark.parametrize("vector", _request_vectors(RFC9421))
def test_rfc9421_signature_base_matches(vector: dict[str, Any]):
    # Given a published RFC 9421 request vector
    path_qs, headers, info = _rfc9421_request(vector)
    # When fedcity builds the signature base
    base = signing_string(info, "POST", path_qs, headers)
    # Then it is byte-for-byte the published one
    assert base.decode() == vector["signature_base"]
    assert info.scheme == "rfc9421"
    assert info.key_id == vector["keyid"]


@pytest.mark.parametrize(
    "vector",
    [
        p
        for p in _request_vectors(RFC9421)
        if p.values[0] is None or p.values[0]["alg"] != "hmac-sha256"
    ],
)
def test_rfc9421_vector_signature_verifies(vector: dict[str, Any]):
    # Given an asymmetric RFC 9421 vector (no "alg" parameter is sent)
    path_qs, headers, info = _rfc9421_request(vector)
    base = signing_string(info, "POST", path_qs, headers)
    key = _rfc9421_key(vector["keyid"])
    # When its signature is checked with the key alone, then with the label
    # Then both verify (no exception)
    verify_bytes(info.algorithm, key, base, info.signature)
    verify_bytes(vector["alg"], key, base, info.signature)


def test_rfc9421_ecdsa_response_vector_verifies():
    # Given the B.2.4 response vector, signed with ECDSA P-256 (r||s encoding)
    vector = _rfc9421_vector("B.2.4")
    signature = base64.b64decode(vector["signature_header"].split(":")[1])
    # When its published signature base is checked / Then it verifies
    verify_bytes(
        "ecdsa-p256-sha256",
        _rfc9421_key("test-key-ecc-p256"),
        vector["signature_base"].encode(),
        signature,
    )


def test_rfc9421_hmac_vector_matches_fedcity_signature_base():
    # Given the B.2.5 HMAC vector and the shared secret
    vector = _rfc9421_vector("B.2.5")
    assert RFC9421 is not None
    path_qs, headers, info = _rfc9421_request(vector)
    secret = base64.b64decode(RFC9421["keys"]["test-shared-secret"]["secret_base64"])
    # When HMAC-SHA256 is computed over fedcity's signature base
    mac = hmac.HMAC(secret, hashes.SHA256())
    mac.update(signing_string(info, "POST", path_qs, headers))
    # Then it is the published signature
    assert mac.finalize() == info.signature


def test_rfc9421_fully_covered_vector_verifies():
    # Given B.2.3, which covers method, authority, path, query and content-digest
    vector = _rfc9421_vector("B.2.3")
    # When it is fully verified at its creation time / Then it passes
    _verify_rfc9421(vector)


@pytest.mark.parametrize(
    ("vector_id", "missing"),
    [
        ("B.2.1", "@method, @authority, @path, @query, content-digest"),
        ("B.2.6", "@query, content-digest"),
    ],
)
def test_rfc9421_vector_without_required_coverage_is_rejected(
    vector_id: str, missing: str
):
    # Given a vector that leaves out what fedcity requires for a POST with a body
    vector = _rfc9421_vector(vector_id)
    # When it is fully verified / Then the missing components are named
    with pytest.raises(
        SignatureError, match=f"components required to be signed are missing: {missing}"
    ):
        _verify_rfc9421(vector)


def test_rfc9421_tampered_body_is_rejected():
    # Given B.2.3 with a body that no longer matches Content-Digest
    vector = _rfc9421_vector("B.2.3")
    # When it is verified / Then the digest check fails
    with pytest.raises(SignatureError, match="Digest does not match body"):
        _verify_rfc9421(vector, body=b'{"hello": "dog"}')


def test_rfc9421_stale_created_is_rejected():
    # Given B.2.3 checked 14 hours after it was created
    vector = _rfc9421_vector("B.2.3")
    # When it is verified / Then it is outside the window
    with pytest.raises(SignatureError, match="Date is outside the accepted window"):
        _verify_rfc9421(vector, late=timedelta(hours=14))


def test_rfc9421_signature_from_another_rsa_key_is_rejected():
    # Given B.2.3 and the RFC's other RSA test key
    vector = _rfc9421_vector("B.2.3") | {"keyid": "test-key-rsa"}
    # When it is verified with that key / Then the signature fails
    with pytest.raises(SignatureError, match="signature does not verify"):
        _verify_rfc9421(vector)


def test_rfc9421_unsupported_alg_is_rejected():
    # Given an RFC 9421 signature declaring HMAC, which fedcity does not accept
    headers = {
        "Signature-Input": 'sig1=("@method");created=1;keyid="k";alg="hmac-sha256"',
        "Signature": "sig1=:AAAA:",
    }
    # When it is parsed / Then it is refused
    with pytest.raises(SignatureError, match="algorithm is not supported"):
        parse_signature("POST", INBOX_PATH, headers)


def test_rfc9421_signature_without_created_is_rejected():
    # Given an RFC 9421 signature with no created parameter
    headers = {
        "Host": "local.example",
        "Signature-Input": 'sig1=("@method" "@target-uri");keyid="k"',
        "Signature": "sig1=:AAAA:",
    }
    info = parse_signature("GET", "/", headers)
    # When it is verified / Then the missing parameter is named
    with pytest.raises(SignatureError, match="missing the created parameter"):
        verify_signature(
            info,
            "GET",
            "/",
            headers,
            None,
            ed25519.Ed25519PrivateKey.generate().public_key(),
        )


# --- Cross-checks with independent implementations ---------------------------------


def test_fedcity_signed_post_verifies_with_httpsig(rsa_key: KeyPair):
    # Given a POST signed by fedcity
    headers = sign_post(rsa_key)
    # When httpsig (pycryptodome) verifies it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        verifier = httpsig.HeaderVerifier(
            headers,
            rsa_key.public_pem,
            required_headers=["(request-target)", "host", "date", "digest"],
            method="POST",
            path=INBOX_PATH,
            sign_header="signature",
        )
        verified = verifier.verify()
    # Then it accepts the signature
    assert verified is True


def test_httpsig_signed_post_verifies_with_fedcity(rsa_key: KeyPair):
    # Given a POST signed by httpsig in the Authorization header
    headers = {
        "Host": "local.example",
        "Date": http_date(NOW),
        "Digest": compute_digest(ACTIVITY),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        signer = httpsig.HeaderSigner(
            KEY_ID,
            rsa_key.private_pem,
            algorithm="rsa-sha256",
            headers=["(request-target)", "host", "date", "digest"],
        )
        signed = dict(signer.sign(headers, method="POST", path=INBOX_PATH))
    # When fedcity verifies it / Then it passes
    verify(signed, rsa_key)


@dataclass
class _Message:
    """The request shape http-message-signatures signs."""

    method: str
    url: str
    headers: CIMultiDict[str] = field(default_factory=CIMultiDict)


def _rsa_pss_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize(
    ("algorithm", "make_key"),
    [
        (algorithms.RSA_V1_5_SHA256, _rsa_pss_key),
        (algorithms.RSA_PSS_SHA512, _rsa_pss_key),
        (algorithms.ECDSA_P256_SHA256, lambda: ec.generate_private_key(ec.SECP256R1())),
        (algorithms.ED25519, ed25519.Ed25519PrivateKey.generate),
    ],
    ids=["rsa-v1_5-sha256", "rsa-pss-sha512", "ecdsa-p256-sha256", "ed25519"],
)
def test_http_message_signatures_signed_request_verifies(
    algorithm: Any, make_key: Callable[[], Any]
):
    # Given a POST signed by http-message-signatures with RFC 9421
    private = make_key()
    message = _Message("POST", INBOX_URL, CIMultiDict({"Host": "local.example"}))
    signer = HTTPMessageSigner(
        signature_algorithm=algorithm,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={KEY_ID: private}),
    )
    signer.sign(
        message,
        key_id=KEY_ID,
        created=NOW,
        covered_component_ids=("@method", "@target-uri"),
        body=ACTIVITY,
    )
    # When fedcity parses and verifies it
    info = parse_signature("POST", INBOX_PATH, message.headers)
    verify_signature(
        info,
        "POST",
        INBOX_PATH,
        message.headers,
        ACTIVITY,
        private.public_key(),
        now=NOW,
    )
    # Then it is read as an RFC 9421 signature with the sender's label
    assert info.scheme == "rfc9421"
    assert info.algorithm == algorithm.algorithm_id
    assert "content-digest" in info.covered


def test_rfc9421_key_pem_types_load():
    # Given the RFC's PKCS#1 RSA public key PEM
    if RFC9421 is None:
        pytest.skip(MISSING_DATA)
    # When it is loaded / Then it is an RSA key
    assert isinstance(_rfc9421_key("test-key-rsa"), rsa.RSAPublicKey)
    der = _rfc9421_key("test-key-ed25519").public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert len(der) == 44
