"""/api/v1/timelines/home, public and direct."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.api.entities.statuses import serialize_statuses
from fedcity.api.feeds.filters import filtered_page
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION
from fedcity.services.feeds import timelines


async def home(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:statuses")
        posts = await timelines.home(session, me, params.page(p))
        return await filtered_page(request, session, posts, me, "home")


async def public(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        posts = await timelines.public(
            session,
            params.page(p),
            local=params.boolean(p, "local"),
            remote=params.boolean(p, "remote"),
            only_media=params.boolean(p, "only_media"),
            viewer_id=viewer.id if viewer else None,
        )
        return await filtered_page(request, session, posts, viewer, "public")


async def direct(request: web.Request) -> web.Response:
    """GET /api/v1/timelines/direct (deprecated in Mastodon for conversations, but
    some apps still call it). No filter context applies to direct messages."""
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:statuses")
        posts = await timelines.direct(session, me, params.page(p))
        items = await serialize_statuses(
            session, posts, me, request.app[FEDERATION].urls
        )
    return paged_response(request, items, [post.id for post in posts])
