"""The collection endpoints of /api/v1/accounts: several accounts by id, account
search (sign-up is `registrations`)."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from fedcity.api import params
from fedcity.api.accounts.accounts import try_resolve
from fedcity.api.auth import (
    api_session,
    optional_account,
    require_account,
)
from fedcity.api.entities.statuses import serialize_account
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.services.accounts.search import AccountQuery, search_accounts
from fedcity.storage.queries import actors as q

MAX_IDS = 40  # Mastodon's DEFAULT_ACCOUNTS_LIMIT bounds GET /api/v1/accounts too


async def index(request: web.Request) -> web.Response:
    """GET /api/v1/accounts?id[]=…: the known accounts among the ids, in their order."""
    p = await params.read_params(request)
    ids = params.lookup_ids(p, "id", MAX_IDS)
    async with api_session(request) as session:
        await optional_account(request, session)
        found = await q.list_actors_by_ids(session, ids)
    urls = request.app[FEDERATION].urls
    return web.json_response(
        [
            serialize_account(found[i], urls)
            for i in ids
            if i in found
            and found[i].deleted_at is None
            and found[i].actor_type != "Application"
        ]
    )


async def search(request: web.Request) -> web.Response:
    """GET /api/v1/accounts/search: `q`, `limit` (40, at most 80), `offset`,
    `resolve` (WebFinger for an unknown remote handle), `following`."""
    p = await params.read_params(request)
    query = AccountQuery(
        text=str(p.get("q") or ""),
        limit=max(1, min(params.optional_int(p, "limit") or 40, 80)),
        offset=params.offset(p),
        resolve=params.boolean(p, "resolve"),
        following=params.boolean(p, "following"),
    )
    async with api_session(request) as session:
        me = await require_account(request, session, "read:accounts")
        found = await search_accounts(
            session,
            me,
            query,
            own_domain=request.app[SETTINGS].instance.domain,
            resolver=partial(try_resolve, request, session),
        )
    urls = request.app[FEDERATION].urls
    return web.json_response([serialize_account(a, urls) for a in found])
