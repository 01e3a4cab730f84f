"""Finding things: hashtag pages, search, the library's search, and acting on
something from another server (Activity Intents, FEP-3b86)."""

from __future__ import annotations

from aiohttp import web

from fedcity.web.discovery import authorize, interact, library_search, search, tags


def add_routes(app: web.Application) -> None:
    tags.add_routes(app)
    search.add_routes(app)
    library_search.add_routes(app)
    interact.add_routes(app)
    authorize.add_routes(app)
