"""The consent page (GET/POST /oauth/authorize).

A page of the web front (templates/oauth/authorize.html) with its CSRF token;
signing in sets a session cookie so a second app need not ask for the password
again unless the client says `force_login`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import i18n
from fedcity.api import params
from fedcity.api.auth import api_session
from fedcity.api.oauth.errors import oauth_errors
from fedcity.appkeys import DB
from fedcity.errors import Unauthorized
from fedcity.i18n import N_
from fedcity.services.accounts import oauth, two_factor
from fedcity.services.accounts.accounts import authenticate_password
from fedcity.services.accounts.sessions import start_session
from fedcity.storage.models import Actor
from fedcity.web import rate_limits
from fedcity.web.accounts.pending import remember_password_ok, two_factor_url
from fedcity.web.accounts.sign_in import password_checks, too_many_attempts
from fedcity.web.forms import see_other
from fedcity.web.sessions import keep_session, viewer
from fedcity.web.templating import page_language, render

_AUTH_FIELDS = (
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "response_type",
)


TITLE = N_("Authorize {app}")
DENIED_TITLE = N_("Authorization denied")
CODE_TITLE = N_("Authorization code")
WRONG_PASSWORD = N_("Invalid username or password.")


async def _consent_page(
    request: web.Request,
    auth: oauth.AuthorizationRequest,
    values: MultiDict[Any],
    *,
    signed_in: bool,
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    language = page_language(request)
    response = await render(
        request,
        "oauth/authorize.html",
        {
            "title": i18n.translate(language, TITLE, {"app": auth.app.name}),
            "app_name": auth.app.name,
            "scopes": auth.scopes,
            "hidden": {k: str(values.get(k) or "") for k in _AUTH_FIELDS},
            "error": i18n.translate(language, error) if error else None,
            # kept when signing in failed, as every form keeps its values
            "username": str(values.get("username") or ""),
            "code": None,
            "denied": False,
            **({} if signed_in else {"me": None}),
        },
        status=status,
    )
    return _no_store(response)


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


def _no_store(response: web.Response) -> web.Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _signed_in_actor(request: web.Request, values: MultiDict[Any]) -> Actor | None:
    if params.boolean(values, "force_login"):
        return None
    signed = viewer(request)
    return signed.actor if signed else None


@oauth_errors
async def authorize_get(request: web.Request) -> web.StreamResponse:
    values: MultiDict[Any] = MultiDict(request.query)
    async with api_session(request) as session:
        auth = await _authorization_request(session, values)
    actor = _signed_in_actor(request, values)
    return await _consent_page(request, auth, values, signed_in=actor is not None)


@oauth_errors
async def authorize_post(request: web.Request) -> web.StreamResponse:
    # The CSRF token and the form's origin were checked by the web_session and
    # same_origin_forms middlewares.
    form: MultiDict[Any] = MultiDict(await params.read_form(request))
    async with api_session(request) as session:
        auth = await _authorization_request(session, form)
        if form.get("decision") != "approve":
            return await _deny(request, auth)
        actor = None if form.get("username") else _signed_in_actor(request, form)
        signing_in = actor is None
        if actor is None:
            checks = password_checks(request, str(form.get("username") or ""))
            if refused := rate_limits.refusal(checks):
                return await too_many_attempts(request, refused)
            actor = await _password_actor(session, form)
            if actor is None:
                rate_limits.count(checks)
                return await _consent_page(
                    request,
                    auth,
                    form,
                    signed_in=False,
                    error=WRONG_PASSWORD,
                    status=401,
                )
            if await two_factor.required_for(session, actor):
                # The password alone is not enough: the code page signs in, then
                # comes back here with a session.
                return await _second_factor(request, form, actor)
        code = await oauth.issue_code(session, auth, actor)
    token = None
    if signing_in:
        async with request.app[DB].session() as session:
            token = await start_session(
                session, actor, request.headers.get("User-Agent", ""), request.remote
            )
    response = await _grant(request, auth, code)
    if token is not None:
        keep_session(request, response, token)
    return response


async def _second_factor(
    request: web.Request, form: MultiDict[Any], actor: Actor
) -> web.StreamResponse:
    query = {k: str(form[k]) for k in _AUTH_FIELDS if form.get(k)}
    response = see_other(two_factor_url(f"/oauth/authorize?{urlencode(query)}"))
    await remember_password_ok(request, response, actor.id)
    return response


async def _password_actor(session: AsyncSession, form: MultiDict[Any]) -> Actor | None:
    try:
        return await authenticate_password(
            session,
            str(form.get("username") or "").lstrip("@").split("@")[0],
            str(form.get("password") or ""),
        )
    except Unauthorized:
        return None  # a disabled or unconfirmed account's right password: 403


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


async def _deny(
    request: web.Request, auth: oauth.AuthorizationRequest
) -> web.StreamResponse:
    if auth.redirect_uri == oauth.OOB:
        return await _result_page(request, DENIED_TITLE, denied=True)
    description = "The resource owner or authorization server denied the request."
    return _redirect(
        auth.redirect_uri,
        _with_state(auth, {"error": "access_denied", "error_description": description}),
    )


async def _grant(
    request: web.Request, auth: oauth.AuthorizationRequest, code: str
) -> web.StreamResponse:
    if auth.redirect_uri == oauth.OOB:
        return await _result_page(request, CODE_TITLE, code=code)
    return _redirect(auth.redirect_uri, _with_state(auth, {"code": code}))


async def _result_page(
    request: web.Request, title: str, *, code: str | None = None, denied: bool = False
) -> web.Response:
    language = page_language(request)
    response = await render(
        request,
        "oauth/authorize.html",
        {"title": i18n.translate(language, title), "code": code, "denied": denied},
    )
    return _no_store(response)
