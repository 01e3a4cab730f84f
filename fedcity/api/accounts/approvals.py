"""The approval queue in Mastodon's admin API (issue 12): GET /api/v1/admin/accounts
(`pending`, `local`, `remote`, `active`, `disabled`, `username`, `email`), GET
/api/v2/admin/accounts (`origin`, `status`, …), POST …/:id/approve and …/:id/reject;
and fedcity's own invites (/api/v1/fedcity/admin/invites) and the offices that
invites named (/api/v1/fedcity/admin/office_claims, …/:id/confirm). Admins and
the owner only, with `admin:read` / `admin:write` (Mastodon's finer
`admin:read:accounts` and `admin:write:accounts` are within these)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, require_admin
from fedcity.api.entities.admin import serialize_admin_account
from fedcity.api.entities.admin_accounts import (
    serialize_invite,
    serialize_office_claim,
)
from fedcity.api.entities.formats import Entity
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.errors import Unprocessable
from fedcity.services.offices import attestations as offices
from fedcity.services.sign_ups import approvals as queue
from fedcity.services.sign_ups import invites, office_claims
from fedcity.services.sign_ups.registrations import Policy
from fedcity.storage.models import Actor, User
from fedcity.storage.queries.logins import AccountFilter

DEFAULT_LIMIT = 100
MAX_LIMIT = 200
_V1_STATUSES = ("pending", "active", "disabled")


def _text(p: MultiDict[Any], key: str) -> str | None:
    value = p.get(key)
    return None if value is None or not str(value).strip() else str(value).strip()


def _filter_v1(p: MultiDict[Any]) -> AccountFilter:
    origin = "local" if params.boolean(p, "local") else None
    origin = "remote" if params.boolean(p, "remote") else origin
    status = next((s for s in _V1_STATUSES if params.boolean(p, s)), None)
    return AccountFilter(
        origin=origin,
        status=status,
        username=_text(p, "username"),
        email=_text(p, "email"),
    )


def _filter_v2(p: MultiDict[Any]) -> AccountFilter:
    origin = _text(p, "origin")
    if origin not in (None, "local", "remote"):
        raise Unprocessable("origin must be local or remote")
    return AccountFilter(
        origin=origin,
        status=_text(p, "status"),
        username=_text(p, "username"),
        email=_text(p, "email"),
    )


def _entity(request: web.Request, actor: Actor, user: User | None) -> Entity:
    return serialize_admin_account(actor, user, request.app[FEDERATION].urls)


async def _index(request: web.Request, v2: bool) -> web.Response:
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    filters = _filter_v2(p) if v2 else _filter_v1(p)
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read")
        found = await queue.admin_accounts(session, filters, page)
        body = [_entity(request, actor, user) for actor, user in found]
    return paged_response(request, body, [actor.id for actor, _ in found])


async def index_v1(request: web.Request) -> web.Response:
    return await _index(request, v2=False)


async def index_v2(request: web.Request) -> web.Response:
    return await _index(request, v2=True)


async def approve(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write")
        actor, user = await queue.pending_login(session, params.path_id(request))
        await queue.approve(
            session, Policy.of(request.app[SETTINGS]), actor, user, by=me
        )
        body = _entity(request, actor, user)
    return web.json_response(body)


async def reject(request: web.Request) -> web.Response:
    """The account is removed; the answer shows it as it was (Mastodon's)."""
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write")
        actor, user = await queue.pending_login(session, params.path_id(request))
        body = _entity(request, actor, user)
        await queue.reject(
            session, Policy.of(request.app[SETTINGS]), actor, user, by=me
        )
    return web.json_response(body)


def _claim(request: web.Request, claim: office_claims.OfficeClaim) -> Entity:
    return serialize_office_claim(claim, _entity(request, claim.actor, claim.user))


# --- invites ------------------------------------------------------------------


async def invites_index(request: web.Request) -> web.Response:
    """`all=true` lists used-up, expired and revoked invites too."""
    p = await params.read_params(request)
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read")
        found = await invites.list_invites(session, params.boolean(p, "all"))
    urls = request.app[FEDERATION].urls
    return web.json_response([serialize_invite(i, urls) for i in found])


async def invites_create(request: web.Request) -> web.Response:
    """`max_uses`, `expires_in` (30m, 12h, 7d, 2w), `office_role`, `jurisdiction`."""
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write")
        expires = _text(p, "expires_in")
        invite = await invites.create_invite(
            session,
            invites.NewInvite(
                max_uses=params.optional_int(p, "max_uses"),
                expires_in=None if expires is None else invites.parse_duration(expires),
                office_role=_text(p, "office_role"),
                jurisdiction=_text(p, "jurisdiction"),
            ),
            by=me,
        )
        body = serialize_invite(invite, request.app[FEDERATION].urls)
    return web.json_response(body)


async def invites_revoke(request: web.Request) -> web.Response:
    """DELETE …/invites/:code (the code or the id)."""
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write")
        invite = await invites.revoke_invite(session, request.match_info["code"], by=me)
        body = serialize_invite(invite, request.app[FEDERATION].urls)
    return web.json_response(body)


# --- the offices that invites named -------------------------------------------


async def claims_index(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read")
        found = await office_claims.pending(session)
        body = [_claim(request, claim) for claim in found]
    return web.json_response(body)


async def claims_confirm(request: web.Request) -> web.Response:
    """One action: the office the invite named is attested for the account."""
    settings = request.app[SETTINGS]
    issuer = offices.Issuer(request.app[FEDERATION].urls, settings.instance.name)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write")
        claim = await office_claims.confirm(
            session, issuer, params.path_id(request), by=me
        )
        body = _claim(request, claim)
    return web.json_response(body)


async def claims_dismiss(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write")
        claim = await office_claims.dismiss(session, params.path_id(request), by=me)
        body = _claim(request, claim)
    return web.json_response(body)
