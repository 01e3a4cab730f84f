"""`/api/v1/fedcity/groups/:name/…`: what a group's moderators (and admins) do:
requests to join, bans, removing a post, locking and pinning a thread (issue 13;
services.groups.members and moderation; docs/groups.md, "API")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.accounts.accounts import account_page
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.groups import (
    serialize_ban,
    serialize_removal,
    serialize_thread,
)
from fedcity.api.entities.statuses import serialize_account
from fedcity.api.groups.groups import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    account_id,
    group_name,
    text,
)
from fedcity.api.pagination import paged_response
from fedcity.appkeys import FEDERATION
from fedcity.errors import Unprocessable
from fedcity.services.accounts.accounts import account_by_id
from fedcity.services.groups import members, moderation
from fedcity.storage.models import Actor

# --- requests to join --------------------------------------------------------------


async def pending(request: web.Request) -> web.Response:
    """Accounts asking to join, as Accounts, newest first (Link on follow ids)."""
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:follows")
        rows = await members.pending_members(session, me, group_name(request), page)
    return account_page(request, rows)


async def _answer(
    request: web.Request,
    answer: Callable[[Any, Actor, str, int], Awaitable[Actor]],
) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:follows")
        follower = await answer(
            session, me, group_name(request), params.path_id(request, "account_id")
        )
    return web.json_response(serialize_account(follower, request.app[FEDERATION].urls))


async def approve(request: web.Request) -> web.Response:
    return await _answer(request, members.approve_member)


async def reject(request: web.Request) -> web.Response:
    return await _answer(request, members.reject_member)


# --- bans --------------------------------------------------------------------------


def ban_end(p: MultiDict[Any]) -> datetime | None:
    """When a ban ends: `expires_in` seconds from now, or `ends_at` (ISO 8601; no
    offset means UTC); neither: until lifted.

    Raises:
        Unprocessable: a malformed one.
    """
    seconds = params.seconds(p, "expires_in")
    if seconds is not None:
        return datetime.now(UTC) + timedelta(seconds=seconds)
    raw = p.get("ends_at")
    if raw in (None, ""):
        return None
    try:
        when = datetime.fromisoformat(str(raw).strip())
    except ValueError:
        raise Unprocessable(
            "Validation failed: {key} must be a date and time (ISO 8601)",
            key="ends_at",
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


async def bans(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, "read:blocks")
        rows = await members.bans(session, me, group_name(request), page)
    return paged_response(
        request,
        [serialize_ban(ban, account, urls) for ban, account in rows],
        [ban.id for ban, _ in rows],
    )


async def ban(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, "write:blocks")
        row = await members.ban(
            session,
            urls,
            me,
            group_name(request),
            account_id(p),
            reason=text(p, "reason") or "",
            expires_at=ban_end(p),
        )
        banned = await account_by_id(session, row.actor_id)
        body = serialize_ban(row, banned, urls)
    return web.json_response(body)


async def unban(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:blocks")
        await members.unban(
            session, me, group_name(request), params.path_id(request, "account_id")
        )
    return web.json_response({})


# --- posts and threads -------------------------------------------------------------


async def remove_post(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:statuses")
        carried = await moderation.remove_post(
            session,
            me,
            group_name(request),
            params.path_id(request, "status_id"),
            text(p, "reason") or "",
        )
    return web.json_response(serialize_removal(carried))


async def _mark(request: web.Request, mark: moderation.ThreadMark) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:statuses")
        thread = await moderation.mark_thread(
            session, me, group_name(request), params.path_id(request, "status_id"), mark
        )
    return web.json_response(serialize_thread(thread))


async def lock(request: web.Request) -> web.Response:
    return await _mark(request, moderation.LOCK)


async def unlock(request: web.Request) -> web.Response:
    return await _mark(request, moderation.UNLOCK)


async def pin(request: web.Request) -> web.Response:
    return await _mark(request, moderation.PIN)


async def unpin(request: web.Request) -> web.Response:
    return await _mark(request, moderation.UNPIN)
