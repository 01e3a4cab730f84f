"""Tokens: issue (POST /oauth/token), revoke, and the OpenID-style userinfo."""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, require_token
from fedcity.api.oauth.errors import oauth_errors
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.errors import Forbidden
from fedcity.services.accounts import oauth


def _client_credentials(
    request: web.Request, p: MultiDict[Any]
) -> tuple[str | None, str | None]:
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except (ValueError, UnicodeDecodeError):
            return None, None
        client_id, _, client_secret = decoded.partition(":")
        return client_id, client_secret
    return p.get("client_id"), p.get("client_secret")


def _token_body(token: str, scopes: str, created_at: int) -> dict[str, Any]:
    return {
        "access_token": token,
        "token_type": "Bearer",
        "scope": scopes,
        "created_at": created_at,
    }


@oauth_errors
async def token(request: web.Request) -> web.StreamResponse:
    try:
        return await _issue(request)
    except oauth.CodeReplayed as replayed:
        # The refusal's transaction has rolled back; the revocation is committed on
        # its own before the client hears invalid_grant.
        async with api_session(request) as session:
            await oauth.revoke_tokens_of_code(session, replayed.code_id)
        raise


async def _issue(request: web.Request) -> web.StreamResponse:
    p = await params.read_params(request)
    grant = p.get("grant_type")
    client_id, client_secret = _client_credentials(request, p)
    async with api_session(request) as session:
        app = await oauth.authenticate_client(session, client_id, client_secret)
        if grant == "authorization_code":
            row, plain = await oauth.exchange_code(
                session,
                app,
                str(p.get("code") or ""),
                p.get("redirect_uri"),
                p.get("code_verifier"),
            )
        elif grant == "client_credentials":
            row, plain = await oauth.client_credentials_token(
                session, app, p.get("scope")
            )
        elif grant == "password" and request.app[SETTINGS].oauth.password_grant:
            row, plain = await oauth.password_token(
                session,
                app,
                str(p.get("username") or ""),
                str(p.get("password") or ""),
                p.get("scope"),
            )
        else:
            raise oauth.OAuthError(
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        body = _token_body(plain, row.scopes, int(row.created_at.timestamp()))
    response = web.json_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@oauth_errors
async def revoke(request: web.Request) -> web.StreamResponse:
    p = await params.read_params(request)
    client_id, client_secret = _client_credentials(request, p)
    async with api_session(request) as session:
        app = await oauth.authenticate_client(session, client_id, client_secret)
        await oauth.revoke(session, app, str(p.get("token") or ""))
    return web.json_response({})


async def userinfo(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        auth = await require_token(request, session, "profile")
    actor = auth.account
    if actor is None:
        raise Forbidden("This token does not belong to a user")
    urls = request.app[FEDERATION].urls
    return web.json_response(
        {
            "iss": urls.base + "/",
            "sub": actor.uri,
            "name": actor.display_name or actor.username,
            "preferred_username": actor.username,
            "profile": actor.url or actor.uri,
            "picture": urls.avatar(actor.avatar_url),
        }
    )
