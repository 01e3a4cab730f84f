"""OAuth 2 endpoints as Mastodon serves them: apps, the consent page, tokens.

The consent page is plain HTML with a CSRF token (a nonce in a cookie, signed into
the form); signing in sets a session cookie so a second app need not ask for the
password again unless the client says `force_login`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.auth import api_session, require_token
from fedcity.appkeys import FEDERATION, SETTINGS, VAPID
from fedcity.errors import FedcityError, Forbidden
from fedcity.services.accounts import oauth
from fedcity.services.accounts.accounts import authenticate_password
from fedcity.services.accounts.scopes import KNOWN_SCOPES, TOP_SCOPES, parse_scopes
from fedcity.storage.models import Actor, OAuthApp
from fedcity.storage.queries import actors as q
from fedcity.web.pages import render_page

SESSION_COOKIE = "fedcity_session"
CSRF_COOKIE = "fedcity_csrf"
SESSION_SECONDS = 14 * 24 * 3600
_AUTH_FIELDS = (
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "response_type",
)

OAuthHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def oauth_errors(handler: OAuthHandler) -> OAuthHandler:
    """OAuth endpoints answer errors in RFC 6749's shape, as Mastodon (Doorkeeper) does."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except oauth.OAuthError as exc:
            return web.json_response(
                {"error": exc.code, "error_description": exc.message}, status=exc.status
            )

    return wrapped


# --- apps -----------------------------------------------------------------------------


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


# --- the consent page ------------------------------------------------------------------


async def _secret(session: AsyncSession, request: web.Request) -> bytes:
    # Derived from the instance actor's private key: stable across restarts, never
    # sent anywhere, and one less secret for operators to configure.
    actor = await q.get_actor_by_uri(
        session, request.app[FEDERATION].urls.instance_actor
    )
    assert actor is not None
    assert actor.private_key_pem is not None
    return hashlib.sha256(
        b"fedcity web session\n" + actor.private_key_pem.encode()
    ).digest()


def _sign(secret: bytes, value: str) -> str:
    mac = hmac.new(secret, value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def _session_value(secret: bytes, actor: Actor) -> str:
    payload = f"{actor.id}.{int(time.time()) + SESSION_SECONDS}"
    return f"{payload}.{_sign(secret, payload)}"


async def _session_actor(
    request: web.Request, session: AsyncSession, secret: bytes
) -> Actor | None:
    raw = request.cookies.get(SESSION_COOKIE, "")
    actor_id, _, rest = raw.partition(".")
    expires, _, mac = rest.partition(".")
    if not (actor_id.isdigit() and expires.isdigit()) or int(expires) < time.time():
        return None
    if not hmac.compare_digest(mac, _sign(secret, f"{actor_id}.{expires}")):
        return None
    actor = await q.get_actor_by_id(session, int(actor_id))
    return actor if actor is not None and actor.deleted_at is None else None


def _csrf_pair(secret: bytes, request: web.Request) -> tuple[str, str]:
    nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(16)
    return nonce, f"{nonce}.{_sign(secret, 'csrf:' + nonce)}"


def _csrf_ok(secret: bytes, request: web.Request, form: MultiDict[Any]) -> bool:
    nonce = request.cookies.get(CSRF_COOKIE, "")
    sent = str(form.get("csrf_token", ""))
    return bool(nonce) and hmac.compare_digest(
        sent, f"{nonce}.{_sign(secret, 'csrf:' + nonce)}"
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
        secret = await _secret(session, request)
        actor = None
        if not params.boolean(values, "force_login"):
            actor = await _session_actor(request, session, secret)
    nonce, csrf = _csrf_pair(secret, request)
    return _page(_consent_page(request, auth, values, csrf, actor), nonce)


@oauth_errors
async def authorize_post(request: web.Request) -> web.StreamResponse:
    form: MultiDict[Any] = MultiDict(await request.post())
    async with api_session(request) as session:
        secret = await _secret(session, request)
        if not _csrf_ok(secret, request, form):
            raise Forbidden("The form has expired; go back and try again")
        auth = await _authorization_request(session, form)
        if form.get("decision") != "approve":
            return _deny(auth)
        actor = await _signing_in(request, session, secret, form)
        if actor is None:
            nonce, csrf = _csrf_pair(secret, request)
            body = _consent_page(
                request, auth, form, csrf, None, error="Invalid username or password."
            )
            return _page(body, nonce, status=401)
        code = await oauth.issue_code(session, auth, actor)
    response = _grant(auth, code)
    response.set_cookie(
        SESSION_COOKIE,
        _session_value(secret, actor),
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
    return await _session_actor(request, session, secret)


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


# --- tokens ------------------------------------------------------------------------------


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


async def server_metadata(request: web.Request) -> web.Response:
    """RFC 8414 authorization server metadata (Mastodon 4.3+ serves it)."""
    base = request.app[FEDERATION].urls.base
    grants = ["authorization_code", "client_credentials"]
    if request.app[SETTINGS].oauth.password_grant:
        grants.append("password")
    return web.json_response(
        {
            "issuer": base + "/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": f"{base}/oauth/authorize",
            "token_endpoint": f"{base}/oauth/token",
            "revocation_endpoint": f"{base}/oauth/revoke",
            "userinfo_endpoint": f"{base}/oauth/userinfo",
            "app_registration_endpoint": f"{base}/api/v1/apps",
            "scopes_supported": sorted(
                KNOWN_SCOPES, key=lambda s: (s not in TOP_SCOPES, s)
            ),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": grants,
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
        }
    )
