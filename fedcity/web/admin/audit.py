"""GET /admin/audit: the audit log of official-capacity accounts (issue 11), the
page of what /api/v1/fedcity/admin/audit answers; `account` narrows it to one
account, `max_id` goes to older entries."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from fedcity.appkeys import DB, SETTINGS
from fedcity.ids import parse_id
from fedcity.services.moderation import audit
from fedcity.services.offices.attestations import find_account
from fedcity.storage.queries.posts import Page
from fedcity.web.accounts.guard import admin_or_forbidden
from fedcity.web.templating import render

PATH = "/admin/audit"
PER_PAGE = 40


async def audit_page(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    account = request.query.get("account", "").strip()
    page = Page(max_id=parse_id(request.query.get("max_id")), limit=PER_PAGE)
    async with request.app[DB].session() as session:
        actor_id = None
        if account:
            domain = request.app[SETTINGS].instance.domain
            actor_id = (await find_account(session, account, domain)).id
        entries = await audit.list_entries(session, page, actor_id=actor_id)
    older = None
    if len(entries) == PER_PAGE:
        query = {"account": account} if account else {}
        older = f"{PATH}?{urlencode({**query, 'max_id': entries[-1].id})}"
    context = {"entries": entries, "account": account, "older": older}
    return await render(request, "admin/audit.html", context)


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH, audit_page)
