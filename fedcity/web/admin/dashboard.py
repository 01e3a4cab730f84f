"""GET /admin: the instance in figures and the delivery queue's health per peer."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB
from fedcity.services.instance import dashboard
from fedcity.web.accounts.guard import admin_or_forbidden
from fedcity.web.templating import render


async def dashboard_page(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    async with request.app[DB].session() as session:
        board = await dashboard.load(session)
    return await render(request, "admin/dashboard.html", {"board": board})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/admin", dashboard_page)
