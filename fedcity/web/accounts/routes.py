"""The routes of signing in and of the settings pages."""

from __future__ import annotations

from aiohttp import web

from fedcity.web import rate_limits
from fedcity.web.accounts import (
    access,
    export,
    preferences,
    profile,
    sign_in,
    sign_up,
    two_factor,
)


async def settings_home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/settings/profile")


def add_routes(app: web.Application) -> None:
    rate_limits.setup(app)
    app.router.add_get("/settings", settings_home)
    sign_in.add_routes(app)
    sign_up.add_routes(app)
    profile.add_routes(app)
    preferences.add_routes(app)
    access.add_routes(app)
    two_factor.add_routes(app)
    export.add_routes(app)
