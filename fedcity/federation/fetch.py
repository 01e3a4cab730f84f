"""Signed GETs of remote ActivityPub documents, checked against where they came from
and what they were served as. Every ActivityStreams fetch (actors, keys, objects,
collections) goes through `fetch_document`; `fetch_json` is for the other JSON
formats (WebFinger JRD, NodeInfo, oEmbed), which keep their own media types."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson

from fedcity.errors import FetchError, Gone
from fedcity.federation.context import Federation
from fedcity.federation.jsonld.normalization import normalize
from fedcity.federation.signatures.cavage import sign_request
from fedcity.federation.vocab import (
    ACCEPT_AS2,
    Document,
    is_as2_media_type,
    is_http_url,
    same_origin,
)

log = logging.getLogger(__name__)


async def fetch_document(fed: Federation, url: str) -> Document:
    """GET `url` signed by the instance actor. It must be served as ActivityStreams
    (`vocab.is_as2_media_type`) and carry an id on the origin it was served from.

    Raises:
        FetchError: refused, unreachable, a bad status, type or id.
        Gone: the document answers 410.
    """
    return await _fetch_checked(fed, url, normalize)


async def fetch_document_as_served(fed: Federation, url: str) -> Document:
    """`fetch_document` without JSON-LD normalisation: the JSON exactly as the
    peer served it, for checking an integrity proof (`federation.integrity`),
    which covers the bytes as signed. Same checks and errors."""
    return await _fetch_checked(fed, url, dict)


async def _fetch_checked(
    fed: Federation, url: str, read: Callable[[dict[str, Any]], Document]
) -> Document:
    if not is_http_url(url):
        raise FetchError("refused", detail=f"not an http(s) URL: {url!r}")
    body, final_url = await _get_json(fed, url)
    doc = read(body)
    doc_id = doc.get("id")
    if not isinstance(doc_id, str) or not same_origin(doc_id, final_url):
        raise FetchError(
            "invalid", detail=f"{url} served a document whose id is on another origin"
        )
    return doc


def check_policy(fed: Federation, url: str) -> None:
    """Nothing is fetched from a domain this instance does not federate with.

    Raises:
        FetchError: refused, with the reason.
    """
    policy = fed.policy.current
    if policy.refuses(url):
        raise FetchError("refused", detail=policy.reason(url))


async def fetch_json(fed: Federation, url: str, accept: str) -> dict[str, Any]:
    """GET a JSON document unsigned (WebFinger, NodeInfo)."""
    check_policy(fed, url)
    response = await fed.transport.get(
        url, {"Accept": accept}, max_bytes=fed.settings.federation.max_fetch_bytes
    )
    return _decode(response.status, response.body, url)


async def _get_json(fed: Federation, url: str) -> tuple[dict[str, Any], str]:
    check_policy(fed, url)
    headers = sign_request(
        "GET",
        url,
        key_id=fed.instance_key.key_id,
        private_key=fed.instance_key.private_key,
        headers={"Accept": ACCEPT_AS2},
    )
    response = await fed.transport.get(
        url, headers, max_bytes=fed.settings.federation.max_fetch_bytes
    )
    doc = _decode(response.status, response.body, url)
    served_as = response.headers.get("Content-Type", "")
    if not is_as2_media_type(served_as):
        raise FetchError(
            "invalid", detail=f"{url} is {served_as[:80]!r}, not ActivityStreams"
        )
    return doc, response.url


def _decode(status: int, body: bytes, url: str) -> dict[str, Any]:
    if status == 410:
        raise Gone(detail=url)
    if not 200 <= status < 300:
        raise FetchError("bad status", detail=f"{url} answered {status}")
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise FetchError("invalid", detail=f"{url} did not return JSON") from None
    if not isinstance(doc, dict):
        raise FetchError("invalid", detail=f"{url} did not return a JSON object")
    return doc
