"""Mastodon's admin reports API (`/api/v1/admin/reports`), for admins and the owner:
the queue (filters `resolved`, `account_id`, `target_account_id`), one report, and
assign_to_self, unassign, resolve and reopen. Paged newest first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_admin
from fedcity.api.entities.admin import serialize_admin_reports
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.services.instance import texts as instance_texts
from fedcity.services.moderation import report_queue
from fedcity.storage.models import Report

DEFAULT_LIMIT = 100  # Mastodon's
MAX_LIMIT = 200


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    where = report_queue.ReportFilter(
        resolved=params.boolean(p, "resolved"),
        account_id=params.filter_id(p, "account_id"),
        target_account_id=params.filter_id(p, "target_account_id"),
    )
    rules = instance_texts.rules(request.app[SETTINGS].instance)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:read:reports")
        reports = await report_queue.list_queue(session, page, where)
        body = await serialize_admin_reports(
            session, reports, me, rules, request.app[FEDERATION].urls
        )
    return paged_response(request, body, [r.id for r in reports])


async def show(request: web.Request) -> web.Response:
    return await _one(request, "admin:read:reports", report_queue.view)


async def _one(
    request: web.Request, scope: str, change: Callable[..., Awaitable[Report]]
) -> web.Response:
    """Read (`view`) or change one report, and answer it."""
    report_id = params.path_id(request)
    rules = instance_texts.rules(request.app[SETTINGS].instance)
    async with api_session(request) as session:
        me = await require_admin(request, session, scope)
        report = await change(session, me, report_id)
        [body] = await serialize_admin_reports(
            session, [report], me, rules, request.app[FEDERATION].urls
        )
    return web.json_response(body)


async def assign_to_self(request: web.Request) -> web.Response:
    return await _one(request, "admin:write:reports", report_queue.assign_to_self)


async def unassign(request: web.Request) -> web.Response:
    return await _one(request, "admin:write:reports", report_queue.unassign)


async def resolve(request: web.Request) -> web.Response:
    return await _one(request, "admin:write:reports", report_queue.resolve)


async def reopen(request: web.Request) -> web.Response:
    return await _one(request, "admin:write:reports", report_queue.reopen)
