"""Follow requests, blocks and followers one removes: the account lists a person manages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.accounts.accounts import account_page, load_account, relationship_of
from fedcity.api.auth import api_session, require_account
from fedcity.appkeys import FEDERATION
from fedcity.services.social import follows, interactions
from fedcity.storage.models import Actor, Block, Follow, FollowState
from fedcity.storage.queries.lists import paged_rows


async def follow_requests(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:follows")
        stmt = (
            select(Follow.id, Actor)
            .join(Actor, Actor.id == Follow.actor_id)
            .where(Follow.target_id == me.id, Follow.state == FollowState.PENDING)
        )
        rows = await paged_rows(session, stmt, Follow.id, params.page(p, 40, 80))
    return account_page(request, rows)


async def authorize_follow_request(request: web.Request) -> web.Response:
    return await _answer_follower(request, follows.authorize_request)


async def reject_follow_request(request: web.Request) -> web.Response:
    return await _answer_follower(request, follows.reject_request)


async def remove_from_followers(request: web.Request) -> web.Response:
    # Mastodon answers a removed follower's server with Reject, as for a request;
    # an official's removal is also written in its audit log.
    return await _answer_follower(request, follows.remove_follower)


async def _answer_follower(
    request: web.Request,
    answer: Callable[[AsyncSession, Actor, Actor], Awaitable[object]],
) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:follows")
        follower = await load_account(session, request)
        await answer(session, me, follower)
        body = await relationship_of(session, me, follower)
    return web.json_response(body)


async def blocks(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:blocks")
        stmt = (
            select(Block.id, Actor)
            .join(Actor, Actor.id == Block.target_id)
            .where(Block.actor_id == me.id)
        )
        rows = await paged_rows(session, stmt, Block.id, params.page(p, 40, 80))
    return account_page(request, rows)


async def block(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:blocks")
        target = await load_account(session, request)
        await interactions.block(session, request.app[FEDERATION].urls, me, target)
        body = await relationship_of(session, me, target)
    return web.json_response(body)


async def unblock(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:blocks")
        target = await load_account(session, request)
        await interactions.unblock(session, me, target)
        body = await relationship_of(session, me, target)
    return web.json_response(body)
