"""The notification policy (/api/v2/notifications/policy) and notification
requests (/api/v1/notifications/requests…)."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.notifications import (
    serialize_policy,
    serialize_requests,
)
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION
from fedcity.services.notifications import policy as notification_policy
from fedcity.services.notifications import requests as notification_requests

REQUESTS_LIMIT = (40, 80)


async def policy_show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:notifications")
        row = await notification_policy.get_policy(session, me)
        summary = await notification_policy.summarize(session, me)
    return web.json_response(serialize_policy(row, summary))


async def policy_update(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    changes = {
        name: str(p[name]) for name in notification_policy.POLICY_FIELDS if name in p
    }
    async with api_session(request) as session:
        me = await require_account(request, session, "write:notifications")
        row = await notification_policy.update_policy(session, me, changes)
        summary = await notification_policy.summarize(session, me)
    return web.json_response(serialize_policy(row, summary))


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:notifications")
        rows = await notification_requests.list_requests(
            session, me, params.page(p, *REQUESTS_LIMIT)
        )
        items = await serialize_requests(
            session, rows, me, request.app[FEDERATION].urls
        )
    return paged_response(request, items, [row.id for row in rows])


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:notifications")
        row = await notification_requests.get_request(
            session, me, params.path_id(request)
        )
        items = await serialize_requests(
            session, [row], me, request.app[FEDERATION].urls
        )
    return web.json_response(items[0])


async def accept(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:notifications")
        row = await notification_requests.get_request(
            session, me, params.path_id(request)
        )
        await notification_requests.accept(session, row)
    return web.json_response({})


async def dismiss(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:notifications")
        row = await notification_requests.get_request(
            session, me, params.path_id(request)
        )
        await notification_requests.dismiss(session, row)
    return web.json_response({})


async def accept_many(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    ids = params.found_ids(p, "id")
    async with api_session(request) as session:
        me = await require_account(request, session, "write:notifications")
        await notification_requests.accept_many(session, me, ids)
    return web.json_response({})


async def dismiss_many(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    ids = params.found_ids(p, "id")
    async with api_session(request) as session:
        me = await require_account(request, session, "write:notifications")
        await notification_requests.dismiss_many(session, me, ids)
    return web.json_response({})


async def merged(request: web.Request) -> web.Response:
    """Accepted requests are merged in the request that accepts them, so the
    answer is always yes."""
    async with api_session(request) as session:
        await require_account(request, session, "read:notifications")
    return web.json_response({"merged": True})
