"""/admin/reports: the moderators' queue (open or resolved reports, newest first)
and one report's page, where an admin takes it on, resolves or reopens it, and
acts on the reported account (Mastodon's report page and account actions)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedcity.appkeys import DB
from fedcity.errors import Unprocessable
from fedcity.ids import parse_id
from fedcity.services.moderation import account_actions, report_queue
from fedcity.storage.models import MODERATION_ACTIONS
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries.posts import Page
from fedcity.web.accounts.guard import admin_or_forbidden
from fedcity.web.admin.notices import notice_of
from fedcity.web.forms import read_form
from fedcity.web.templating import render

LIST = "/admin/reports"
PER_PAGE = 40
CHANGES = {
    "assign": (report_queue.assign_to_self, "assigned"),
    "unassign": (report_queue.unassign, "unassigned"),
    "resolve": (report_queue.resolve, "resolved"),
    "reopen": (report_queue.reopen, "reopened"),
}


async def index(request: web.Request) -> web.Response:
    admin = admin_or_forbidden(request).actor
    resolved = request.query.get("resolved") == "1"
    page = Page(max_id=parse_id(request.query.get("max_id")), limit=PER_PAGE)
    where = report_queue.ReportFilter(resolved=resolved)
    async with request.app[DB].session() as session:
        reports = await report_queue.list_queue(session, page, where)
        actors = await report_queue.actors_of(session, reports)
    older = None
    if len(reports) == PER_PAGE:
        older = f"{LIST}?resolved={int(resolved)}&max_id={reports[-1].id}"
    context = {
        "reports": reports,
        "actors": actors,
        "resolved": resolved,
        "older": older,
        "me": admin.id,
    }
    return await render(request, "admin/reports.html", context)


async def show(request: web.Request) -> web.Response:
    admin_or_forbidden(request)
    async with request.app[DB].session() as session:
        report = await report_queue.get_report(session, _id(request))
        actors = await report_queue.actors_of(session, [report])
        posts = await post_q.list_posts_by_ids(session, report.status_ids)
    context: dict[str, Any] = {
        "report": report,
        "actors": actors,
        "target": actors[report.target_id],
        "posts": [posts[i] for i in report.status_ids if i in posts],
        "notice": notice_of(request),
    }
    return await render(request, "admin/report.html", context)


async def change(request: web.Request) -> web.Response:
    """POST /admin/reports/{id}/{change}: assign, unassign, resolve, reopen."""
    admin = admin_or_forbidden(request).actor
    step, done = CHANGES[request.match_info["change"]]
    report_id = _id(request)
    async with request.app[DB].session() as session:
        await step(session, admin, report_id)
    raise web.HTTPSeeOther(f"{LIST}/{report_id}?done={done}")


async def act(request: web.Request) -> web.Response:
    """POST /admin/reports/{id}/action: an action on the reported account, which
    resolves the report."""
    admin = admin_or_forbidden(request).actor
    form = await read_form(request)
    report_id = _id(request)
    kind = form.get("type", "none")
    if kind not in MODERATION_ACTIONS:
        raise Unprocessable("Validation failed: Type is not included in the list")
    cmd = account_actions.AccountAction(kind, form.get("text", ""), report_id)
    async with request.app[DB].session() as session:
        report = await report_queue.get_report(session, report_id)
        target = await account_actions.get_account(session, report.target_id)
        await account_actions.take_action(session, admin, target, cmd)
    raise web.HTTPSeeOther(f"{LIST}/{report_id}?done=acted")


async def undo(request: web.Request) -> web.Response:
    """POST /admin/reports/{id}/undo/{undo}: lift a restriction of the account."""
    admin = admin_or_forbidden(request).actor
    report_id = _id(request)
    async with request.app[DB].session() as session:
        report = await report_queue.get_report(session, report_id)
        target = await account_actions.get_account(session, report.target_id)
        await account_actions.undo_action(
            session, admin, target, request.match_info["undo"]
        )
    raise web.HTTPSeeOther(f"{LIST}/{report_id}?done=undone")


def _id(request: web.Request) -> int:
    return int(request.match_info["id"])  # the route allows digits only


def add_routes(app: web.Application) -> None:
    r = app.router
    one = LIST + "/{id:[0-9]{1,18}}"
    r.add_get(LIST, index)
    r.add_get(one, show)
    r.add_post(one + "/{change:assign|unassign|resolve|reopen}", change)
    r.add_post(one + "/action", act)
    undoing = "|".join(account_actions.UNDOING)
    r.add_post(one + "/undo/{undo:" + undoing + "}", undo)
