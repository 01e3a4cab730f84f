"""Who can act as the account, and taking it back: /settings/password (a new
password signs out every other browser), /settings/sessions (the signed-in
browsers) and /settings/apps (the apps holding a token)."""

from __future__ import annotations

from aiohttp import web

from fedcity import i18n
from fedcity.api.auth import api_session
from fedcity.errors import Unprocessable
from fedcity.i18n import N_
from fedcity.ids import parse_id
from fedcity.services.accounts import account_access
from fedcity.services.accounts.account_access import (
    MIN_PASSWORD_LENGTH,
    PASSWORD_FIELDS,
)
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.forms import read_form
from fedcity.web.templating import page_language, render

DONE = {
    "password": N_(
        "Your password is changed. Every other browser signed in as you was signed out."
    ),
    "session": N_("That browser is signed out."),
    "sessions": N_("Every other browser is signed out."),
    "app": N_("The app no longer has access to your account."),
}


def _done(request: web.Request) -> str | None:
    message = DONE.get(request.query.get("done", ""))
    return i18n.translate(page_language(request), message) if message else None


# --- password -----------------------------------------------------------------


async def _password_page(
    request: web.Request, errors: dict[str, str] | None = None, status: int = 200
) -> web.Response:
    return await render(
        request,
        "accounts/password.html",
        {
            "errors": errors or {},
            "done": _done(request),
            "min_length": MIN_PASSWORD_LENGTH,
        },
        status=status,
    )


async def password_page(request: web.Request) -> web.StreamResponse:
    signed_in_or_redirect(request)
    return await _password_page(request)


async def password_save(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    form = await read_form(request)
    try:
        async with api_session(request) as session:
            await account_access.change_password(
                session,
                signed,
                form.get("current_password", ""),
                form.get("password", ""),
                form.get("password_confirmation", ""),
            )
    except Unprocessable as exc:
        field = PASSWORD_FIELDS.get(exc.template, "password")
        message = exc.localized(page_language(request))
        return await _password_page(request, {field: message}, status=422)
    raise web.HTTPSeeOther("/settings/password?done=password")


# --- signed-in browsers -------------------------------------------------------


async def sessions_page(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    async with api_session(request) as session:
        browsers = await account_access.browsers(session, signed)
    return await render(
        request,
        "accounts/sessions.html",
        {
            "browsers": browsers,
            "current_id": signed.web_session.id,
            "done": _done(request),
        },
    )


async def session_revoke(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    session_id = parse_id(request.match_info["id"])
    if session_id is not None:
        async with api_session(request) as session:
            await account_access.end_browser_session(session, signed, session_id)
    target = "/" if session_id == signed.web_session.id else "/settings/sessions"
    raise web.HTTPSeeOther(target + ("?done=session" if target != "/" else ""))


async def sessions_revoke_others(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    async with api_session(request) as session:
        await account_access.end_other_browser_sessions(session, signed)
    raise web.HTTPSeeOther("/settings/sessions?done=sessions")


# --- apps ---------------------------------------------------------------------


async def apps_page(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    async with api_session(request) as session:
        apps = await account_access.authorized_apps(session, signed)
    return await render(
        request, "accounts/apps.html", {"apps": apps, "done": _done(request)}
    )


async def app_revoke(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    app_id = parse_id(request.match_info["id"])
    if app_id is not None:
        async with api_session(request) as session:
            await account_access.revoke_app(session, signed, app_id)
    raise web.HTTPSeeOther("/settings/apps?done=app")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/settings/password", password_page)
    app.router.add_post("/settings/password", password_save)
    app.router.add_get("/settings/sessions", sessions_page)
    app.router.add_post("/settings/sessions/others/revoke", sessions_revoke_others)
    app.router.add_post("/settings/sessions/{id}/revoke", session_revoke)
    app.router.add_get("/settings/apps", apps_page)
    app.router.add_post("/settings/apps/{id}/revoke", app_revoke)
