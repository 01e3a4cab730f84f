"""Mastodon's paging: the `Link` header with next (max_id) and prev (min_id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from fedcity.appkeys import FEDERATION


def link_header(request: web.Request, ids: Sequence[int]) -> str | None:
    """`ids` newest first, as the page is shown."""
    if not ids:
        return None
    base = request.app[FEDERATION].urls.base + request.path
    keep = {
        k: v
        for k, v in request.query.items()
        if k not in ("max_id", "min_id", "since_id")
    }
    next_url = f"{base}?{urlencode({**keep, 'max_id': str(ids[-1])})}"
    prev_url = f"{base}?{urlencode({**keep, 'min_id': str(ids[0])})}"
    return f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'


def paged_response(
    request: web.Request, items: list[Any], ids: Sequence[int]
) -> web.Response:
    response = web.json_response(items)
    link = link_header(request, ids)
    if link:
        response.headers["Link"] = link
    return response


def offset_link_header(
    request: web.Request, offset: int, limit: int, count: int
) -> str | None:
    """Links of an offset-paged list (ranked results, which no id can continue):
    next while the page was full, prev unless this is the first page."""
    base = request.app[FEDERATION].urls.base + request.path
    keep = {k: v for k, v in request.query.items() if k != "offset"}
    links = []
    if count >= limit:
        links.append((offset + limit, "next"))
    if offset > 0:
        links.append((max(0, offset - limit), "prev"))
    return (
        ", ".join(
            f'<{base}?{urlencode({**keep, "offset": str(at)})}>; rel="{rel}"'
            for at, rel in links
        )
        or None
    )
