"""HTTP message signatures: sign outgoing requests, verify incoming ones, Digest.

Two wire formats are read: draft-cavage-http-signatures-12 as Mastodon, GoToSocial
and Pleroma use it (`Signature:` or `Authorization: Signature`), and RFC 9421
(`Signature-Input` + `Signature`). Outgoing requests are signed the Mastodon way.
Verification runs on the inbox hot path, so the crypto is `cryptography` called
directly and parsed PEM keys are cached; only RFC 9421 component resolution
(`@query-param`, `;sf`, `;key`, ...) is delegated to `http-message-signatures`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Literal, TypeAlias
from urllib.parse import urlsplit

import http_sf
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from http_sf.compat import Item
from http_sf.innerlist import ser_innerlist
from http_sf.item import ser_item

from fedcity.errors import SignatureError

PublicKey: TypeAlias = rsa.RSAPublicKey | Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKey: TypeAlias = rsa.RSAPrivateKey | Ed25519PrivateKey

# Mastodon's SignatureVerification: a signature is good for 12 hours, and clocks
# may disagree by an hour either way.
EXPIRATION_WINDOW = timedelta(hours=12)
CLOCK_SKEW = timedelta(hours=1)

CAVAGE_ALGORITHMS = frozenset({"rsa-sha256", "hs2019", "ed25519"})
RFC9421_ALGORITHMS = frozenset(
    {"rsa-v1_5-sha256", "rsa-pss-sha512", "ecdsa-p256-sha256", "ed25519"}
)
_RSA_LABELS = frozenset({"rsa-sha256", "rsa-v1_5-sha256", "rsa-pss-sha512"})
# No label, or hs2019: the key type decides (cavage-12 section 2.1.3, RFC 9421 3.2).
_KEY_DECIDES: frozenset[str | None] = frozenset({None, "hs2019"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_DIGESTS: dict[str, Callable[[bytes], bytes]] = {
    "sha-256": lambda body: hashlib.sha256(body).digest(),
    "sha-512": lambda body: hashlib.sha512(body).digest(),
}
# key="quoted" or key=123, comma separated (cavage-12 section 2.1).
_CAVAGE_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([0-9]+))\s*(?:,|$)')


@dataclass(frozen=True)
class SignatureInfo:
    """A parsed, not yet verified, signature of one request."""

    key_id: str
    scheme: Literal["cavage", "rfc9421"]
    algorithm: str | None
    # cavage: lowercase header names; RFC 9421: serialized component identifiers.
    components: tuple[str, ...]
    signature: bytes = field(repr=False)
    created: int | None = None
    expires: int | None = None
    signature_params: str = ""  # RFC 9421 only: the "@signature-params" value

    @functools.cached_property
    def covered(self) -> frozenset[str]:
        """Covered component names without quotes or parameters (computed once)."""
        return frozenset(c.split(";", 1)[0].strip('"') for c in self.components)


def compute_digest(body: bytes) -> str:
    """Return the `Digest` header value Mastodon expects for `body`."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


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
    message = _cavage_string(components, method, path_qs, fields, None, None)
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


def parse_signature(
    method: str, path_qs: str, headers: Mapping[str, str]
) -> SignatureInfo:
    """Read the request's signature parameters so the caller can fetch the key.

    Nothing is verified here; `method` and `path_qs` are accepted for symmetry
    with `verify_signature`. Unsupported algorithms are refused now, before
    any key fetch.

    Raises:
        SignatureError: the request is unsigned or the header is malformed.
    """
    fields = _header_fields(headers)
    if "signature-input" in fields:
        return _parse_rfc9421(fields["signature-input"], fields.get("signature", ""))
    if "signature" in fields:
        return _parse_cavage(fields["signature"])
    scheme, _, params = fields.get("authorization", "").partition(" ")
    if scheme.lower() == "signature":
        return _parse_cavage(params)
    raise SignatureError("Request is not signed")


