"""Scheduled statuses: `scheduled_at` on POST /api/v1/statuses, and
/api/v1/scheduled_statuses (list, show, reschedule, cancel)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from multidict import MultiDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.entities.statuses import serialize_media
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION
from fedcity.errors import Unprocessable
from fedcity.services.statuses import scheduled
from fedcity.storage.models import ScheduledStatus
from fedcity.storage.queries import media as media_q
from fedcity.storage.queries.lists import paged_rows
from fedcity.urls import Urls


def scheduled_at(p: MultiDict[Any]) -> datetime | None:
    """`scheduled_at` as an aware datetime (ISO 8601; no offset means UTC)."""
    raw = p.get("scheduled_at")
    if raw in (None, ""):
        return None
    try:
        when = datetime.fromisoformat(str(raw).strip())
    except ValueError:
        raise Unprocessable("Validation failed: Scheduled at is invalid") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


async def serialize_scheduled(
    session: AsyncSession, row: ScheduledStatus, urls: Urls
) -> Entity:
    return (await serialize_scheduled_list(session, [row], urls))[0]


async def serialize_scheduled_list(
    session: AsyncSession, rows: list[ScheduledStatus], urls: Urls
) -> list[Entity]:
    """ScheduledStatus entities; the media are read for all rows at once."""
    wanted = [m for row in rows for m in scheduled.media_ids_of(row)]
    media = await media_q.list_media_by_ids(session, wanted)
    return [
        {
            "id": str(row.id),
            "scheduled_at": timestamp(row.scheduled_at),
            "params": scheduled.public_params(row.params),
            "media_attachments": [
                serialize_media(media[m], urls)
                for m in scheduled.media_ids_of(row)
                if m in media and media[m].actor_id == row.actor_id
            ],
        }
        for row in rows
    ]


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, "read:statuses")
        stmt = select(ScheduledStatus.id, ScheduledStatus).where(
            ScheduledStatus.actor_id == me.id
        )
        rows = await paged_rows(session, stmt, ScheduledStatus.id, params.page(p))
        items = await serialize_scheduled_list(session, [r for _, r in rows], urls)
    return paged_response(request, items, [row_id for row_id, _ in rows])


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:statuses")
        row = await scheduled.get_own(session, me, params.path_id(request))
        body = await serialize_scheduled(session, row, request.app[FEDERATION].urls)
    return web.json_response(body)


async def update(request: web.Request) -> web.Response:
    """Only `scheduled_at` can change (as in Mastodon)."""
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:statuses")
        row = await scheduled.get_own(session, me, params.path_id(request))
        when = scheduled_at(p)
        if when is not None:
            await scheduled.reschedule(session, me, row, when)
        body = await serialize_scheduled(session, row, request.app[FEDERATION].urls)
    return web.json_response(body)


async def delete(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:statuses")
        row = await scheduled.get_own(session, me, params.path_id(request))
        await scheduled.cancel(session, row)
    return web.json_response({})
