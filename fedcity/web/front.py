"""The web front's routes: every page for people in a browser. Each domain's
package under `fedcity/web/` registers its own (docs/web.md)."""

from __future__ import annotations

from aiohttp import web

from fedcity.web import (
    admin,
    discovery,
    feeds,
    library,
    notifications,
    offices,
    statuses,
    templating,
)
from fedcity.web.accounts import routes as accounts
from fedcity.web.groups import routes as groups
from fedcity.web.instance import language
from fedcity.web.instance import pages as instance_pages


def add_routes(app: web.Application) -> None:
    templating.setup(app)
    language.add_routes(app)
    instance_pages.add_routes(app)
    statuses.add_routes(app)
    feeds.add_routes(app)
    notifications.add_routes(app)
    admin.add_routes(app)
    discovery.add_routes(app)
    accounts.add_routes(app)
    offices.add_routes(app)
    groups.add_routes(app)
    library.add_routes(app)
