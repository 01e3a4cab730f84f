"""`GET /api/v1/fedcity/admin/audit`: the audit log of official-capacity accounts
(issue 11), for admins and the owner with `admin:read`; `account` (a local name)
narrows it to one account's entries. Paged newest first as Mastodon's lists."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_admin
from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.pagination import paged_response
from fedcity.appkeys import SETTINGS
from fedcity.services.moderation import audit
from fedcity.services.offices.attestations import find_account
from fedcity.storage.models import OfficialAction

DEFAULT_LIMIT = 40
MAX_LIMIT = 80


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)


def serialize_audit_entry(entry: OfficialAction) -> Entity:
    return {
        "id": str(entry.id),
        "created_at": timestamp(entry.created_at),
        "account_id": _id(entry.actor_id),
        "account": entry.account,
        "action": entry.action,
        "target": entry.target,
        "target_url": entry.target_url,
        "target_account_id": _id(entry.target_account_id),
        "target_status_id": _id(entry.target_status_id),
        "target_domain": entry.target_domain,
        "reason": entry.reason,
    }


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    name = str(p.get("account") or "").strip()
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read")
        actor_id = None
        if name:
            domain = request.app[SETTINGS].instance.domain
            actor_id = (await find_account(session, name, domain)).id
        entries = await audit.list_entries(session, page, actor_id=actor_id)
    return paged_response(
        request, [serialize_audit_entry(e) for e in entries], [e.id for e in entries]
    )
