"""`/api/v1/fedcity/admin/seats/{account_id}/…`: seat accounts and succession for
admins' apps (issue 11), the same calls as `fedcity official
holder|holders|handover|export`. Gated as `/api/v1/fedcity/admin/offices`: admins
and the owner, with `admin:read` to read and `admin:write` to change."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_admin
from fedcity.api.entities.formats import Entity
from fedcity.api.entities.seats import serialize_holder
from fedcity.api.entities.statuses import serialize_account
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.errors import Unprocessable
from fedcity.services.offices import seat_records, seats
from fedcity.storage.models import SeatHolder
from fedcity.web.offices.records import render_records


def _text(p: Any, key: str) -> str | None:
    value = p.get(key)
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _holder(request: web.Request, holder: SeatHolder | None) -> Entity | None:
    return (
        None
        if holder is None
        else serialize_holder(holder, request.app[FEDERATION].urls)
    )


async def holders(request: web.Request) -> web.Response:
    seat_id = params.path_id(request)
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read")
        seat = await seats.seat_by_id(session, seat_id)
        body = [_holder(request, h) for h in await seats.holders(session, seat)]
    return web.json_response(body)


async def add_holder(request: web.Request) -> web.Response:
    seat_id = params.path_id(request)
    p = await params.read_params(request)
    async with api_session(request) as session:
        await require_admin(request, session, "admin:write")
        seat = await seats.seat_by_id(session, seat_id)
        made = await seats.set_holder(session, seat, _text(p, "name") or "")
        body = _holder(request, made)
    return web.json_response(body)


async def handover(request: web.Request) -> web.Response:
    seat_id = params.path_id(request)
    p = await params.read_params(request)
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write")
        seat = await seats.seat_by_id(session, seat_id)
        done = await seats.handover(
            session,
            seat,
            by=me,
            successor=_text(p, "successor"),
            archive_as=_text(p, "archive_as"),
        )
        body = {
            "account": serialize_account(seat, urls),
            "closed": _holder(request, done.closed),
            "opened": _holder(request, done.opened),
            "sign_in_url": urls.base + seats.link_path(done.token),
            "expires_at": done.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ended_sessions": done.ended_sessions,
            "revoked_tokens": done.revoked_tokens,
            "cancelled_scheduled_statuses": done.cancelled_scheduled,
        }
    response = web.json_response(body)
    response.headers["Cache-Control"] = "no-store"  # it carries the link
    return response


async def export(request: web.Request) -> web.Response:
    seat_id = params.path_id(request)
    holder_id = params.path_id(request, "holder_id")
    p = await params.read_params(request)
    shape = _text(p, "format") or "json"
    if shape not in ("json", "html"):
        raise Unprocessable("Validation failed: format must be json or html")
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read")
        seat = await seats.seat_by_id(session, seat_id)
        found = await seat_records.records(session, seat, holder_id)
        document = seat_records.document(
            found, request.app[FEDERATION].urls, request.app[SETTINGS].instance.domain
        )
    if shape == "json":
        return web.json_response(document)
    language = _text(p, "lang") or "en"
    return web.Response(
        text=render_records(document, language), content_type="text/html"
    )
