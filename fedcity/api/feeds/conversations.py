"""/api/v1/conversations: direct-message conversations, their read state and hiding."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.feeds import serialize_conversations
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION
from fedcity.services.feeds import conversations


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:statuses")
        rows = await conversations.list_conversations(session, me, params.page(p))
        items = await serialize_conversations(
            session, rows, me, request.app[FEDERATION].urls
        )
    return paged_response(request, items, [r.last_status.id for r in rows])


async def read(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:conversations")
        row = await conversations.get_conversation(session, me, params.path_id(request))
        row = await conversations.mark_read(session, me, row)
        items = await serialize_conversations(
            session, [row], me, request.app[FEDERATION].urls
        )
    return web.json_response(items[0])


async def delete(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:conversations")
        row = await conversations.get_conversation(session, me, params.path_id(request))
        await conversations.hide(session, me, row)
    return web.json_response({})
