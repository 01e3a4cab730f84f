"""Featured hashtags: /api/v1/featured_tags (list, create, delete, suggestions),
/api/v1/accounts/:id/featured_tags and /api/v1/tags/:name/feature|unfeature."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.accounts.accounts import load_account
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.api.entities.accounts import serialize_featured_tag, serialize_tag_for
from fedcity.appkeys import FEDERATION
from fedcity.errors import BadRequest
from fedcity.services.accounts import featured_tags
from fedcity.services.discovery import tags


async def index(request: web.Request) -> web.Response:
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, "read:accounts")
        items = await featured_tags.featured_tags(session, me)
    return web.json_response([serialize_featured_tag(i, me, urls) for i in items])


async def account_index(request: web.Request) -> web.Response:
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        await optional_account(request, session)
        actor = await load_account(session, request)
        items = await featured_tags.featured_tags(session, actor)
    return web.json_response([serialize_featured_tag(i, actor, urls) for i in items])


async def create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    name = str(p.get("name") or "")
    if not name.strip():  # Rails' ParameterMissing, as Mastodon answers it
        raise BadRequest("param is missing or the value is empty: name")
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        item = await featured_tags.feature(session, me, name)
        body = serialize_featured_tag(item, me, request.app[FEDERATION].urls)
    return web.json_response(body)


async def delete(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        await featured_tags.unfeature(session, me, params.path_id(request))
    return web.json_response({})


async def suggestions(request: web.Request) -> web.Response:
    """Tags one used lately and does not feature yet, as Tag entities."""
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, "read:accounts")
        body = [
            serialize_tag_for(
                tag,
                urls,
                following=await tags.is_following(session, me, tag),
                featuring=False,
            )
            for tag in await featured_tags.suggestions(session, me)
        ]
    return web.json_response(body)


async def feature(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        tag = await featured_tags.feature_tag(session, me, request.match_info["name"])
        following = await tags.is_following(session, me, tag)
    urls = request.app[FEDERATION].urls
    return web.json_response(
        serialize_tag_for(tag, urls, following=following, featuring=True)
    )


async def unfeature(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        tag = await featured_tags.unfeature_tag(session, me, request.match_info["name"])
        following = await tags.is_following(session, me, tag)
    urls = request.app[FEDERATION].urls
    return web.json_response(
        serialize_tag_for(tag, urls, following=following, featuring=False)
    )
