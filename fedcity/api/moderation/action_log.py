"""`GET /api/v1/fedcity/admin/action_log`: the moderators' and administrators'
action log (Mastodon shows it only on its web admin, with no API), for admins
with `admin:read`; `target_type` narrows it to one kind of record. Paged newest
first as Mastodon's lists."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_admin
from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.pagination import paged_response
from fedcity.services.moderation import action_log
from fedcity.storage.models import AdminAction

DEFAULT_LIMIT = 40
MAX_LIMIT = 80


def serialize_action(entry: AdminAction) -> Entity:
    return {
        "id": str(entry.id),
        "created_at": timestamp(entry.created_at),
        "account_id": None if entry.actor_id is None else str(entry.actor_id),
        "account": entry.account,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": None if entry.target_id is None else str(entry.target_id),
        "target": entry.target,
        "reason": entry.reason,
    }


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    target_type = str(p.get("target_type") or "").strip() or None
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read")
        entries = await action_log.list_entries(session, page, target_type=target_type)
    return paged_response(
        request, [serialize_action(e) for e in entries], [e.id for e in entries]
    )
