"""`GET /api/v1/fedcity/search`: the library's items, local and remote, found by
words and filters (services.library.search; docs/library.md "Search").

With words, results go best first and are paged by `offset` (a rank is no order
an id could continue, and ranks move as items come and go); without, newest
first, paged by `max_id` / `min_id` as the lists are, which new items do not
shift. Either way the `Link` header says where the next and previous pages are,
so a client follows it without knowing which."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, optional_account
from fedcity.api.entities.library import serialize_item
from fedcity.api.library.items import DEFAULT_LIMIT, MAX_LIMIT
from fedcity.api.pagination import link_header, offset_link_header
from fedcity.appkeys import FEDERATION
from fedcity.services.library.search import PARAMETERS, parse_search, search_library


async def search(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    asked = parse_search({k: str(p[k]) for k in PARAMETERS if k in p})
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    offset = params.offset(p) if asked.ranked else 0
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        views = await search_library(session, viewer, asked, page, offset)
    urls = request.app[FEDERATION].urls
    response = web.json_response([serialize_item(v, urls) for v in views])
    link = (
        offset_link_header(request, offset, page.limit, len(views))
        if asked.ranked
        else link_header(request, [v.item.id for v in views])
    )
    if link:
        response.headers["Link"] = link
    return response
