"""/api/v2/filters… (with keywords and statuses), /api/v1/filters (read-only, v1
shape), and `filtered_page`, which applies the viewer's filters to a timeline page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web
from multidict import MultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.feeds import (
    add_filter_results,
    serialize_filter,
    serialize_filter_keyword,
    serialize_filter_status,
    serialize_v1_filters,
)
from fedcity.api.entities.formats import Entity
from fedcity.api.entities.statuses import serialize_statuses
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION
from fedcity.errors import Unprocessable
from fedcity.ids import parse_id
from fedcity.services.feeds import filtering, filters
from fedcity.services.statuses.visibility import get_visible_post
from fedcity.storage.models import Actor, Post
from fedcity.urls import Urls


async def filtered_statuses(
    session: AsyncSession,
    posts: Sequence[Post],
    viewer: Actor | None,
    context: str,
    urls: Urls,
) -> list[Entity]:
    """Status entities with the viewer's filters for `context` applied: `hide`
    matches are left out, `warn` matches carry `filtered`. Timelines, threads and
    the streams all serialise through here."""
    kept, warned = await filtering.apply_filters(session, viewer, posts, context)
    items = await serialize_statuses(session, kept, viewer, urls)
    add_filter_results(items, [p.id for p in kept], warned)
    return items


async def filtered_page(
    request: web.Request,
    session: AsyncSession,
    posts: Sequence[Post],
    viewer: Actor | None,
    context: str,
) -> web.Response:
    """A timeline page with the viewer's filters for `context` applied. The Link
    header still pages over every post read, so paging goes on past filtered ones."""
    urls = request.app[FEDERATION].urls
    items = await filtered_statuses(session, posts, viewer, context, urls)
    return paged_response(request, items, [p.id for p in posts])


# --- parameters ---------------------------------------------------------------------


def expires_in(p: MultiDict[Any]) -> int | None:
    if "expires_in" not in p:
        return None
    return params.seconds(p, "expires_in") or 0


def _keyword_changes(p: MultiDict[Any]) -> list[filters.KeywordChange]:
    return [_keyword_change(i) for i in params.attribute_list(p, "keywords_attributes")]


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "t", "on", "yes")


def _keyword_change(item: dict[str, Any]) -> filters.KeywordChange:
    return filters.KeywordChange(
        id=parse_id(item.get("id")),
        keyword=str(item["keyword"]) if "keyword" in item else None,
        whole_word=_truthy(item["whole_word"]) if "whole_word" in item else None,
        destroy=_truthy(item.get("_destroy", False)),
    )


def _fields(p: MultiDict[Any]) -> filters.FilterFields:
    contexts = params.list_param(p, "context")
    return filters.FilterFields(
        title=str(p["title"]) if "title" in p else None,
        contexts=contexts if contexts else None,
        action=str(p["filter_action"]) if p.get("filter_action") else None,
        expires_in=expires_in(p),
        keywords=_keyword_changes(p),
    )


# --- filters ------------------------------------------------------------------------


async def index(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:filters")
        rows = await filters.list_filters(session, me)
    return web.json_response([serialize_filter(r) for r in rows])


async def index_v1(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:filters")
        rows = await filters.list_filters(session, me)
    return web.json_response(serialize_v1_filters(rows))


async def create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        loaded = await filters.create_filter(session, me, _fields(p))
    return web.json_response(serialize_filter(loaded))


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:filters")
        loaded = await filters.load_filter(session, me, params.path_id(request))
    return web.json_response(serialize_filter(loaded))


async def update(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        loaded = await filters.load_filter(session, me, params.path_id(request))
        await filters.update_filter(session, loaded, _fields(p))
        loaded = await filters.load_filter(session, me, loaded.filter.id)
    return web.json_response(serialize_filter(loaded))


async def delete(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        loaded = await filters.load_filter(session, me, params.path_id(request))
        await filters.delete_filter(session, loaded)
    return web.json_response({})


# --- keywords -----------------------------------------------------------------------


async def keywords(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:filters")
        loaded = await filters.load_filter(session, me, params.path_id(request))
    return web.json_response([serialize_filter_keyword(k) for k in loaded.keywords])


async def keywords_add(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        loaded = await filters.load_filter(session, me, params.path_id(request))
        item = await filters.add_keyword(
            session,
            loaded.filter,
            str(p.get("keyword", "")),
            params.boolean(p, "whole_word", True),
        )
    return web.json_response(serialize_filter_keyword(item))


async def keyword_show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:filters")
        item = await filters.get_keyword(session, me, params.path_id(request))
    return web.json_response(serialize_filter_keyword(item))


async def keyword_update(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        item = await filters.get_keyword(session, me, params.path_id(request))
        filters.update_keyword(
            item,
            str(p["keyword"]) if "keyword" in p else None,
            params.boolean(p, "whole_word") if "whole_word" in p else None,
        )
    return web.json_response(serialize_filter_keyword(item))


async def keyword_delete(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        item = await filters.get_keyword(session, me, params.path_id(request))
        await filters.delete_keyword(session, item)
    return web.json_response({})


# --- statuses -----------------------------------------------------------------------


async def statuses(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:filters")
        loaded = await filters.load_filter(session, me, params.path_id(request))
    return web.json_response([serialize_filter_status(s) for s in loaded.statuses])


async def statuses_add(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        loaded = await filters.load_filter(session, me, params.path_id(request))
        status_id = params.reference_id(p, "status_id")
        if status_id is None:
            raise Unprocessable("Validation failed: Status can't be blank")
        post = await get_visible_post(session, me, status_id)
        item = await filters.add_status(session, loaded.filter, post)
    return web.json_response(serialize_filter_status(item))


async def status_show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:filters")
        item = await filters.get_status(session, me, params.path_id(request))
    return web.json_response(serialize_filter_status(item))


async def status_delete(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:filters")
        item = await filters.get_status(session, me, params.path_id(request))
        await filters.delete_status(session, item)
    return web.json_response({})
