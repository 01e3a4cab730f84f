"""Web Push message encryption and VAPID signatures, over the web-push-libs packages.

`http_ece` does the content encryption (RFC 8188 aes128gcm with RFC 8291's key
derivation, or the older aesgcm draft) and `py_vapid` signs the ES256 JWT (RFC 8292,
or its draft-01 `WebPush` form). Both are untyped; this module is the one place that
calls them.
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid01, Vapid02

from fedcity.services.notifications.push import decode_base64

RECORD_SIZE = 4096  # RFC 8291 §4: one record of at most 4096 octets
# What fits in that record: 4096 - 16 (tag) - 1 (delimiter) - 86 (header) = 3993.
MAX_PLAINTEXT = 3993
# RFC 8292 §2: `exp` no more than 24 hours ahead; half that leaves room for skew.
TOKEN_LIFETIME_SECONDS = 12 * 3600


def b64url(data: bytes) -> str:
    """Unpadded base64url, as the Web Push headers want it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


@dataclass(frozen=True)
class VapidKey:
    """The instance's application-server key (P-256)."""

    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> str:
        """Uncompressed point, unpadded base64url (the `k=` of RFC 8292)."""
        return b64url(_point(self.private_key.public_key()))

    @property
    def server_key(self) -> str:
        """The same key as Mastodon shows it to apps: base64url with padding
        (`server_key`, `vapid_key`, `configuration.vapid.public_key`)."""
        return base64.urlsafe_b64encode(_point(self.private_key.public_key())).decode()


def generate_vapid_key() -> tuple[str, str]:
    """A new P-256 key pair: (PKCS#8 private PEM, unpadded base64url public point)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem.decode("ascii"), VapidKey(key).public_key


def load_vapid_key(private_pem: str) -> VapidKey:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("the stored VAPID key is not an EC key")
    return VapidKey(key)


@dataclass(frozen=True)
class Subscriber:
    """What the app gave when subscribing."""

    endpoint: str
    p256dh: str
    auth: str
    standard: bool


def audience(endpoint: str) -> str:
    """The JWT `aud`: the push service's origin (RFC 8292 §2)."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def seal(
    plaintext: bytes, to: Subscriber, vapid: VapidKey, subject: str
) -> tuple[bytes, dict[str, str]]:
    """Encrypt `plaintext` for the subscriber and sign the request: the body and the
    `Content-Encoding`, `Authorization` (and, for the drafts, `Encryption` and
    `Crypto-Key`) headers.

    Raises:
        ValueError: the message does not fit in one record.
    """
    if len(plaintext) > MAX_PLAINTEXT:
        raise ValueError(f"push message of {len(plaintext)} bytes is too long")
    # A fresh ECDH key and salt per message (RFC 8291 §3.1, RFC 8188 §2).
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    salt = os.urandom(16)
    claims = {
        "aud": audience(to.endpoint),
        "exp": int(time.time()) + TOKEN_LIFETIME_SECONDS,
        "sub": subject,
    }
    body = http_ece.encrypt(
        plaintext,
        salt=salt,
        private_key=ephemeral,
        dh=decode_base64(to.p256dh),
        auth_secret=decode_base64(to.auth),
        rs=RECORD_SIZE,
        version="aes128gcm" if to.standard else "aesgcm",
    )
    # py_vapid checks `sub` against its own idea of a mail address; fedcity's
    # configuration already checked it.
    conf = {"no-strict": True}
    if to.standard:
        headers = dict(Vapid02(vapid.private_key, conf=conf).sign(claims))
        headers["Content-Encoding"] = "aes128gcm"
        return bytes(body), headers
    # The drafts Mastodon still speaks to apps that did not ask for `standard`:
    # salt and sender key in headers, `Authorization: WebPush <jwt>`.
    crypto_key = f"dh={b64url(_point(ephemeral.public_key()))}"
    headers = dict(Vapid01(vapid.private_key, conf=conf).sign(claims, crypto_key))
    headers["Content-Encoding"] = "aesgcm"
    headers["Encryption"] = f"salt={b64url(salt)}"
    return bytes(body), headers
