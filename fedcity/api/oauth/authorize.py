"""The consent page (GET/POST /oauth/authorize).

It is plain HTML with a CSRF token (a nonce in a cookie, signed into the form);
signing in sets a session cookie so a second app need not ask for the password
again unless the client says `force_login`.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.auth import api_session
from fedcity.api.oauth.cookies import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_SECONDS,
    cookie_secret,
    csrf_ok,
    csrf_pair,
    session_actor,
    session_value,
)
from fedcity.api.oauth.errors import oauth_errors
from fedcity.appkeys import SETTINGS
from fedcity.errors import FedcityError, Forbidden
from fedcity.services.accounts import oauth
from fedcity.services.accounts.accounts import authenticate_password
from fedcity.storage.models import Actor
from fedcity.web.pages import render_page

_AUTH_FIELDS = (
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "response_type",
)


def _scope_list(scopes: list[str]) -> str:
    return "".join(f"<li><code>{escape(s)}</code></li>" for s in scopes)


def _consent_page(
    request: web.Request,
    auth: oauth.AuthorizationRequest,
    values: MultiDict[Any],
    csrf: str,
    actor: Actor | None,
    error: str | None = None,
) -> str:
    hidden = (
        "".join(
            f'<input type="hidden" name="{k}" value="{escape(str(values.get(k) or ""))}">'
            for k in _AUTH_FIELDS
        )
        + f'<input type="hidden" name="csrf_token" value="{escape(csrf)}">'
    )
    if actor is None:
        login = (
            '<p><label>Username <input name="username" autocomplete="username" required>'
            '</label></p><p><label>Password <input name="password" type="password" '
            'autocomplete="current-password" required></label></p>'
        )
    else:
        login = f"<p>Signed in as <strong>@{escape(actor.username)}</strong>.</p>"
    domain = escape(request.app[SETTINGS].instance.domain)
    return (
        f"<h1>Authorize {escape(auth.app.name)}</h1>"
        + (f'<p role="alert"><strong>{escape(error)}</strong></p>' if error else "")
        + f"<p>{escape(auth.app.name)} asks for access to your account on {domain}:</p>"
        f"<ul>{_scope_list(auth.scopes)}</ul>"
        f'<form method="post" action="/oauth/authorize">{hidden}{login}'
        '<button name="decision" value="approve" type="submit">Authorize</button> '
        '<button name="decision" value="deny" type="submit">Deny</button></form>'
    )


async def _authorization_request(
    session: AsyncSession, values: MultiDict[Any]
) -> oauth.AuthorizationRequest:
    if (values.get("response_type") or "code") != "code":
        raise oauth.OAuthError(
            "unsupported_response_type",
            "The authorization server does not support this response type.",
        )
    return await oauth.check_authorization_request(
        session,
        values.get("client_id"),
        values.get("redirect_uri"),
        values.get("scope"),
        values.get("state"),
        values.get("code_challenge"),
        values.get("code_challenge_method"),
    )


def _page(body: str, csrf_nonce: str | None = None, status: int = 200) -> web.Response:
    response = render_page("Authorize", body)
    response.set_status(status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    if csrf_nonce:
        response.set_cookie(
            CSRF_COOKIE, csrf_nonce, httponly=True, samesite="Lax", path="/oauth"
        )
    return response


@oauth_errors
async def authorize_get(request: web.Request) -> web.StreamResponse:
    values: MultiDict[Any] = MultiDict(request.query)
    async with api_session(request) as session:
        auth = await _authorization_request(session, values)
        secret = await cookie_secret(session, request)
        actor = None
        if not params.boolean(values, "force_login"):
            actor = await session_actor(request, session, secret)
    nonce, csrf = csrf_pair(secret, request)
    return _page(_consent_page(request, auth, values, csrf, actor), nonce)


@oauth_errors
async def authorize_post(request: web.Request) -> web.StreamResponse:
    form: MultiDict[Any] = MultiDict(await params.read_form(request))
    async with api_session(request) as session:
        secret = await cookie_secret(session, request)
        if not csrf_ok(secret, request, form):
            raise Forbidden("The form has expired; go back and try again")
        auth = await _authorization_request(session, form)
        if form.get("decision") != "approve":
            return _deny(auth)
        actor = await _signing_in(request, session, secret, form)
        if actor is None:
            nonce, csrf = csrf_pair(secret, request)
            body = _consent_page(
                request, auth, form, csrf, None, error="Invalid username or password."
            )
            return _page(body, nonce, status=401)
        code = await oauth.issue_code(session, auth, actor)
    response = _grant(auth, code)
    response.set_cookie(
        SESSION_COOKIE,
        session_value(secret, actor),
        httponly=True,
        samesite="Lax",
        max_age=SESSION_SECONDS,
        secure=request.app[SETTINGS].instance.scheme == "https",
    )
    return response


async def _signing_in(
    request: web.Request, session: AsyncSession, secret: bytes, form: MultiDict[Any]
) -> Actor | None:
    if form.get("username"):
        try:
            return await authenticate_password(
                session,
                str(form["username"]).lstrip("@").split("@")[0],
                str(form.get("password") or ""),
            )
        except FedcityError:
            return None
    return await session_actor(request, session, secret)


def _redirect(uri: str, query: dict[str, str]) -> web.StreamResponse:
    # The registered URI is kept byte for byte (custom schemes such as
    # com.tapbots.Ivory…:/request_token are case-sensitive to the apps that own them).
    base, _, fragment = uri.partition("#")
    separator = "&" if "?" in base else "?"
    location = f"{base}{separator}{urlencode(query)}" + (
        f"#{fragment}" if fragment else ""
    )
    return web.Response(status=302, headers={"Location": location})


def _with_state(
    auth: oauth.AuthorizationRequest, query: dict[str, str]
) -> dict[str, str]:
    return {**query, "state": auth.state} if auth.state else query


def _deny(auth: oauth.AuthorizationRequest) -> web.StreamResponse:
    if auth.redirect_uri == oauth.OOB:
        return _page("<h1>Authorization denied</h1><p>You can close this page.</p>")
    description = "The resource owner or authorization server denied the request."
    return _redirect(
        auth.redirect_uri,
        _with_state(auth, {"error": "access_denied", "error_description": description}),
    )


def _grant(auth: oauth.AuthorizationRequest, code: str) -> web.StreamResponse:
    if auth.redirect_uri == oauth.OOB:
        return _page(
            "<h1>Authorization code</h1><p>Copy this code and paste it into the app:</p>"
            f'<p><input id="oauth-code" readonly value="{escape(code)}" size="48"></p>'
        )
    return _redirect(auth.redirect_uri, _with_state(auth, {"code": code}))
