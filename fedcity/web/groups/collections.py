"""A group's moderators collection: its `attributedTo` and `moderators` (FEP-1b12;
Lemmy reads the moderators from it)."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB, FEDERATION
from fedcity.federation.render.collections import render_collection
from fedcity.services.groups import groups
from fedcity.web.negotiation import activity_response


async def moderators_get(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        actor, moderators = await groups.group_moderators(
            session, request.match_info["username"]
        )
    url = request.app[FEDERATION].urls.moderators(actor.username)
    doc = render_collection(url, len(moderators), None)
    doc["orderedItems"] = [moderator.uri for moderator in moderators]
    return activity_response(doc)
