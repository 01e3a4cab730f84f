"""/settings/two_factor: turn two-factor sign-in on (scan a QR code, confirm with
a code), see the recovery codes once, make new ones, turn it off.

The new secret travels in the form until a code confirms it, so nothing is
stored for an account that never finishes. Recovery codes are the answer to the
POST that made them (not a redirect): they are shown once and kept nowhere but
as digests, so there is no page to redirect to.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import segno
from aiohttp import web

from fedcity import i18n
from fedcity.api.auth import api_session
from fedcity.appkeys import SETTINGS
from fedcity.errors import Unprocessable
from fedcity.i18n import N_
from fedcity.services.accounts import sign_in, two_factor
from fedcity.services.accounts.sessions import SignedIn
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.forms import read_form
from fedcity.web.templating import page_language, render

PAGE = "/settings/two_factor"
DONE = {
    "off": N_("Two-factor sign-in is off."),
}


def qr_data_uri(text: str) -> str:
    """`text` as a QR code, an SVG in a data: URI (the CSP allows data: images)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(
        out, kind="svg", scale=5, border=4, dark="#000", light="#fff", xmldecl=False
    )
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _setup(request: web.Request, signed: SignedIn, secret: str) -> dict[str, Any]:
    instance = request.app[SETTINGS].instance
    uri = two_factor.provisioning_uri(
        secret, f"{signed.actor.username}@{instance.domain}", instance.name
    )
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"secret": secret, "secret_grouped": grouped, "qr": qr_data_uri(uri)}


async def _page(
    request: web.Request,
    signed: SignedIn,
    *,
    secret: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    enabled = two_factor.is_enabled(signed.user)
    context: dict[str, Any] = {
        "enabled": enabled,
        "remaining": len(signed.user.otp_recovery_digests or []),
        "errors": errors or {},
        "done": DONE.get(request.query.get("done", "")),
        "codes": None,
    }
    if not enabled:
        context.update(_setup(request, signed, secret or two_factor.new_secret()))
    return await render(request, "accounts/two_factor.html", context, status=status)


async def _codes_page(request: web.Request, codes: list[str]) -> web.Response:
    text = "\n".join(codes) + "\n"
    download = "data:text/plain;base64," + base64.b64encode(text.encode()).decode()
    response = await render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "download": download},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _translated(request: web.Request, message: str) -> str:
    return i18n.translate(page_language(request), message)


async def two_factor_page(request: web.Request) -> web.StreamResponse:
    return await _page(request, signed_in_or_redirect(request))


async def enable(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    form = await read_form(request)
    secret = form.get("secret", "")
    if not two_factor.is_secret(secret):
        secret = two_factor.new_secret()
    try:
        async with api_session(request) as session:
            found = await sign_in.login_of(session, signed.actor.id)
            if found is None:
                raise web.HTTPSeeOther(PAGE)
            if two_factor.is_enabled(found.user):  # sent twice
                raise web.HTTPSeeOther(PAGE)
            codes = await two_factor.enable(
                session, found.user, secret, form.get("code", "")
            )
    except Unprocessable:
        message = _translated(
            request,
            N_("That code is not right. Check the time on your device and try again."),
        )
        return await _page(
            request, signed, secret=secret, errors={"code": message}, status=422
        )
    return await _codes_page(request, codes)


async def regenerate(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    async with api_session(request) as session:
        found = await sign_in.login_of(session, signed.actor.id)
        if found is None or not two_factor.is_enabled(found.user):
            raise web.HTTPSeeOther(PAGE)
        codes = await two_factor.regenerate_recovery_codes(session, found.user)
    return await _codes_page(request, codes)


async def disable(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    form = await read_form(request)
    try:
        async with api_session(request) as session:
            found = await sign_in.login_of(session, signed.actor.id)
            if found is None:
                raise web.HTTPSeeOther(PAGE)
            await two_factor.disable(session, found.user, form.get("password", ""))
    except Unprocessable:
        message = _translated(request, N_("The password is not right."))
        return await _page(request, signed, errors={"password": message}, status=422)
    raise web.HTTPSeeOther(PAGE + "?done=off")


def add_routes(app: web.Application) -> None:
    app.router.add_get(PAGE, two_factor_page)
    app.router.add_post(PAGE + "/enable", enable)
    app.router.add_post(PAGE + "/recovery_codes", regenerate)
    app.router.add_post(PAGE + "/disable", disable)
