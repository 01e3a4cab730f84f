"""Muting accounts (/api/v1/accounts/:id/mute|unmute, /api/v1/mutes) and user-level
domain blocks (/api/v1/domain_blocks)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.accounts.accounts import load_account, relationship_of
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.formats import timestamp
from fedcity.api.entities.statuses import serialize_account
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.errors import Unprocessable
from fedcity.services.social import mutes


async def mute(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:mutes")
        target = await load_account(session, request)
        await mutes.mute(
            session,
            me,
            target,
            notifications=params.boolean(p, "notifications", True),
            duration=params.seconds(p, "duration") or 0,
        )
        body = await relationship_of(session, me, target)
    return web.json_response(body)


async def unmute(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:mutes")
        target = await load_account(session, request)
        await mutes.unmute(session, me, target)
        body = await relationship_of(session, me, target)
    return web.json_response(body)


async def index(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:mutes")
        rows = await mutes.mutes_page(session, me, params.page(p, 40, 80))
    urls = request.app[FEDERATION].urls
    # Mastodon adds when each mute ends to the Account entities of this list.
    items = [
        {**serialize_account(actor, urls), "mute_expires_at": timestamp(ends)}
        for _, actor, ends in rows
    ]
    return paged_response(request, items, [mute_id for mute_id, _, _ in rows])


async def domain_blocks(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:blocks")
        rows = await mutes.domain_blocks_page(
            session, me, params.page(p, default_limit=100, max_limit=200)
        )
    return paged_response(request, [d for _, d in rows], [i for i, _ in rows])


def _domain(p: MultiDict[Any]) -> str:
    domain = p.get("domain")
    if not domain:
        raise Unprocessable("Validation failed: Domain can't be blank")
    return str(domain)


async def domain_block(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:blocks")
        await mutes.block_domain(
            session, me, _domain(p), own_domain=request.app[SETTINGS].instance.domain
        )
    return web.json_response({})


async def domain_unblock(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:blocks")
        await mutes.unblock_domain(session, me, _domain(p))
    return web.json_response({})
