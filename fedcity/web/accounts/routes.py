"""The routes of signing in and of the settings pages."""

from __future__ import annotations

from aiohttp import web

from fedcity.web.accounts import sign_in, two_factor


def add_routes(app: web.Application) -> None:
    sign_in.add_routes(app)
    two_factor.add_routes(app)
