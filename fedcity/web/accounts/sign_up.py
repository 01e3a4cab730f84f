"""Signing up in a browser (issue 12): /auth/sign_up (and /invite/CODE, the same
form with the invite), the confirmation link /auth/confirmation, and the
password reset: /auth/password/new asks for a link, /auth/password/edit sets a
new password. The rules are `services.sign_ups.registrations`; attempts are
rate-limited per address and account (`web.rate_limits`)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedcity import i18n
from fedcity.appkeys import DB, FEDERATION, KEYPAIRS, SETTINGS
from fedcity.errors import FedcityError, SignUpInvalid, Unprocessable
from fedcity.i18n import N_
from fedcity.services.accounts import sign_in
from fedcity.services.sign_ups import registrations
from fedcity.services.sign_ups.registrations import Policy, SignUp
from fedcity.storage.models import Invite
from fedcity.web import rate_limits
from fedcity.web.accounts.sign_in import TOO_MANY
from fedcity.web.error_pages import render_error
from fedcity.web.forms import read_form, see_other
from fedcity.web.sessions import viewer
from fedcity.web.templating import page_language, render, render_form

FIELD_LABELS = {
    "username": N_("Username"),
    "email": N_("Email address"),
    "password": N_("Password"),
    "agreement": N_("Agreement"),
    "reason": N_("Why do you want to join?"),
}
OUTCOMES = {
    "confirm": N_(
        "Almost done: we sent a link to %(email)s. Open it to confirm your "
        "address, then sign in."
    ),
    "confirm_then_review": N_(
        "We sent a link to %(email)s. Open it to confirm your address; an "
        "administrator then reviews your sign-up, and you get a mail when it is "
        "decided."
    ),
    "review": N_(
        "Thank you. An administrator reviews your sign-up; you can sign in once "
        "it is approved."
    ),
    "confirmed": N_("Your address is confirmed. You can sign in now."),
    "confirmed_review": N_(
        "Your address is confirmed. An administrator reviews your sign-up; you "
        "get a mail when it is decided."
    ),
    "reset_sent": N_(
        "If an account has that address or name and a confirmed address, a link "
        "to choose a new password is on its way. It works for two hours."
    ),
    "reset_done": N_("Your password is changed. Sign in with it now."),
}


def _message(request: web.Request, key: str, **values: str) -> str:
    text = i18n.translate(page_language(request), OUTCOMES[key])
    return text % values if values else text


def _policy(request: web.Request) -> Policy:
    return Policy.of(request.app[SETTINGS])


async def _outcome_page(request: web.Request, title: str, message: str) -> web.Response:
    response = await render(
        request,
        "accounts/sign_up_done.html",
        {"title": i18n.translate(page_language(request), title), "message": message},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def _form(
    request: web.Request,
    invite: Invite | None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    policy = _policy(request)
    response = await render_form(
        request,
        "accounts/sign_up.html",
        {
            "values": values or {},
            "invite": invite,
            "approval": policy.approval_required and invite is None,
            "min_length": policy.min_password_length,
        },
        errors,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def _invite_or_refuse(request: web.Request, code: str | None) -> Invite | None:
    async with request.app[DB].session() as session:
        return await registrations.check_invite(session, _policy(request), code)


async def sign_up_page(request: web.Request) -> web.StreamResponse:
    if viewer(request) is not None:
        raise web.HTTPSeeOther("/")
    invite = await _invite_or_refuse(request, request.query.get("invite") or None)
    return await _form(request, invite)


async def invite_page(request: web.Request) -> web.StreamResponse:
    """/invite/CODE: the sign-up form with the invite, or why it cannot be used."""
    if viewer(request) is not None:
        raise web.HTTPSeeOther("/")
    invite = await _invite_or_refuse(request, request.match_info["code"])
    return await _form(request, invite)


def _errors(request: web.Request, exc: SignUpInvalid) -> dict[str, str]:
    language = page_language(request)
    return {
        name: "; ".join(
            f"{i18n.translate(language, FIELD_LABELS.get(name, name))} {text}"
            for _, text in problems
        )
        for name, problems in exc.details.items()
    }


async def sign_up_post(request: web.Request) -> web.StreamResponse:
    limits = request.app[rate_limits.RATE_LIMITS]
    checks = [(limits.sign_up_ip, rate_limits.address(request))]
    if refused := rate_limits.refusal(checks):
        return await too_many(request, refused)
    rate_limits.count(checks)
    form = await read_form(request)
    values = {k: form.get(k, "") for k in ("username", "email", "reason")}
    code = form.get("invite_code") or None
    policy = _policy(request)
    if form.get("password", "") != form.get("password_confirmation", ""):
        invite = await _invite_or_refuse(request, code)
        mismatch = i18n.translate(
            page_language(request), N_("The two passwords are not the same")
        )
        return await _form(request, invite, values, {"password_confirmation": mismatch})
    cmd = SignUp(
        username=values["username"].strip(),
        email=values["email"].strip(),
        password=form.get("password", ""),
        agreement=bool(form.get("agreement")),
        locale=page_language(request),
        reason=values["reason"] or None,
        invite_code=code,
        ip=rate_limits.address(request),
    )
    try:
        async with request.app[DB].session() as session:
            signed = await registrations.sign_up(
                session,
                request.app[FEDERATION].urls,
                policy,
                cmd,
                request.app[KEYPAIRS],
            )
            approved = signed.user.approved
    except SignUpInvalid as exc:
        invite = await _invite_or_refuse(request, code)
        return await _form(request, invite, values, _errors(request, exc))
    request.app[FEDERATION].wake_worker()  # the confirmation mail
    if not policy.mail_enabled:
        outcome = "review"
    else:
        outcome = (
            "confirm"
            if approved or policy.mode != "approval"
            else "confirm_then_review"
        )
    return await _outcome_page(
        request,
        N_("Check your inbox") if policy.mail_enabled else N_("Thank you"),
        _message(request, outcome, email=cmd.email),
    )


async def confirmation(request: web.Request) -> web.StreamResponse:
    """GET /auth/confirmation?token=…: the link of the confirmation mail."""
    try:
        async with request.app[DB].session() as session:
            user = await registrations.confirm_email(
                session, _policy(request), request.query.get("token", "")
            )
            approved = user.approved
    except Unprocessable as exc:
        return await render_error(
            request, 404, exc.localized(page_language(request)), translated=True
        )
    outcome = "confirmed" if approved else "confirmed_review"
    return await _outcome_page(
        request, N_("Address confirmed"), _message(request, outcome)
    )


async def too_many(request: web.Request, refused: rate_limits.Refusal) -> web.Response:
    response = await render_error(request, 429, TOO_MANY)
    response.headers.update(refused.headers())
    return response


# --- password reset -----------------------------------------------------------


async def reset_request_page(request: web.Request) -> web.StreamResponse:
    return await render_form(request, "accounts/password_new.html", {"login": ""})


async def reset_request(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    login = form.get("login", "").strip()
    limits = request.app[rate_limits.RATE_LIMITS]
    checks = [
        (limits.reset_ip, rate_limits.address(request)),
        (limits.reset_account, f"reset|{login.lower()}"),
    ]
    if refused := rate_limits.refusal(checks):
        return await too_many(request, refused)
    rate_limits.count(checks)
    async with request.app[DB].session() as session:
        found = await sign_in.find_login(
            session, login, request.app[SETTINGS].instance.domain
        )
        if found is not None:
            await registrations.request_password_reset(
                session, _policy(request), found.actor, found.user
            )
    request.app[FEDERATION].wake_worker()
    return await _outcome_page(
        request, N_("Check your inbox"), _message(request, "reset_sent")
    )


async def reset_page(request: web.Request) -> web.StreamResponse:
    token = request.query.get("token", "")
    try:
        async with request.app[DB].session() as session:
            await registrations.check_reset_link(session, token)
    except Unprocessable as exc:
        return await render_error(
            request, 404, exc.localized(page_language(request)), translated=True
        )
    return await _reset_form(request, token)


async def _reset_form(
    request: web.Request, token: str, errors: dict[str, str] | None = None
) -> web.Response:
    response = await render_form(
        request,
        "accounts/password_edit.html",
        {"token": token, "min_length": _policy(request).min_password_length},
        errors,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def reset_save(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    token = form.get("token", "")
    password = form.get("password", "")
    if password != form.get("password_confirmation", ""):
        mismatch = i18n.translate(
            page_language(request), N_("The two passwords are not the same")
        )
        return await _reset_form(request, token, {"password_confirmation": mismatch})
    try:
        async with request.app[DB].session() as session:
            await registrations.reset_password(
                session, _policy(request), token, password
            )
    except SignUpInvalid as exc:
        return await _reset_form(request, token, _errors(request, exc))
    except FedcityError as exc:
        return await render_error(
            request, 404, exc.localized(page_language(request)), translated=True
        )
    return see_other("/auth/sign_in?done=password")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/auth/sign_up", sign_up_page)
    app.router.add_post("/auth/sign_up", sign_up_post)
    app.router.add_get("/invite/{code}", invite_page)
    app.router.add_get("/auth/confirmation", confirmation)
    app.router.add_get("/auth/password/new", reset_request_page)
    app.router.add_post("/auth/password/new", reset_request)
    app.router.add_get("/auth/password/edit", reset_page)
    app.router.add_post("/auth/password/edit", reset_save)