def verify_signature(
    info: SignatureInfo,
    method: str,
    path_qs: str,
    headers: Mapping[str, str],
    body: bytes | None,
    public_key: PublicKey,
    *,
    now: datetime | None = None,
    authority: str | None = None,
    scheme: str = "https",
) -> None:
    """Check coverage, body digest, freshness and the signature itself, in that order.

    `path_qs` must be the raw path and query as sent (aiohttp `request.raw_path`).
    `authority`, when given, is used as the signed host in place of the Host
    header, so a proxy rewriting Host does not break verification and a request
    signed for another server cannot be replayed here.

    Raises:
        SignatureError: the message says which check failed.
    """
    fields = _header_fields(headers)
    has_body = method.upper() in _BODY_METHODS or bool(body)
    _check_coverage(info, path_qs, has_body)
    _check_digest(info, fields, body or b"", has_body)
    _check_time_window(info, fields, now or datetime.now(UTC))
    message = _signed_bytes(info, method, path_qs, fields, authority, scheme)
    verify_bytes(
        info.algorithm, public_key, message, info.signature, scheme=info.scheme
    )


def signing_string(
    info: SignatureInfo,
    method: str,
    path_qs: str,
    headers: Mapping[str, str],
    *,
    authority: str | None = None,
    scheme: str = "https",
) -> bytes:
    """Build the bytes that were signed: the cavage signing string or RFC 9421 base."""
    return _signed_bytes(
        info, method, path_qs, _header_fields(headers), authority, scheme
    )


def _signed_bytes(
    info: SignatureInfo,
    method: str,
    path_qs: str,
    fields: dict[str, str],
    authority: str | None,
    scheme: str,
) -> bytes:
    # `fields` is already the lower-cased header map; it is read, never kept.
    if authority is not None:
        fields = {**fields, "host": authority}
    if info.scheme == "cavage":
        text = _cavage_string(
            info.components, method, path_qs, fields, info.created, info.expires
        )
        return text.encode()
    try:
        return _rfc9421_base(info, method, path_qs, fields, scheme).encode("ascii")
    except UnicodeEncodeError as exc:
        raise SignatureError("Signed components are not ASCII") from exc


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


def _header_fields(headers: Mapping[str, str]) -> dict[str, str]:
    """Lowercase names; repeated headers joined with ", " (cavage-12 section 2.3)."""
    fields: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        fields[key] = (
            f"{fields[key]}, {value.strip()}" if key in fields else value.strip()
        )
    return fields


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


def _parse_cavage(value: str) -> SignatureInfo:
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


def _parse_rfc9421(signature_input: str, signature: str) -> SignatureInfo:
    try:
        inputs = http_sf.parse(signature_input.encode("latin-1"), tltype="dictionary")
        values = http_sf.parse(signature.encode("latin-1"), tltype="dictionary")
    except (ValueError, UnicodeEncodeError) as exc:
        raise SignatureError("Signature-Input header is malformed") from exc
    if not isinstance(inputs, dict) or not isinstance(values, dict) or not inputs:
        raise SignatureError("Signature-Input header is malformed")
    label, member = next(iter(inputs.items()))  # the first signature only
    sig = values.get(label)
    if not (isinstance(member, tuple) and isinstance(member[0], list)):
        raise SignatureError(
            "Signature-Input header is malformed", detail="not an inner list"
        )
    if not (isinstance(sig, tuple) and isinstance(sig[0], bytes)):
        raise SignatureError(
            "Signature header is malformed", detail=f"no bytes for {label}"
        )
    items, params = member[0], member[1]
    keyid, alg = params.get("keyid"), params.get("alg")
    created, expires = params.get("created"), params.get("expires")
    components = tuple(ser_item(item) for item in items)
    if (
        not isinstance(keyid, str)
        or not all(
            isinstance(item, tuple) and isinstance(item[0], str) for item in items
        )
        or len(set(components)) != len(components)
        or not all(v is None or type(v) is int for v in (created, expires))
    ):
        raise SignatureError("Signature-Input header is malformed")
    if alg is not None and alg not in RFC9421_ALGORITHMS:
        raise SignatureError(
            "Signature algorithm is not supported", detail=str(alg)[:40]
        )
    return SignatureInfo(
        key_id=keyid,
        scheme="rfc9421",
        algorithm=alg if isinstance(alg, str) else None,
        components=components,
        signature=sig[0],
        created=created if isinstance(created, int) else None,
        expires=expires if isinstance(expires, int) else None,
        signature_params=ser_innerlist(member),
    )


