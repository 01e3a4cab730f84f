"""/api/v1/lists…, /api/v1/accounts/:id/lists and the list timeline."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.accounts.accounts import account_page, load_account
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.feeds import serialize_list
from fedcity.api.feeds.filters import filtered_page
from fedcity.services.feeds import lists
from fedcity.storage.models import RepliesPolicy, UserList


def _fields(p: MultiDict[Any], current: UserList | None) -> lists.ListFields:
    return lists.ListFields(
        title=str(p.get("title", current.title if current else "")),
        replies_policy=str(
            p.get("replies_policy")
            or (current.replies_policy if current else RepliesPolicy.LIST)
        ),
        exclusive=params.boolean(
            p, "exclusive", current.exclusive if current else False
        ),
    )


async def index(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:lists")
        rows = await lists.list_lists(session, me)
    return web.json_response([serialize_list(r) for r in rows])


async def create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:lists")
        row = await lists.create_list(session, me, _fields(p, None))
    return web.json_response(serialize_list(row))


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:lists")
        row = await lists.get_list(session, me, params.path_id(request))
    return web.json_response(serialize_list(row))


async def update(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:lists")
        row = await lists.get_list(session, me, params.path_id(request))
        await lists.update_list(session, row, _fields(p, row))
    return web.json_response(serialize_list(row))


async def delete(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "write:lists")
        row = await lists.get_list(session, me, params.path_id(request))
        await lists.delete_list(session, row)
    return web.json_response({})


async def accounts(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:lists")
        row = await lists.get_list(session, me, params.path_id(request))
        # limit=0 asks Mastodon for every member at once.
        page = params.page(p, max_limit=80, default_limit=40)
        if params.optional_int(p, "limit") == 0:
            page = params.page(p, default_limit=10_000, max_limit=10_000)
        rows = await lists.members_page(session, row, page)
    return account_page(request, rows)


async def accounts_add(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:lists")
        row = await lists.get_list(session, me, params.path_id(request))
        await lists.add_accounts(session, row, _account_ids(p))
    return web.json_response({})


async def accounts_remove(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:lists")
        row = await lists.get_list(session, me, params.path_id(request))
        await lists.remove_accounts(session, row, _account_ids(p))
    return web.json_response({})


async def account_lists(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        me = await require_account(request, session, "read:lists")
        target = await load_account(session, request)
        rows = await lists.lists_with_account(session, me, target.id)
    return web.json_response([serialize_list(r) for r in rows])


async def timeline(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "read:lists")
        row = await lists.get_list(session, me, params.path_id(request))
        posts = await lists.timeline(session, me, row, params.page(p))
        return await filtered_page(request, session, posts, me, "home")


def _account_ids(p: MultiDict[Any]) -> list[int]:
    return params.found_ids(p, "account_ids")
