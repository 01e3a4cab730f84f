"""Mastodon's admin account moderation (`/api/v1/admin/accounts/:id`): the
Admin::Account, the actions (`POST …/action`: type none, sensitive, disable,
silence or suspend, with the warning `text`, a `report_id` it resolves) and their
undoing (unsuspend, unsilence, enable, unsensitive). The pending-approval list and
approve/reject belong to sign-up."""

from __future__ import annotations

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_admin
from fedcity.api.entities.admin import admin_account_entity
from fedcity.appkeys import FEDERATION
from fedcity.services.moderation import account_actions


async def show(request: web.Request) -> web.Response:
    account_id = params.path_id(request)
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read:accounts")
        target = await account_actions.get_account(session, account_id)
        body = await admin_account_entity(session, target, request.app[FEDERATION].urls)
    return web.json_response(body)


async def action(request: web.Request) -> web.Response:
    """Mastodon answers an empty object."""
    account_id = params.path_id(request)
    p = await params.read_params(request)
    cmd = account_actions.AccountAction(
        kind=str(p.get("type") or "none"),
        text=str(p.get("text") or ""),
        report_id=params.reference_id(p, "report_id"),
        send_email_notification=params.boolean(p, "send_email_notification", True),
    )
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write:accounts")
        target = await account_actions.get_account(session, account_id)
        await account_actions.take_action(session, me, target, cmd)
    return web.json_response({})


async def _undo(request: web.Request, undo: str) -> web.Response:
    account_id = params.path_id(request)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write:accounts")
        target = await account_actions.get_account(session, account_id)
        await account_actions.undo_action(session, me, target, undo)
        body = await admin_account_entity(session, target, request.app[FEDERATION].urls)
    return web.json_response(body)


async def unsuspend(request: web.Request) -> web.Response:
    return await _undo(request, "unsuspend")


async def unsilence(request: web.Request) -> web.Response:
    return await _undo(request, "unsilence")


async def unsensitive(request: web.Request) -> web.Response:
    return await _undo(request, "unsensitive")


async def enable(request: web.Request) -> web.Response:
    return await _undo(request, "enable")
