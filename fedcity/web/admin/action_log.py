"""/admin/action_log: the moderators' and administrators' action log, newest
first, paged; `/admin/action_log.csv` and `.json` export it whole (as `fedcity
admin log` does)."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB
from fedcity.ids import parse_id
from fedcity.services.moderation import action_log
from fedcity.storage.queries.posts import Page
from fedcity.web.accounts.guard import admin_or_forbidden
from fedcity.web.templating import render

PATH = "/admin/action_log"
PER_PAGE = 40
CONTENT_TYPES = {"csv": "text/csv", "json": "application/json"}


async def log_page(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    page = Page(max_id=parse_id(request.query.get("max_id")), limit=PER_PAGE)
    async with request.app[DB].session() as session:
        entries = await action_log.list_entries(session, page)
    older = f"{PATH}?max_id={entries[-1].id}" if len(entries) == PER_PAGE else None
    context = {"entries": entries, "older": older}
    return await render(request, "admin/action_log.html", context)


async def export(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    fmt = request.match_info["format"]
    async with request.app[DB].session() as session:
        entries = await action_log.all_entries(session)
    return web.Response(
        text=action_log.export(entries, fmt),
        content_type=CONTENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="action_log.{fmt}"'},
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH, log_page)
    app.router.add_get(PATH + ".{format:csv|json}", export)
