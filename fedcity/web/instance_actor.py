"""The instance actor's documents (`/actor`, its outbox, its published allow list):
the server itself as an ActivityPub `Application`, which signs fetches, attests
offices, lists the library items published here and publishes what this
instance federates with. Its inbox is the shared
inbox's handler (`web.activitypub`)."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import NotFound
from fedcity.federation.allow_lists import allow_list_url, render_allow_list
from fedcity.federation.library.collection import (
    render_library_outbox,
    render_library_outbox_page,
)
from fedcity.federation.render.actors import render_actor
from fedcity.ids import parse_id
from fedcity.storage.queries import actors as q
from fedcity.web.negotiation import activity_response


async def instance_actor_outbox(request: web.Request) -> web.Response:
    """The instance actor's outbox: the Creates of every library item published
    here (federation.library.collection), which a new subscriber reads."""
    fed = request.app[FEDERATION]
    async with request.app[DB].session() as session:
        if "page" not in request.query:
            doc = await render_library_outbox(fed, session)
        else:
            max_id = parse_id(request.query.get("max_id"))
            doc = await render_library_outbox_page(fed, session, max_id)
    return activity_response(doc)


async def instance_actor_get(request: web.Request) -> web.Response:
    fed = request.app[FEDERATION]
    async with request.app[DB].session() as session:
        actor = await q.get_actor_by_uri(session, fed.urls.instance_actor)
    if actor is None:
        raise NotFound()
    keys = [fed.assertion_key.multikey()]
    doc = render_actor(actor, fed.urls, assertion_methods=keys)
    doc["streams"] = [allow_list_url(fed)]  # the published allow list (issue 12)
    return activity_response(doc)


async def instance_allow_list(request: web.Request) -> web.Response:
    """The domains this instance federates with, signed (federation.allow_lists)."""
    return activity_response(await render_allow_list(request.app[FEDERATION]))


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/actor", instance_actor_get)
    r.add_get("/actor/outbox", instance_actor_outbox)
    r.add_get("/actor/allowlist", instance_allow_list)
