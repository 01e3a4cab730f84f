"""Verifying an inbound request's signature, in either format: parse it, then
check coverage, body digest, freshness and the signature itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from fedcity.errors import SignatureError
from fedcity.federation.signatures.algorithms import verify_bytes
from fedcity.federation.signatures.cavage import cavage_string, parse_cavage
from fedcity.federation.signatures.common import SignatureInfo, header_fields
from fedcity.federation.signatures.digest import check_digest
from fedcity.federation.signatures.keys import PublicKey
from fedcity.federation.signatures.rfc9421 import (
    parse_rfc9421,
    rfc9421_base,
    rfc9421_target,
)

# Mastodon's SignatureVerification: a signature is good for 12 hours, and clocks
# may disagree by an hour either way.
EXPIRATION_WINDOW = timedelta(hours=12)
CLOCK_SKEW = timedelta(hours=1)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


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
    fields = header_fields(headers)
    if "signature-input" in fields:
        return parse_rfc9421(fields["signature-input"], fields.get("signature", ""))
    if "signature" in fields:
        return parse_cavage(fields["signature"])
    scheme, _, params = fields.get("authorization", "").partition(" ")
    if scheme.lower() == "signature":
        return parse_cavage(params)
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
    message = signed_message(
        info,
        method,
        path_qs,
        headers,
        body,
        now=now,
        authority=authority,
        scheme=scheme,
    )
    verify_key(info, message, public_key)


def signed_message(
    info: SignatureInfo,
    method: str,
    path_qs: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    now: datetime | None = None,
    authority: str | None = None,
    scheme: str = "https",
) -> bytes:
    """Every check no key can change (coverage, body digest, freshness), then the
    bytes that were signed. The inbox runs this before it looks the key up, so a
    request that fails here costs no key fetch (and no refetch of a cached key).

    Raises:
        SignatureError: the message says which check failed.
    """
    fields = header_fields(headers)
    has_body = method.upper() in _BODY_METHODS or bool(body)
    _check_coverage(info, path_qs, has_body)
    check_digest(info, fields, body or b"", has_body)
    _check_time_window(info, fields, now or datetime.now(UTC))
    return _signed_bytes(info, method, path_qs, fields, authority, scheme)


def verify_key(info: SignatureInfo, message: bytes, public_key: PublicKey) -> None:
    """The one check a different key could pass: the signature bytes over `message`
    (from `signed_message`) under `public_key`.

    Raises:
        SignatureError: the label does not fit the key, or the bytes do not verify.
    """
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
        info, method, path_qs, header_fields(headers), authority, scheme
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
        text = cavage_string(
            info.components, method, path_qs, fields, info.created, info.expires
        )
        return text.encode()
    try:
        return rfc9421_base(info, method, path_qs, fields, scheme).encode("ascii")
    except UnicodeEncodeError as exc:
        raise SignatureError("Signed components are not ASCII") from exc


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
        needed = [["@method"], *rfc9421_target(covered, path_qs)]
        needed += [["content-digest", "digest"]] if has_body else []
        label = "components"
    missing = [names[0] for names in needed if not covered.intersection(names)]
    if missing:
        raise SignatureError(
            "{label} required to be signed are missing: {missing}",
            label=label,
            missing=", ".join(missing),
        )


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
