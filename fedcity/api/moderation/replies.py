"""`POST /api/v1/fedcity/statuses/{id}/remove_reply|restore_reply`: the author of a
post takes a reply to it out of its thread, or puts it back (fedcity's own; see
services.moderation.replies). Answers the reply's Status entity."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.statuses import serialize_one_status
from fedcity.appkeys import FEDERATION
from fedcity.services.moderation import replies
from fedcity.services.statuses.visibility import get_visible_post


async def _change(request: web.Request, *, remove: bool) -> web.Response:
    p = await params.read_params(request)
    reason = str(p.get("reason") or "").strip() or None
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, "write:statuses")
        reply = await get_visible_post(session, me, params.path_id(request))
        if remove:
            await replies.remove_reply(session, me, reply, reason)
        else:
            await replies.restore_reply(session, me, reply)
        body = await serialize_one_status(session, reply, me, urls)
    return web.json_response(body)


async def remove_reply(request: web.Request) -> web.Response:
    return await _change(request, remove=True)


async def restore_reply(request: web.Request) -> web.Response:
    return await _change(request, remove=False)
