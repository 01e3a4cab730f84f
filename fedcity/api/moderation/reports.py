"""POST /api/v1/reports: an account reports another account to the moderators."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.entities.statuses import serialize_account
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.errors import Unprocessable
from fedcity.services.instance import texts as instance_texts
from fedcity.services.moderation import reports
from fedcity.storage.models import Actor, Report
from fedcity.urls import Urls


def serialize_report(report: Report, target: Actor, urls: Urls) -> Entity:
    return {
        "id": str(report.id),
        "action_taken": report.action_taken_at is not None,
        "action_taken_at": timestamp(report.action_taken_at),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forwarded,
        "created_at": timestamp(report.created_at),
        "status_ids": [str(i) for i in report.status_ids],
        "rule_ids": list(report.rule_ids) if report.rule_ids else None,
        "collection_ids": [],
        "target_account": serialize_account(target, urls),
    }


async def create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    urls = request.app[FEDERATION].urls
    settings = request.app[SETTINGS]
    target_id = params.reference_id(p, "account_id")
    if target_id is None:
        raise Unprocessable("Validation failed: Target account must exist")
    cmd = reports.NewReport(
        target_id=target_id,
        status_ids=params.id_list(p, "status_ids"),
        comment=str(p.get("comment") or ""),
        category=str(p["category"]) if p.get("category") else None,
        rule_ids=[r for r in params.list_param(p, "rule_ids") if r],
        forward=params.boolean(p, "forward"),
    )
    known_rules = {r.id for r in instance_texts.rules(settings.instance)}
    async with api_session(request) as session:
        me = await require_account(request, session, "write:reports")
        report = await reports.file_report(session, urls, me, cmd, known_rules)
        target = await session.get(Actor, report.target_id)
        assert target is not None
        body = serialize_report(report, target, urls)
    return web.json_response(body)
