"""Timelines as pages: /home."""

from aiohttp import web

from fedcity.web.feeds import home


def add_routes(app: web.Application) -> None:
    home.add_routes(app)
