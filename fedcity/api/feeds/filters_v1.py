"""/api/v1/filters/… (deprecated, still used by older apps): each v1 filter is one
keyword of a v2 filter, as in Mastodon. The list itself is `filters.index_v1`."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.feeds import serialize_v1_filter
from fedcity.api.feeds.filters import expires_in
from fedcity.services.feeds import filters


def _fields(p: MultiDict[Any]) -> filters.V1Fields:
    contexts = params.list_param(p, "context")
    return filters.V1Fields(
        phrase=str(p["phrase"]) if "phrase" in p else None,
        contexts=contexts or None,
        irreversible=params.boolean(p, "irreversible") if "irreversible" in p else None,
        whole_word=params.boolean(p, "whole_word") if "whole_word" in p else None,
        expires_in=expires_in(p),
    )


async def create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        loaded, keyword = await filters.create_v1(session, me, _fields(p))
    return web.json_response(serialize_v1_filter(loaded, keyword))


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:filters")
        loaded, keyword = await filters.load_v1(session, me, params.path_id(request))
    return web.json_response(serialize_v1_filter(loaded, keyword))


async def update(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        loaded, keyword = await filters.load_v1(session, me, params.path_id(request))
        await filters.update_v1(session, loaded, keyword, _fields(p))
    return web.json_response(serialize_v1_filter(loaded, keyword))


async def delete(request: web.Request) -> web.Response:
    """Removes the keyword; its v2 filter stays, as in Mastodon."""
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        _, keyword = await filters.load_v1(session, me, params.path_id(request))
        await filters.delete_keyword(session, keyword)
    return web.json_response({})
