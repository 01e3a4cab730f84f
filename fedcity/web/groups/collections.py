"""A group's collections beyond an account's: its moderators (its `attributedTo`
and `moderators`, FEP-1b12; Lemmy reads the moderators from it), and its
`featured` collection, which lists its pinned threads."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB, FEDERATION
from fedcity.federation.render.collections import render_collection
from fedcity.services.groups import groups, moderation
from fedcity.storage.models import Actor
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


async def featured_get(request: web.Request, actor: Actor) -> web.Response:
    """The root posts of the group's pinned threads, by id, most recently pinned
    first (the `featured` URL of a group's actor serves this, not an account's
    pinned statuses). Ids, not objects: a members-only group's posts are served
    only to members, and a thread's root may be another server's post."""
    async with request.app[DB].session() as session:
        pinned = await moderation.pinned_posts(session, actor)
    url = request.app[FEDERATION].urls.featured(actor.username)
    doc = render_collection(url, len(pinned), None)
    doc["orderedItems"] = [post.uri for post in pinned]
    return activity_response(doc)
