"""The signed-in account's notifications as a page: /notifications."""

from aiohttp import web

from fedcity.web.notifications import pages


def add_routes(app: web.Application) -> None:
    pages.add_routes(app)
