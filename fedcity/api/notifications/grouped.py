"""/api/v2/notifications…: grouped notifications (Mastodon 4.3, API version 2)."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.notifications import render_grouped
from fedcity.api.entities.statuses import serialize_account
from fedcity.api.notifications.notifications import (
    LIST_LIMIT,
    count_limit,
    notification_scope,
)
from fedcity.api.pagination import link_header, paged_response
from fedcity.appkeys import FEDERATION
from fedcity.errors import BadRequest
from fedcity.services.notifications import feed as notification_feed
from fedcity.services.notifications import groups as notification_groups

ACCOUNTS_LIMIT = (40, 80)


def _partial_avatars(value: str | None) -> bool:
    if value in (None, "", "full"):
        return False
    if value == "partial_avatars":
        return True
    raise BadRequest(
        "Invalid value for 'expand_accounts': '{value}', "
        "allowed values are 'full' and 'partial_avatars'",
        value=value,
    )


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    partial = _partial_avatars(p.get("expand_accounts"))
    async with api_session(request) as session:
        me = await require_account(request, session, "read:notifications")
        page = await notification_groups.grouped_page(
            session,
            notification_scope(p, me),
            params.page(p, *LIST_LIMIT),
            notification_groups.grouped_types_of(params.list_param(p, "grouped_types")),
        )
        body = await render_grouped(
            session,
            page.groups,
            me,
            request.app[FEDERATION].urls,
            partial_avatars=partial,
        )
    response = web.json_response(body)
    # Paging goes by each group's newest notification in the page, as in Mastodon.
    if link := link_header(request, page.head_ids):
        response.headers["Link"] = link
    return response


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:notifications")
        group = await notification_groups.get_group(
            session, me, request.match_info["group_key"]
        )
        body = await render_grouped(
            session, [group], me, request.app[FEDERATION].urls, hide=False
        )
    return web.json_response(body)


async def accounts(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:notifications")
        actors, ids = await notification_groups.group_accounts(
            session,
            me,
            request.match_info["group_key"],
            params.page(p, *ACCOUNTS_LIMIT),
        )
        urls = request.app[FEDERATION].urls
        items = [serialize_account(a, urls) for a in actors]
    return paged_response(request, items, ids)


async def dismiss(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:notifications")
        await notification_groups.dismiss_group(
            session, me, request.match_info["group_key"]
        )
    return web.json_response({})


async def unread_count(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:notifications")
        count = await notification_groups.unread_group_count(
            session,
            notification_scope(p, me),
            await notification_feed.last_read_id(session, me),
            count_limit(p),
            notification_groups.grouped_types_of(params.list_param(p, "grouped_types")),
        )
    return web.json_response({"count": count})
