"""Signing in and out: GET/POST /auth/sign_in (the password), GET/POST
/auth/two_factor (the code, when the account asks for one), POST /auth/sign_out.

The session is shared with the OAuth consent page. Failures are counted per
address and account (`sign_in.FailureLimiter`): past ten in five minutes the
answer is 429 with `Retry-After` and Mastodon's `X-RateLimit-*` headers, for
passwords and codes alike; passwords are limited per address and per account
too (`web.rate_limits`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedcity import i18n
from fedcity.appkeys import DB, SETTINGS
from fedcity.errors import Forbidden, Unauthorized
from fedcity.i18n import N_
from fedcity.services.accounts import sign_in, two_factor
from fedcity.services.accounts.sessions import end_session, start_session
from fedcity.web import rate_limits
from fedcity.web.accounts.guard import sign_in_url
from fedcity.web.accounts.pending import (
    forget_password_ok,
    password_ok_for,
    remember_password_ok,
    two_factor_url,
)
from fedcity.web.error_pages import render_error
from fedcity.web.forms import read_form, safe_next, see_other
from fedcity.web.sessions import forget_session, keep_session, viewer
from fedcity.web.templating import page_language, render

LIMITER: web.AppKey[sign_in.FailureLimiter] = web.AppKey(
    "sign_in_limiter", sign_in.FailureLimiter
)
TOO_MANY = N_("Too many failed attempts. Wait a few minutes, then try again.")
WRONG_CODE = N_("That code is not right. Try a current code or a recovery code.")


def _translated(request: web.Request, message: str) -> str:
    return i18n.translate(page_language(request), message)


def _next(source: Any) -> str:
    target = safe_next(source.get("next"))
    # Back to a sign-in page once signed in would go round in circles.
    return "/" if target.startswith("/auth/") else target


async def too_many_attempts(
    request: web.Request, refused: rate_limits.Refusal
) -> web.Response:
    response = await render_error(request, 429, TOO_MANY)
    response.headers.update(refused.headers())
    return response


def _address(request: web.Request) -> str:
    return request.remote or "unknown"


def password_checks(request: web.Request, login: str) -> list[rate_limits.Check]:
    """The limits on failed passwords for `login`: per address and account (10
    in five minutes), per address (25) and per account from anywhere (50 in an
    hour). The OAuth consent page counts with these too."""
    limits = request.app[rate_limits.RATE_LIMITS]
    login = login.strip().lower()
    return [
        (request.app[LIMITER], f"{_address(request)}|password|{login}"),
        (limits.login_ip, _address(request)),
        (limits.login_account, login),
    ]


async def _sign_in_page(
    request: web.Request,
    next_path: str,
    *,
    login: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    response = await render(
        request,
        "accounts/sign_in.html",
        {"next": next_path, "login": login, "errors": errors or {}},
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def sign_in_get(request: web.Request) -> web.StreamResponse:
    next_path = _next(request.query)
    if viewer(request) is not None:
        raise web.HTTPSeeOther(next_path)
    return await _sign_in_page(request, next_path)


async def sign_in_post(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    next_path = _next(form)
    login = form.get("login", "").strip()
    checks = password_checks(request, login)
    if refused := rate_limits.refusal(checks):
        return await too_many_attempts(request, refused)
    try:
        async with request.app[DB].session() as session:
            found = await sign_in.password_login(
                session,
                login,
                form.get("password", ""),
                request.app[SETTINGS].instance.domain,
            )
            needs_code = two_factor.is_enabled(found.user)
            token = None
            if not needs_code:
                token = await start_session(
                    session,
                    found.actor,
                    request.headers.get("User-Agent", ""),
                    request.remote,
                )
    except (Unauthorized, Forbidden) as exc:
        if isinstance(exc, Unauthorized):
            rate_limits.count(checks)
        message = exc.localized(page_language(request))
        return await _sign_in_page(
            request,
            next_path,
            login=login,
            errors={"login": message},
            status=exc.status,
        )
    request.app[LIMITER].succeeded(checks[0][1])
    if needs_code:
        response = see_other(two_factor_url(next_path))
        await remember_password_ok(request, response, found.actor.id)
        return response
    assert token is not None
    response = see_other(next_path)
    keep_session(request, response, token)
    return response


async def _code_page(
    request: web.Request,
    next_path: str,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    response = await render(
        request,
        "accounts/two_factor_sign_in.html",
        {"next": next_path, "errors": errors or {}},
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def two_factor_get(request: web.Request) -> web.StreamResponse:
    next_path = _next(request.query)
    if await password_ok_for(request) is None:
        raise web.HTTPSeeOther(sign_in_url(next_path))
    return await _code_page(request, next_path)


async def two_factor_post(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    next_path = _next(form)
    actor_id = await password_ok_for(request)
    if actor_id is None:  # five minutes passed, or no password was given
        raise web.HTTPSeeOther(sign_in_url(next_path))
    limiter = request.app[LIMITER]
    key = f"{_address(request)}|code|{actor_id}"
    if refused := rate_limits.refusal([(limiter, key)]):
        return await too_many_attempts(request, refused)
    async with request.app[DB].session() as session:
        found = await sign_in.login_of(session, actor_id)
        if found is None:
            raise web.HTTPSeeOther(sign_in_url(next_path))
        if not await two_factor.second_factor_ok(
            session, found.user, form.get("code", "")
        ):
            limiter.failed(key)
            return await _code_page(
                request,
                next_path,
                errors={"code": _translated(request, WRONG_CODE)},
                status=422,
            )
        token = await start_session(
            session, found.actor, request.headers.get("User-Agent", ""), request.remote
        )
    limiter.succeeded(key)
    response = see_other(next_path)
    forget_password_ok(response)
    keep_session(request, response, token)
    return response


async def sign_out(request: web.Request) -> web.StreamResponse:
    signed = viewer(request)
    if signed is not None:
        async with request.app[DB].session() as session:
            await end_session(session, signed)
    response = see_other("/")
    forget_session(response)
    return response


def add_routes(app: web.Application) -> None:
    app[LIMITER] = sign_in.FailureLimiter()
    app.router.add_get("/auth/sign_in", sign_in_get)
    app.router.add_post("/auth/sign_in", sign_in_post)
    app.router.add_get("/auth/two_factor", two_factor_get)
    app.router.add_post("/auth/two_factor", two_factor_post)
    app.router.add_post("/auth/sign_out", sign_out)
