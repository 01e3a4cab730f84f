""" "I'm applying" marks on a funding opportunity: mark, unmark (each answers with
the opportunity, its `applying` and `applicants_count`), and who is applying
(Account entities, latest mark first, paged with `Link` headers)."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.library import serialize_item
from fedcity.api.entities.statuses import serialize_account
from fedcity.api.library.items import DEFAULT_LIMIT, MAX_LIMIT, WRITE
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION
from fedcity.services.library import applying


async def mark(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, WRITE)
        view = await applying.mark_applying(session, me, params.path_id(request))
    return web.json_response(serialize_item(view, request.app[FEDERATION].urls))


async def unmark(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, WRITE)
        view = await applying.unmark_applying(session, me, params.path_id(request))
    return web.json_response(serialize_item(view, request.app[FEDERATION].urls))


async def applicants(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    async with api_session(request) as session:
        found = await applying.applicants(session, params.path_id(request), page)
    urls = request.app[FEDERATION].urls
    return paged_response(
        request,
        [serialize_account(actor, urls) for _, actor in found],
        [mark.id for mark, _ in found],
    )
