"""Finding people: /api/v1/directory, follow suggestions (/api/v2/suggestions, the
deprecated /api/v1/suggestions, DELETE /api/v1/suggestions/:account_id) and
/api/v1/accounts/familiar_followers."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.accounts.accounts import load_account
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.api.entities.accounts import (
    serialize_familiar_followers,
    serialize_suggestion,
)
from fedcity.api.entities.statuses import serialize_account
from fedcity.appkeys import FEDERATION
from fedcity.errors import Unprocessable
from fedcity.services.discovery import directory as discovery
from fedcity.services.discovery.directory import Suggestion
from fedcity.services.offices.listing import OfficeFilter
from fedcity.storage.queries import actors as q

DEFAULT_LIMIT, MAX_LIMIT = 40, 80


def _limit(p: MultiDict[Any]) -> int:
    return max(1, min(params.optional_int(p, "limit") or DEFAULT_LIMIT, MAX_LIMIT))


def _office_filter(p: MultiDict[Any]) -> OfficeFilter:
    """fedcity's filters: `role`, `state`, `jurisdiction`, `ocd_id`, `capacity`."""

    def text(key: str) -> str | None:
        value = str(p.get(key) or "").strip()
        return value or None

    return OfficeFilter(
        role=text("role"),
        state=text("state"),
        jurisdiction=text("jurisdiction"),
        ocd_id=text("ocd_id"),
        capacity=text("capacity"),
    )


async def directory(request: web.Request) -> web.Response:
    """`order` active (recent posters first, the default) or new; `local`; paged by
    `offset` and `limit`, without a Link header (as Mastodon). Verified officials
    come first; fedcity's filters narrow the list to offices (issue 11)."""
    p = await params.read_params(request)
    order = str(p.get("order") or "active")
    if order not in ("active", "new"):
        raise Unprocessable("Validation failed: order must be active or new")
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        found = await discovery.directory(
            session,
            viewer,
            offset=params.offset(p),
            limit=_limit(p),
            order="new" if order == "new" else "active",
            local=params.boolean(p, "local"),
            offices=_office_filter(p),
        )
    urls = request.app[FEDERATION].urls
    return web.json_response([serialize_account(a, urls) for a in found])


async def _suggested(request: web.Request) -> list[Suggestion]:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:accounts")
        return await discovery.suggestions(session, me, _limit(p))


async def suggestions_v2(request: web.Request) -> web.Response:
    urls = request.app[FEDERATION].urls
    found = await _suggested(request)
    return web.json_response([serialize_suggestion(s, urls) for s in found])


async def suggestions_v1(request: web.Request) -> web.Response:
    urls = request.app[FEDERATION].urls
    found = await _suggested(request)
    return web.json_response([serialize_account(s.account, urls) for s in found])


async def dismiss_suggestion(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        target = await load_account(session, request, "account_id")
        await discovery.dismiss_suggestion(session, me, target)
    return web.json_response({})


async def familiar_followers(request: web.Request) -> web.Response:
    """`id[]`: for each known account, the accounts one follows that follow it."""
    p = await params.read_params(request)
    ids = params.found_ids(p, "id")
    async with api_session(request) as session:
        me = await require_account(request, session, "read:follows")
        known = await q.list_actors_by_ids(session, ids)
        targets = [known[i] for i in ids if i in known and known[i].deleted_at is None]
        found = await discovery.familiar_followers(session, me, targets)
    urls = request.app[FEDERATION].urls
    return web.json_response(
        [serialize_familiar_followers(t, accounts, urls) for t, accounts in found]
    )
