"""RFC 9421 HTTP message signatures: parsing `Signature-Input` and `Signature`,
the components a signature must cover, and the signature base."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import http_sf
from http_sf.compat import Item
from http_sf.innerlist import ser_innerlist
from http_sf.item import ser_item

from fedcity.errors import SignatureError
from fedcity.federation.signatures.common import SignatureInfo

RFC9421_ALGORITHMS = frozenset(
    {"rsa-v1_5-sha256", "rsa-pss-sha512", "ecdsa-p256-sha256", "ed25519"}
)


def parse_rfc9421(signature_input: str, signature: str) -> SignatureInfo:
    """Read the first signature of `Signature-Input` and its bytes in `Signature`.

    Raises:
        SignatureError: malformed, or an algorithm fedcity does not verify.
    """
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


def rfc9421_target(covered: frozenset[str], path_qs: str) -> list[list[str]]:
    """ "@target-uri", or "@authority" plus the path (and query, when there is one)."""
    if "@target-uri" in covered:
        return []
    needed = [["@authority"], ["@path", "@request-target"]]
    return needed + ([["@query", "@request-target"]] if "?" in path_qs else [])


@dataclass(frozen=True)
class _RequestView:
    """The request shape `HTTPSignatureComponentResolver` reads."""

    method: str
    url: str
    headers: Mapping[str, str]


def rfc9421_base(
    info: SignatureInfo,
    method: str,
    path_qs: str,
    fields: Mapping[str, str],
    scheme: str,
) -> str:
    """The RFC 9421 signature base (section 2.5): each covered component, then
    `@signature-params`.

    Raises:
        SignatureError: a component cannot be resolved or holds a newline.
    """
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
