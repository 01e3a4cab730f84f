"""Verifying signature bytes: which algorithms an `algorithm` label and a key
type allow, and the `cryptography` calls for each."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from fedcity.errors import SignatureError
from fedcity.federation.signatures.keys import PublicKey

_RSA_LABELS = frozenset({"rsa-sha256", "rsa-v1_5-sha256", "rsa-pss-sha512"})
# No label, or hs2019: the key type decides (cavage-12 section 2.1.3, RFC 9421 3.2).
_KEY_DECIDES: frozenset[str | None] = frozenset({None, "hs2019"})


def verify_bytes(
    algorithm: str | None,
    public_key: PublicKey,
    message: bytes,
    signature: bytes,
    *,
    scheme: Literal["cavage", "rfc9421"] = "rfc9421",
) -> None:
    """Verify raw signature bytes; the algorithm label may defer to the key type.

    Raises:
        SignatureError: the label does not fit the key, or the bytes do not verify.
    """
    for candidate in _candidates(algorithm, public_key, scheme):
        try:
            candidate(message, signature)
        except (InvalidSignature, ValueError):
            continue
        return
    raise SignatureError("signature does not verify")


def _candidates(
    algorithm: str | None, key: PublicKey, scheme: str
) -> list[Callable[[bytes, bytes], None]]:
    """The verifications to try: one per algorithm the label and key allow."""
    if isinstance(key, rsa.RSAPublicKey) and algorithm in _KEY_DECIDES | _RSA_LABELS:
        pkcs1, pss = _rsa_verifier(key, pss=False), _rsa_verifier(key, pss=True)
        if algorithm == "rsa-pss-sha512":
            return [pss]
        if algorithm in _KEY_DECIDES:
            # Mastodon and GoToSocial mean PKCS#1 v1.5 by hs2019; the cavage-12
            # examples and RFC 9421 (no "alg") also allow RSA-PSS with SHA-512.
            return [pkcs1, pss]
        return [pkcs1]
    if isinstance(key, Ed25519PublicKey) and algorithm in _KEY_DECIDES | {"ed25519"}:
        return [lambda message, signature: key.verify(signature, message)]
    if (
        isinstance(key, ec.EllipticCurvePublicKey)
        and isinstance(key.curve, ec.SECP256R1)
        and algorithm in _KEY_DECIDES | {"ecdsa-p256-sha256"}
    ):
        # RFC 9421 section 3.3.4 sends r||s; cavage implementations send DER.
        return [functools.partial(_verify_ecdsa, key, scheme == "rfc9421")]
    raise SignatureError("Signature algorithm does not match the key type")


def _rsa_verifier(
    key: rsa.RSAPublicKey, *, pss: bool
) -> Callable[[bytes, bytes], None]:
    if pss:  # RFC 9421 section 3.3.1: MGF1 with SHA-512 and a 64-byte salt
        pad: padding.AsymmetricPadding = padding.PSS(padding.MGF1(hashes.SHA512()), 64)
        digest: hashes.HashAlgorithm = hashes.SHA512()
    else:
        pad, digest = padding.PKCS1v15(), hashes.SHA256()
    return lambda message, signature: key.verify(signature, message, pad, digest)


def _verify_ecdsa(
    key: ec.EllipticCurvePublicKey, raw: bool, message: bytes, signature: bytes
) -> None:
    if raw:
        if len(signature) != 64:
            raise InvalidSignature
        r, s = (
            int.from_bytes(signature[:32], "big"),
            int.from_bytes(signature[32:], "big"),
        )
        signature = encode_dss_signature(r, s)
    key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
