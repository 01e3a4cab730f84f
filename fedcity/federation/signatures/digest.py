"""Body digests: `Digest` (RFC 3230, what Mastodon sends) and `Content-Digest`
(RFC 9530, what RFC 9421 senders use)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Mapping

import http_sf

from fedcity.errors import SignatureError
from fedcity.federation.signatures.common import SignatureInfo

_DIGESTS: dict[str, Callable[[bytes], bytes]] = {
    "sha-256": lambda body: hashlib.sha256(body).digest(),
    "sha-512": lambda body: hashlib.sha512(body).digest(),
}


def compute_digest(body: bytes) -> str:
    """Return the `Digest` header value Mastodon expects for `body`."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def check_digest(
    info: SignatureInfo, fields: Mapping[str, str], body: bytes, has_body: bool
) -> None:
    """Check the signed body digest, whichever of the two headers is signed.

    Raises:
        SignatureError: a body without a signed digest, or a digest that differs.
    """
    if "content-digest" in info.covered and "content-digest" in fields:
        matches = _content_digest_matches(fields["content-digest"], body)
    elif "digest" in info.covered and "digest" in fields:
        matches = _digest_matches(fields["digest"], body)
    elif has_body:
        raise SignatureError("Digest header missing")
    else:
        return
    if not matches:
        raise SignatureError("Digest does not match body")


def _digest_matches(value: str, body: bytes) -> bool:
    """Check a `Digest` header (RFC 3230): every supported value must match."""
    checked = []
    for part in value.split(","):
        name, _, encoded = part.strip().partition("=")
        if name.lower() not in _DIGESTS:
            continue
        try:
            expected = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise SignatureError("Digest header is malformed") from exc
        checked.append(hmac.compare_digest(expected, _DIGESTS[name.lower()](body)))
    if not checked:
        raise SignatureError("Digest uses no supported algorithm")
    return all(checked)


def _content_digest_matches(value: str, body: bytes) -> bool:
    """Check an RFC 9530 `Content-Digest` dictionary (`sha-256=:<b64>:`)."""
    try:
        parsed = http_sf.parse(value.encode("latin-1"), tltype="dictionary")
    except (ValueError, UnicodeEncodeError) as exc:
        raise SignatureError("Content-Digest header is malformed") from exc
    if not isinstance(parsed, dict):
        raise SignatureError("Content-Digest header is malformed")
    checked = []
    for name, member in parsed.items():
        if name in _DIGESTS:
            if not (isinstance(member, tuple) and isinstance(member[0], bytes)):
                raise SignatureError("Content-Digest header is malformed")
            checked.append(hmac.compare_digest(member[0], _DIGESTS[name](body)))
    if not checked:
        raise SignatureError("Content-Digest uses no supported algorithm")
    return all(checked)
