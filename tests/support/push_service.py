"""A Web Push service on a loopback port, and the app side of a subscription.

`PushService` plays the push service (RFC 8030): it accepts POSTs at its endpoints,
checks the VAPID signature (RFC 8292, or the draft's `WebPush` scheme) against the
instance's public key and the `aud`, records every request and answers with scripted
statuses. `PushClient` plays the app: it holds the ECDH key and auth secret it
subscribed with and decrypts what arrives (RFC 8291 aes128gcm, or the aesgcm draft).
Both are written here with `cryptography` alone, apart from fedcity's own code, so
that they cross-check it.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from multidict import CIMultiDictProxy


def b64decode(value: str) -> bytes:
    text = value.strip().replace("+", "-").replace("/", "_").rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(
        ikm
    )


def header_param(value: str, name: str) -> str:
    """`dh` from "dh=…;p256ecdsa=…" (the draft's Crypto-Key and Encryption)."""
    for part in value.replace(",", ";").split(";"):
        key, _, found = part.strip().partition("=")
        if key == name:
            return found
    raise AssertionError(f"{name} missing from {value!r}")


@dataclass
class Received:
    path: str
    headers: CIMultiDictProxy[str]
    body: bytes
    status: int
    vapid_claims: dict[str, Any] | None = None


@dataclass
class PushService:
    """Record requests; answer `answers` in turn (201 once they run out)."""

    server_key: str = ""  # the instance's VAPID key, to check signatures with
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    base_url: str = ""

    async def start(self, aiohttp_server: Any) -> None:
        app = web.Application()
        app.router.add_post("/push/{device}", self._push)
        server = await aiohttp_server(app, host="127.0.0.1")
        self.base_url = str(server.make_url("")).rstrip("/")

    def endpoint(self, device: str) -> str:
        return f"{self.base_url}/push/{device}"

    @property
    def delivered(self) -> list[Received]:
        return [r for r in self.received if 200 <= r.status < 300]

    async def _push(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            claims = verify_vapid(request.headers, self.server_key, str(request.url))
        except Exception as exc:  # a real push service refuses a bad VAPID
            self.received.append(Received(request.path, request.headers, body, 403))
            return web.Response(status=403, text=f"bad VAPID: {exc!r}")
        status = self.answers.pop(0) if self.answers else 201
        self.received.append(
            Received(request.path, request.headers, body, status, claims)
        )
        return web.Response(status=status)


def verify_vapid(
    headers: CIMultiDictProxy[str], server_key: str, endpoint: str
) -> dict[str, Any]:
    """The JWT's claims after checking the ES256 signature with the instance's key
    (RFC 8292 §2 and §3), that `k` is that key, and `aud` and `exp`."""
    authorization = headers["Authorization"]
    scheme, _, rest = authorization.partition(" ")
    if scheme == "vapid":
        fields = dict(p.strip().split("=", 1) for p in rest.split(","))
        token, key = fields["t"], fields["k"]
    else:
        assert scheme == "WebPush", authorization
        token, key = rest, header_param(headers["Crypto-Key"], "p256ecdsa")
    assert b64decode(key) == b64decode(server_key), "not the instance's VAPID key"
    head, claims, signature = token.split(".")
    raw = b64decode(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), b64decode(server_key)
    )
    public.verify(
        encode_dss_signature(
            int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        ),
        f"{head}.{claims}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    assert json.loads(b64decode(head))["alg"] == "ES256"
    decoded: dict[str, Any] = json.loads(b64decode(claims))
    parts = urlsplit(endpoint)
    assert decoded["aud"] == f"{parts.scheme}://{parts.netloc}", decoded
    assert time.time() < decoded["exp"] <= time.time() + 24 * 3600, decoded
    assert decoded["sub"], decoded
    return decoded


class PushClient:
    """The app: its P-256 key and 16-byte auth secret (RFC 8291 §2), and decryption."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    @property
    def p256dh(self) -> str:
        return b64url(_point(self.key.public_key()))

    @property
    def auth_b64(self) -> str:
        return b64url(self.auth)

    def keys(self) -> dict[str, str]:
        return {"p256dh": self.p256dh, "auth": self.auth_b64}

    def decrypt(self, message: Received) -> dict[str, Any]:
        encoding = message.headers["Content-Encoding"]
        if encoding == "aes128gcm":
            plain = self._aes128gcm(message.body)
        else:
            assert encoding == "aesgcm", encoding
            plain = self._aesgcm(message.body, message.headers)
        return dict(json.loads(plain))

    def _secret(self, sender: bytes) -> bytes:
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender)
        return self.key.exchange(ec.ECDH(), peer)

    def _aes128gcm(self, body: bytes) -> bytes:
        # RFC 8188 §2.1 header: salt, record size, key id (the sender's public key).
        salt, rs, id_len = body[:16], int.from_bytes(body[16:20], "big"), body[20]
        sender, ciphertext = body[21 : 21 + id_len], body[21 + id_len :]
        # RFC 8291 §4: a single record of 4096 octets.
        assert rs == 4096
        assert len(ciphertext) <= rs
        ua_public = _point(self.key.public_key())
        ikm = _hkdf(
            self.auth,
            self._secret(sender),
            b"WebPush: info\x00" + ua_public + sender,
            32,
        )
        cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        plain = AESGCM(cek).decrypt(nonce, ciphertext, None).rstrip(b"\x00")
        assert plain.endswith(b"\x02"), "the last record's delimiter"
        return plain[:-1]

    def _aesgcm(self, body: bytes, headers: CIMultiDictProxy[str]) -> bytes:
        # draft-ietf-webpush-encryption-04: salt and sender key come in headers.
        salt = b64decode(header_param(headers["Encryption"], "salt"))
        sender = b64decode(header_param(headers["Crypto-Key"], "dh"))
        ua_public = _point(self.key.public_key())
        prk = _hkdf(self.auth, self._secret(sender), b"Content-Encoding: auth\x00", 32)
        context = (
            b"P-256\x00"
            + len(ua_public).to_bytes(2, "big")
            + ua_public
            + len(sender).to_bytes(2, "big")
            + sender
        )
        cek = _hkdf(salt, prk, b"Content-Encoding: aesgcm\x00" + context, 16)
        nonce = _hkdf(salt, prk, b"Content-Encoding: nonce\x00" + context, 12)
        plain = AESGCM(cek).decrypt(nonce, body, None)
        padding = int.from_bytes(plain[:2], "big")
        return plain[2 + padding :]
