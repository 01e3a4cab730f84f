"""/api/v1/notifications…: the plain (ungrouped) notification list, one notification,
dismiss, clear and the unread count."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.notifications import render_notifications
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION
from fedcity.services.notifications import feed as notification_feed
from fedcity.storage.models import Actor
from fedcity.storage.queries.notifications import Scope

LIST_LIMIT = (40, 80)  # Mastodon's default and maximum page sizes
COUNT_LIMIT = (100, 1000)  # …and the cap on unread counts


def notification_scope(p: MultiDict[Any], viewer: Actor) -> Scope:
    """types[], exclude_types[], account_id and include_filtered, as Mastodon reads
    them (asking for one account's notifications includes filtered ones)."""
    return Scope(
        recipient_id=viewer.id,
        types=frozenset(params.list_param(p, "types")) or None,
        exclude_types=frozenset(params.list_param(p, "exclude_types")),
        from_actor_id=params.filter_id(p, "account_id"),
        include_filtered=params.boolean(p, "include_filtered"),
    )


def count_limit(p: MultiDict[Any]) -> int:
    default, most = COUNT_LIMIT
    return max(1, min(params.optional_int(p, "limit") or default, most))


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:notifications")
        rows = await notification_feed.list_notifications(
            session, notification_scope(p, me), params.page(p, *LIST_LIMIT)
        )
        items = await render_notifications(
            session, rows, me, request.app[FEDERATION].urls
        )
    # The Link header pages over every notification read, filtered out or not.
    return paged_response(request, items, [row.id for row in rows])


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:notifications")
        row = await notification_feed.get_notification(
            session, me, params.path_id(request)
        )
        items = await render_notifications(
            session, [row], me, request.app[FEDERATION].urls, hide=False
        )
    return web.json_response(items[0])


async def dismiss(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:notifications")
        await notification_feed.dismiss(session, me, params.path_id(request))
    return web.json_response({})


async def clear(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:notifications")
        await notification_feed.clear(session, me)
    return web.json_response({})


async def unread_count(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:notifications")
        count = await notification_feed.unread_count(
            session, notification_scope(p, me), me, count_limit(p)
        )
    return web.json_response({"count": count})
