"""Signed GETs of remote ActivityPub documents, checked against where they came from."""

from __future__ import annotations

import logging
from typing import Any

import orjson

from fedcity.errors import FetchError, Gone
from fedcity.federation.context import Federation
from fedcity.federation.jsonld.normalization import normalize
from fedcity.federation.signatures.cavage import sign_request
from fedcity.federation.vocab import ACCEPT_AS2, Document, is_http_url, same_origin

log = logging.getLogger(__name__)


async def fetch_document(fed: Federation, url: str) -> Document:
    """GET `url` signed by the instance actor; the id must be on the same origin."""
    if not is_http_url(url):
        raise FetchError("refused", detail=f"not an http(s) URL: {url!r}")
    body, final_url = await _get_json(fed, url)
    doc = normalize(body)
    doc_id = doc.get("id")
    if not isinstance(doc_id, str) or not same_origin(doc_id, final_url):
        raise FetchError(
            "invalid", detail=f"{url} served a document whose id is on another origin"
        )
    return doc


async def fetch_json(fed: Federation, url: str, accept: str) -> dict[str, Any]:
    """GET a JSON document unsigned (WebFinger, NodeInfo)."""
    response = await fed.transport.get(
        url, {"Accept": accept}, max_bytes=fed.settings.federation.max_fetch_bytes
    )
    return _decode(response.status, response.body, url)


async def _get_json(fed: Federation, url: str) -> tuple[dict[str, Any], str]:
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
    return _decode(response.status, response.body, url), response.url


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
