"""The signed-in account's notifications as a page: /notifications, and the
moderation warnings they link (/disputes/strikes/{id})."""

from aiohttp import web

from fedcity.web.notifications import pages, warnings


def add_routes(app: web.Application) -> None:
    pages.add_routes(app)
    warnings.add_routes(app)
