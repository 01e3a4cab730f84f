"""Ed25519 keys as Multikey multibase strings (FEP-521a, W3C Controlled Identifiers).

A public key is `"z" + base58btc(0xed 0x01 + 32 key bytes)` ("z6Mk…"); a secret key
is `"z" + base58btc(0x80 0x26 + 32-byte seed)` ("z3u2…"). The two-byte prefixes
are the varint-encoded multicodec codes `ed25519-pub` (0xed) and `ed25519-priv`
(0x1300).
"""

from __future__ import annotations

from typing import Final

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from fedcity.errors import SignatureError

BASE58BTC_PREFIX: Final = "z"
ED25519_PUB_PREFIX: Final = b"\xed\x01"
ED25519_PRIV_PREFIX: Final = b"\x80\x26"
_KEY_BYTES: Final = 32


class MultikeyError(SignatureError, message="The key is not a valid Multikey"):
    """A multibase string that is not base58btc, or not an Ed25519 key."""


def multibase_encode(data: bytes) -> str:
    """`data` as multibase base58btc: "z" and the Bitcoin base58 alphabet."""
    return BASE58BTC_PREFIX + base58.b58encode(data).decode("ascii")


def multibase_decode(value: str) -> bytes:
    """The bytes of a multibase base58btc string ("z…").

    Raises:
        MultikeyError: another multibase encoding, or not base58.
    """
    if not value.startswith(BASE58BTC_PREFIX) or len(value) < 2:
        raise MultikeyError(detail="not a multibase base58btc value")
    try:
        return base58.b58decode(value[1:].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise MultikeyError(detail="invalid base58btc") from exc


def encode_public_key(key: Ed25519PublicKey) -> str:
    """A public key as `publicKeyMultibase` ("z6Mk…")."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return multibase_encode(ED25519_PUB_PREFIX + raw)


def decode_public_key(value: str) -> Ed25519PublicKey:
    """The Ed25519 key of a `publicKeyMultibase`.

    Raises:
        MultikeyError: not base58btc, not the ed25519-pub multicodec, or not
            32 key bytes.
    """
    data = multibase_decode(value)
    if not data.startswith(ED25519_PUB_PREFIX):
        raise MultikeyError(detail="not an Ed25519 public key (multicodec 0xed01)")
    if len(data) != len(ED25519_PUB_PREFIX) + _KEY_BYTES:
        raise MultikeyError(detail="an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(data[len(ED25519_PUB_PREFIX) :])


def encode_secret_key(key: Ed25519PrivateKey) -> str:
    """A private key as `secretKeyMultibase` ("z3u2…"): its 32-byte seed."""
    seed = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return multibase_encode(ED25519_PRIV_PREFIX + seed)


def decode_secret_key(value: str) -> Ed25519PrivateKey:
    """The Ed25519 private key of a `secretKeyMultibase`.

    Raises:
        MultikeyError: not base58btc, not the ed25519-priv multicodec, or not
            a 32-byte seed.
    """
    data = multibase_decode(value)
    if not data.startswith(ED25519_PRIV_PREFIX):
        raise MultikeyError(detail="not an Ed25519 secret key (multicodec 0x8026)")
    if len(data) != len(ED25519_PRIV_PREFIX) + _KEY_BYTES:
        raise MultikeyError(detail="an Ed25519 secret key has a 32-byte seed")
    return Ed25519PrivateKey.from_private_bytes(data[len(ED25519_PRIV_PREFIX) :])


def multikey_document(
    key_id: str, controller: str, key: Ed25519PublicKey
) -> dict[str, str]:
    """The FEP-521a `Multikey` object an actor lists in `assertionMethod`."""
    return {
        "id": key_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": encode_public_key(key),
    }
