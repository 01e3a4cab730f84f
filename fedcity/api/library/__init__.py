"""fedcity's library endpoints (issue 14, docs/library.md):
`/api/v1/fedcity/case_studies` and `/api/v1/fedcity/funding_opportunities`, the
same for both kinds, "I'm applying" marks on funding opportunities, and the
search over both (`/api/v1/fedcity/search`). Every route here, one line each,
registered by `api.routes`."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from fedcity.api.library import applying, items, search
from fedcity.web.middlewares import add_route

BASE = "/api/v1/fedcity/{section:case_studies|funding_opportunities}"
ONE = BASE + "/{id}"
FUNDING_ONE = "/api/v1/fedcity/funding_opportunities/{id}"
SEARCH = "/api/v1/fedcity/search"


def add_routes(app: web.Application) -> None:
    def route(method: str, path: str, handler: Handler) -> None:
        add_route(app, method, path, handler)

    route("GET", BASE, items.index)
    route("POST", BASE, items.create)
    route("GET", ONE, items.show)
    route("PUT", ONE, items.update)
    route("DELETE", ONE, items.withdraw)
    route("GET", ONE + "/history", items.history)
    route("GET", FUNDING_ONE + "/applying", applying.applicants)
    route("POST", FUNDING_ONE + "/applying", applying.mark)
    route("DELETE", FUNDING_ONE + "/applying", applying.unmark)
    route("GET", SEARCH, search.search)
