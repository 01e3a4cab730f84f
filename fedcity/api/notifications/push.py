"""/api/v1/push/subscription: an app's Web Push subscription for its access token.

Bodies come as Rails-style form fields (`subscription[keys][p256dh]`,
`data[alerts][mention]`) or as nested JSON; both read alike.
See https://docs.joinmastodon.org/methods/push/.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.auth import AUTH, api_session, bearer_token, require_account
from fedcity.api.entities.push import serialize_web_push_subscription
from fedcity.appkeys import VAPID
from fedcity.services.notifications import push
from fedcity.storage.models import AccessToken, Actor, WebPushSubscription

SCOPE = "push"


def _push_data(p: MultiDict[Any]) -> push.PushData:
    """`data[alerts][…]` and `data[policy]` (Mastodon's docs also name a top-level
    `policy` for PUT; it is read when `data[policy]` is absent)."""
    data = params.nested(p, "data")
    alerts = data.get("alerts")
    return push.PushData(
        alerts={
            str(name): params.truthy(value)
            for name, value in (alerts.items() if isinstance(alerts, dict) else ())
        },
        policy=str(data.get("policy") or p.get("policy") or "all"),
    )


def _new_subscription(p: MultiDict[Any]) -> push.NewSubscription:
    fields = params.nested(p, "subscription")
    keys = fields.get("keys")
    keys = keys if isinstance(keys, dict) else {}
    return push.NewSubscription(
        endpoint=str(fields.get("endpoint") or ""),
        p256dh=str(keys.get("p256dh") or ""),
        auth=str(keys.get("auth") or ""),
        standard=params.truthy(fields.get("standard", False)),
        data=_push_data(p),
    )


def _entity(request: web.Request, row: WebPushSubscription) -> dict[str, Any]:
    server_key = request.app[VAPID].server_key
    return serialize_web_push_subscription(row, server_key)


async def _caller(
    request: web.Request, session: AsyncSession
) -> tuple[Actor, AccessToken]:
    """A user's token with `push` (an app's own token gets Mastodon's 422)."""
    account = await require_account(request, session, SCOPE)
    return account, request[AUTH].token


async def create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    cmd = _new_subscription(p)
    async with api_session(request) as session:
        account, token = await _caller(request, session)
        row = await push.subscribe(
            session,
            account=account,
            token=token,
            plain_token=bearer_token(request) or "",
            cmd=cmd,
        )
        body = _entity(request, row)
    return web.json_response(body)


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        _, token = await _caller(request, session)
        body = _entity(request, await push.get_subscription(session, token))
    return web.json_response(body)


async def update(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    data = _push_data(p)
    async with api_session(request) as session:
        _, token = await _caller(request, session)
        row = await push.update_subscription(session, token, data)
        body = _entity(request, row)
    return web.json_response(body)


async def delete(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        _, token = await _caller(request, session)
        await push.unsubscribe(session, token)
    return web.json_response({})
