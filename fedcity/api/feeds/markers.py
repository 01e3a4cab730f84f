"""/api/v1/markers: saved reading positions of home and notifications."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.feeds import serialize_marker
from fedcity.errors import Unprocessable
from fedcity.ids import parse_id
from fedcity.services.feeds import markers


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:statuses")
        rows = await markers.get_markers(session, me, params.list_param(p, "timeline"))
    return web.json_response({row.timeline: serialize_marker(row) for row in rows})


async def save(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    positions = _positions(p)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:statuses")
        rows = await markers.save_markers(session, me, positions)
    return web.json_response({row.timeline: serialize_marker(row) for row in rows})


def _positions(p: MultiDict[Any]) -> dict[str, int]:
    """home[last_read_id]=… (form) or {"home": {"last_read_id": …}} (JSON)."""
    found: dict[str, Any] = {}
    for timeline in markers.TIMELINES:
        nested = p.get(timeline)
        if isinstance(nested, dict) and "last_read_id" in nested:
            found[timeline] = nested["last_read_id"]
        elif f"{timeline}[last_read_id]" in p:
            found[timeline] = p[f"{timeline}[last_read_id]"]
    ids = {timeline: parse_id(value) for timeline, value in found.items()}
    if None in ids.values():
        raise Unprocessable("Validation failed: last_read_id must be an id")
    return {timeline: i for timeline, i in ids.items() if i is not None}
