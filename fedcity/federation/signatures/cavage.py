"""draft-cavage-http-signatures-12, as Mastodon, GoToSocial and Pleroma use it:
signing outgoing requests, parsing the `Signature` header, the signing string."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from fedcity.errors import SignatureError
from fedcity.federation.signatures.common import SignatureInfo
from fedcity.federation.signatures.digest import compute_digest
from fedcity.federation.signatures.keys import PrivateKey

CAVAGE_ALGORITHMS = frozenset({"rsa-sha256", "hs2019", "ed25519"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# key="quoted" or key=123, comma separated (cavage-12 section 2.1).
_CAVAGE_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([0-9]+))\s*(?:,|$)')


def sign_request(
    method: str,
    url: str,
    *,
    key_id: str,
    private_key: PrivateKey,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """Sign a request the way Mastodon does and return every header to send.

    Host, Date, Digest (when there is a body) and Signature replace any given
    header of the same name; other given headers pass through unsigned.
    """
    parts = urlsplit(url)
    path_qs = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    signed = {"Host": _host_of(url), "Date": _http_date(now or datetime.now(UTC))}
    if body is not None:
        signed["Digest"] = compute_digest(body)
    components = ("(request-target)", "host", "date") + (
        ("digest",) if body is not None else ()
    )
    fields = {name.lower(): value for name, value in signed.items()}
    message = cavage_string(components, method, path_qs, fields, None, None)
    if isinstance(private_key, rsa.RSAPrivateKey):
        algorithm = "rsa-sha256"
        raw = private_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    else:
        algorithm = "hs2019"  # GoToSocial's label for non-RSA keys
        raw = private_key.sign(message.encode())
    signed["Signature"] = (
        f'keyId="{key_id}",algorithm="{algorithm}",headers="{" ".join(components)}",'
        f'signature="{base64.b64encode(raw).decode()}"'
    )
    kept = {k: v for k, v in (headers or {}).items() if k.lower() not in fields}
    return kept | signed


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise ValueError(f"URL has no host: {url}")
    host = f"[{host}]" if ":" in host else host
    if parts.port is None or parts.port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{parts.port}"


def _http_date(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def parse_cavage(value: str) -> SignatureInfo:
    """Read a cavage `Signature` (or `Authorization: Signature`) parameter list.

    Raises:
        SignatureError: malformed, or an algorithm fedcity does not verify.
    """
    params: dict[str, str] = {}
    pos, value = 0, value.strip()
    while pos < len(value):
        match = _CAVAGE_PARAM.match(value, pos)
        if match is None or match[1].lower() in params:
            raise SignatureError("Signature header is malformed")
        params[match[1].lower()] = match[2] if match[2] is not None else match[3]
        pos = match.end()
    if not params.get("keyid") or not params.get("signature"):
        raise SignatureError(
            "Signature header is malformed", detail="keyId or signature absent"
        )
    algorithm = params["algorithm"].lower() if "algorithm" in params else None
    if algorithm is not None and algorithm not in CAVAGE_ALGORITHMS:
        raise SignatureError(
            "Signature algorithm is not supported", detail=algorithm[:40]
        )
    try:
        signature = base64.b64decode(params["signature"], validate=True)
        created, expires = (
            int(params[k]) if k in params else None for k in ("created", "expires")
        )
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("Signature header is malformed") from exc
    return SignatureInfo(
        key_id=params["keyid"],
        scheme="cavage",
        algorithm=algorithm,
        # Mastodon's default when "headers" is absent; it then fails coverage.
        components=tuple(params.get("headers", "date").lower().split()),
        signature=signature,
        created=created,
        expires=expires,
    )


def cavage_string(
    components: tuple[str, ...],
    method: str,
    path_qs: str,
    fields: Mapping[str, str],
    created: int | None,
    expires: int | None,
) -> str:
    """The cavage signing string: one `name: value` line per covered header.

    Raises:
        SignatureError: a covered header is absent from the request.
    """
    pseudo = {
        "(request-target)": f"{method.lower()} {path_qs}",
        "(created)": None if created is None else str(created),
        "(expires)": None if expires is None else str(expires),
    }
    lines = []
    for name in components:
        value = pseudo[name] if name in pseudo else fields.get(name)
        if value is None:
            raise SignatureError("Signed header is missing: {name}", name=name)
        lines.append(f"{name}: {value}")
    return "\n".join(lines)
