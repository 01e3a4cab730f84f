"""/api/v1/tags/:name (and follow/unfollow), /api/v1/followed_tags and the hashtag
timeline /api/v1/timelines/tag/:hashtag."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.api.entities.tags import serialize_one_tag, serialize_tags
from fedcity.api.feeds.filters import filtered_page
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION
from fedcity.services.discovery import tags


def _name(request: web.Request) -> str:
    return request.match_info["name"]


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        tag = await tags.get_tag(session, _name(request))
        following = await tags.is_following(session, viewer, tag) if viewer else None
        body = await serialize_one_tag(
            session, tag, request.app[FEDERATION].urls, following=following
        )
    return web.json_response(body)


async def follow(request: web.Request) -> web.Response:
    return await _set_following(request, following=True)


async def unfollow(request: web.Request) -> web.Response:
    return await _set_following(request, following=False)


async def _set_following(request: web.Request, *, following: bool) -> web.Response:
    """Follow or unfollow the path's tag; either way, answer with the Tag."""
    change = tags.follow_tag if following else tags.unfollow_tag
    async with api_session(request) as session:
        me = await require_account(request, session, "write:follows")
        tag = await change(session, me, _name(request))
        body = await serialize_one_tag(
            session, tag, request.app[FEDERATION].urls, following=following
        )
    return web.json_response(body)


async def followed(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:follows")
        rows = await tags.followed_tags_page(
            session, me, params.page(p, default_limit=100, max_limit=200)
        )
        items = await serialize_tags(
            session,
            [t for _, t in rows],
            request.app[FEDERATION].urls,
            following={t.id: True for _, t in rows},
        )
    return paged_response(request, items, [i for i, _ in rows])


async def timeline(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        posts = await tags.timeline(
            session,
            viewer,
            params.page(p),
            any_of=[_name(request), *params.list_param(p, "any")],
            all_of=params.list_param(p, "all"),
            none_of=params.list_param(p, "none"),
            local=params.boolean(p, "local"),
            remote=params.boolean(p, "remote"),
            only_media=params.boolean(p, "only_media"),
        )
        return await filtered_page(request, session, posts, viewer, "public")
