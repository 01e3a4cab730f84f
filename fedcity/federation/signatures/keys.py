"""Actor keys: parsing PEM public and private keys (cached), generating pairs."""

from __future__ import annotations

import functools
from typing import TypeAlias

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from fedcity.errors import SignatureError

PublicKey: TypeAlias = rsa.RSAPublicKey | Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKey: TypeAlias = rsa.RSAPrivateKey | Ed25519PrivateKey


@functools.lru_cache(maxsize=4096)
def load_public_key(pem: str) -> PublicKey:
    """Parse a remote actor's PEM public key (cached: the inbox sees the same few).

    Raises:
        SignatureError: the PEM is unreadable or the key type is unusable.
    """
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm) as exc:
        raise SignatureError("Public key is not a valid PEM key") from exc
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < 1024:
        raise SignatureError("Public key is too small")
    if isinstance(key, rsa.RSAPublicKey | Ed25519PublicKey | ec.EllipticCurvePublicKey):
        return key
    raise SignatureError("Public key type is not supported")


@functools.lru_cache(maxsize=4096)
def load_private_key(pem: str) -> PrivateKey:
    """Parse a local actor's unencrypted PEM private key (RSA or Ed25519)."""
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey | Ed25519PrivateKey):
        raise ValueError("only RSA and Ed25519 private keys can sign requests")
    return key


def generate_private_key_pem() -> tuple[str, str]:
    """Create an RSA-2048 actor key pair: (PKCS#8 private PEM, SPKI public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode("ascii"), public.decode("ascii")
