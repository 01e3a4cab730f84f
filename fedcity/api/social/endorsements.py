"""Endorsements (featured accounts) and private notes on accounts:
/api/v1/accounts/:id/endorse|unendorse (and the deprecated pin|unpin),
/api/v1/endorsements, /api/v1/accounts/:id/endorsements, /api/v1/accounts/:id/note.
"""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.accounts.accounts import account_page, load_account, relationship_of
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.services.social import endorsements
from fedcity.storage.models import Endorsement
from fedcity.storage.queries import profiles as q
from fedcity.storage.queries.lists import paged_rows


async def endorse(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        target = await load_account(session, request)
        await endorsements.endorse(session, me, target)
        body = await relationship_of(session, me, target)
    return web.json_response(body)


async def unendorse(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        target = await load_account(session, request)
        await endorsements.unendorse(session, me, target)
        body = await relationship_of(session, me, target)
    return web.json_response(body)


async def own_endorsements(request: web.Request) -> web.Response:
    """GET /api/v1/endorsements: the accounts one features, newest first."""
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:accounts")
        rows = await paged_rows(
            session, q.endorsed_accounts(me.id), Endorsement.id, params.page(p, 40, 80)
        )
    return account_page(request, rows)


async def account_endorsements(request: web.Request) -> web.Response:
    """GET /api/v1/accounts/:id/endorsements: public, as the profile shows them."""
    p = await params.read_params(request)
    async with api_session(request) as session:
        await optional_account(request, session)
        actor = await load_account(session, request)
        rows = await paged_rows(
            session,
            q.endorsed_accounts(actor.id),
            Endorsement.id,
            params.page(p, 40, 80),
        )
    return account_page(request, rows)


async def note(request: web.Request) -> web.Response:
    """POST /api/v1/accounts/:id/note: `comment`, blank or absent to remove it."""
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:accounts")
        target = await load_account(session, request)
        await endorsements.set_note(session, me, target, str(p.get("comment") or ""))
        body = await relationship_of(session, me, target)
    return web.json_response(body)
