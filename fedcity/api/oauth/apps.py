"""App registration (POST /api/v1/apps) and what a token says about its app."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedcity.api import params
from fedcity.api.auth import api_session, require_token
from fedcity.appkeys import VAPID
from fedcity.errors import Forbidden
from fedcity.services.accounts import oauth
from fedcity.services.accounts.scopes import parse_scopes
from fedcity.storage.models import OAuthApp


def serialize_app(app: OAuthApp, with_secret: bool, vapid_key: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(app.id),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(),
        "redirect_uri": app.redirect_uris,
        "redirect_uris": app.redirect_uri_list,
        "vapid_key": vapid_key,  # the instance's Web Push key (Mastodon's server_key)
    }
    if with_secret:
        body.update(
            client_id=app.client_id,
            client_secret=app.client_secret,
            client_secret_expires_at=0,
        )
    return body


async def apps_create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    uris = params.list_param(p, "redirect_uris")
    raw: str | list[str] = uris if len(uris) != 1 else uris[0]
    async with api_session(request) as session:
        app = await oauth.register_app(
            session,
            str(p.get("client_name") or ""),
            oauth.split_redirect_uris(raw),
            parse_scopes(str(p.get("scopes") or "read")),
            str(p.get("website") or "") or None,
        )
        body = serialize_app(
            app, with_secret=True, vapid_key=request.app[VAPID].server_key
        )
    return web.json_response(body)


async def apps_verify_credentials(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        auth = await require_token(request, session, "read")
        app = (
            await session.get(OAuthApp, auth.token.app_id)
            if auth.token.app_id
            else None
        )
        if app is None:
            raise Forbidden("This token does not belong to an application")
        body = serialize_app(
            app, with_secret=False, vapid_key=request.app[VAPID].server_key
        )
    return web.json_response(body)