def _check_coverage(info: SignatureInfo, path_qs: str, has_body: bool) -> None:
    """Refuse signatures that leave out what an attacker could otherwise swap."""
    covered = info.covered
    if info.scheme == "cavage":
        needed = [["(request-target)"], ["host"], ["date", "(created)"]]
        needed += [["digest", "content-digest"]] if has_body else []
        label = "headers"
    else:
        if info.created is None:
            raise SignatureError("Signature is missing the created parameter")
        needed = [["@method"], *_rfc9421_target(covered, path_qs)]
        needed += [["content-digest", "digest"]] if has_body else []
        label = "components"
    missing = [names[0] for names in needed if not covered.intersection(names)]
    if missing:
        raise SignatureError(
            f"{label} required to be signed are missing: {', '.join(missing)}"
        )


def _rfc9421_target(covered: frozenset[str], path_qs: str) -> list[list[str]]:
    """ "@target-uri", or "@authority" plus the path (and query, when there is one)."""
    if "@target-uri" in covered:
        return []
    needed = [["@authority"], ["@path", "@request-target"]]
    return needed + ([["@query", "@request-target"]] if "?" in path_qs else [])


def _check_digest(
    info: SignatureInfo, fields: Mapping[str, str], body: bytes, has_body: bool
) -> None:
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


def _check_time_window(
    info: SignatureInfo, fields: Mapping[str, str], now: datetime
) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    created = _signed_at(info, fields)
    if created - now > CLOCK_SKEW:
        raise SignatureError(
            "Date is outside the accepted window", detail="in the future"
        )
    if now - created >= EXPIRATION_WINDOW + CLOCK_SKEW:
        raise SignatureError("Date is outside the accepted window", detail="too old")
    # Skew applies to expires too, as in Mastodon, so a slow sender clock is tolerated.
    if info.expires is not None and now > _from_epoch(info.expires) + CLOCK_SKEW:
        raise SignatureError("Signature has expired")


def _signed_at(info: SignatureInfo, fields: Mapping[str, str]) -> datetime:
    # Cavage parameters are only signed when "(created)" is covered; RFC 9421
    # always signs them through "@signature-params".
    if info.scheme == "rfc9421" or "(created)" in info.covered:
        if info.created is None:
            raise SignatureError("Signature is missing the created parameter")
        return _from_epoch(info.created)
    if "date" not in fields:
        raise SignatureError("Date header missing")
    try:
        moment = parsedate_to_datetime(fields["date"])
    except (TypeError, ValueError) as exc:
        raise SignatureError("Date header is malformed") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _from_epoch(seconds: int) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise SignatureError("Signature timestamp is out of range") from exc


def _cavage_string(
    components: tuple[str, ...],
    method: str,
    path_qs: str,
    fields: Mapping[str, str],
    created: int | None,
    expires: int | None,
) -> str:
    pseudo = {
        "(request-target)": f"{method.lower()} {path_qs}",
        "(created)": None if created is None else str(created),
        "(expires)": None if expires is None else str(expires),
    }
    lines = []
    for name in components:
        value = pseudo[name] if name in pseudo else fields.get(name)
        if value is None:
            raise SignatureError(f"Signed header is missing: {name}")
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


@dataclass(frozen=True)
class _RequestView:
    """The request shape `HTTPSignatureComponentResolver` reads."""

    method: str
    url: str
    headers: Mapping[str, str]


def _rfc9421_base(
    info: SignatureInfo,
    method: str,
    path_qs: str,
    fields: Mapping[str, str],
    scheme: str,
) -> str:
    if "host" not in fields:
        raise SignatureError("Host header missing")
    # Imported here: it pulls in `requests`, which only RFC 9421 senders need,
    # and fedcity's start-up time and idle memory are budgets.
    from http_message_signatures import (
        HTTPMessageSignaturesException,
        HTTPSignatureComponentResolver,
    )

    view = _RequestView(method.upper(), f"{scheme}://{fields['host']}{path_qs}", fields)
    lines = []
    try:
        resolver = HTTPSignatureComponentResolver(view)  # type: ignore[no-untyped-call]
        for component in info.components:
            node = Item()
            node.parse(component.encode("ascii"))
            value = str(resolver.resolve(node))
            if "\n" in value or "\r" in value:
                raise SignatureError("Signed component contains a newline")
            lines.append(f"{component}: {value}")
    except (HTTPMessageSignaturesException, ValueError) as exc:
        raise SignatureError(
            "Signed component cannot be resolved", detail=str(exc)
        ) from exc
    lines.append(f'"@signature-params": {info.signature_params}')
    return "\n".join(lines)
