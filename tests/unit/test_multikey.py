"""FEP-521a Multikey: Ed25519 keys as multibase base58btc strings and back."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fedcity.federation.integrity.multikey import (
    MultikeyError,
    decode_public_key,
    decode_secret_key,
    encode_public_key,
    encode_secret_key,
    multibase_decode,
    multibase_encode,
    multikey_document,
)
from fedcity.federation.integrity.remote import find_multikey

W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


def test_w3c_secret_key_gives_its_public_key():
    # Given the W3C test key pair's secret key
    secret = decode_secret_key(W3C_SECRET)
    # Then its public half encodes as the published publicKeyMultibase
    assert encode_public_key(secret.public_key()) == W3C_PUBLIC
    assert encode_secret_key(secret) == W3C_SECRET


def test_generated_keys_round_trip():
    # Given a fresh Ed25519 key
    key = Ed25519PrivateKey.generate()
    # When both halves are encoded and decoded again
    public = encode_public_key(key.public_key())
    restored = decode_secret_key(encode_secret_key(key))
    # Then they are the same keys, and the public one reads "z6Mk…"
    assert public.startswith("z6Mk")
    assert encode_public_key(decode_public_key(public)) == public
    assert encode_public_key(restored.public_key()) == public


def test_multibase_keeps_leading_zero_bytes():
    # Given bytes that start with zeros
    data = b"\x00\x00\x01\xff"
    # Then they survive base58btc
    assert multibase_decode(multibase_encode(data)) == data


@pytest.mark.parametrize(
    "value",
    [
        "",
        "z",
        "u7QE",  # base64url, not base58btc
        "z0OIl",  # characters outside the base58 alphabet
        W3C_SECRET,  # a secret key where a public one belongs
        W3C_PUBLIC[:-2],  # too short
    ],
)
def test_invalid_public_keys_are_refused(value: str):
    with pytest.raises(MultikeyError):
        decode_public_key(value)


def test_public_key_is_not_a_secret_key():
    with pytest.raises(MultikeyError):
        decode_secret_key(W3C_PUBLIC)


def test_multikey_document_is_fep_521a():
    # Given the W3C public key
    key = decode_public_key(W3C_PUBLIC)
    # When it is published for an actor
    doc = multikey_document(
        "https://a.example/actor#ed25519-key", "https://a.example/actor", key
    )
    # Then it is the FEP-521a object
    assert doc == {
        "id": "https://a.example/actor#ed25519-key",
        "type": "Multikey",
        "controller": "https://a.example/actor",
        "publicKeyMultibase": W3C_PUBLIC,
    }


def test_compacted_assertion_method_is_read():
    # Given an actor as JSON-LD compaction leaves it (security terms as sec:)
    key = Ed25519PrivateKey.generate()
    actor = {
        "id": "https://a.example/actor",
        "sec:assertionMethod": {
            "id": "https://a.example/actor#ed25519-key",
            "type": "sec:Multikey",
            "sec:controller": {"id": "https://a.example/actor"},
            "sec:publicKeyMultibase": {
                "type": "sec:multibase",
                "@value": encode_public_key(key.public_key()),
            },
        },
    }
    # Then the key is found
    found = find_multikey(
        actor, "https://a.example/actor#ed25519-key", "https://a.example/actor"
    )
    assert found is not None
    assert encode_public_key(found) == encode_public_key(key.public_key())


def test_expired_multikey_is_not_used():
    # Given a Multikey that expired
    key = Ed25519PrivateKey.generate()
    method = {
        **multikey_document(
            "https://a.example/a#k", "https://a.example/a", key.public_key()
        ),
        "expires": "2020-01-01T00:00:00Z",
    }
    # Then it is not found
    assert (
        find_multikey({"assertionMethod": [method]}, method["id"], method["controller"])
        is None
    )
