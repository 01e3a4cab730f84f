"""Seat accounts' pages (issue 11): the successor's one-time sign-in link
(`/auth/handover/{token}`) and an outgoing holder's archive (`/archives/{name}`).

Opening the link shows a form and uses nothing: mail scanners and link previews
open links too. The form (a new password, and the holder's name when the
handover named nobody) uses the link once, signs the browser in and goes home.
A used, expired or unknown link is the 410 page.
"""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB
from fedcity.errors import Unprocessable
from fedcity.services.accounts.account_access import (
    MIN_PASSWORD_LENGTH,
    PASSWORD_FIELDS,
)
from fedcity.services.accounts.sessions import start_session
from fedcity.services.offices import seats
from fedcity.web.accounts.profile_page import handle_of
from fedcity.web.forms import read_form, see_other
from fedcity.web.media import statuses_for_page
from fedcity.web.sessions import keep_session
from fedcity.web.templating import page_language, render

# The form field each refusal is about (the password ones as on /settings).
FIELDS = {**PASSWORD_FIELDS, seats.NAME_NEEDED: "name", seats.NAME_TOO_LONG: "name"}


async def _form(
    request: web.Request,
    *,
    errors: dict[str, str] | None = None,
    name: str = "",
    status: int = 200,
) -> web.Response:
    token = request.match_info["token"]
    async with request.app[DB].session() as session:
        _link, seat, holder = await seats.link_seat(session, token)
    response = await render(
        request,
        "offices/handover.html",
        {
            "seat": seat,
            "handle": handle_of(request, seat),
            "holder": holder,
            "name": name,
            "action": seats.link_path(token),
            "errors": errors or {},
            "min_length": MIN_PASSWORD_LENGTH,
        },
        status=status,
    )
    # The page's URL is the secret: never kept by caches, never sent onwards.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def handover_get(request: web.Request) -> web.StreamResponse:
    return await _form(request)


async def handover_post(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    name = form.get("name", "")
    try:
        async with request.app[DB].session() as session:
            seat = await seats.redeem(
                session,
                request.match_info["token"],
                form.get("password", ""),
                form.get("password_confirmation", ""),
                name,
            )
    except Unprocessable as exc:
        field = FIELDS.get(exc.template, "password")
        message = exc.localized(page_language(request))
        return await _form(request, errors={field: message}, name=name, status=422)
    async with request.app[DB].session() as session:
        token = await start_session(
            session, seat, request.headers.get("User-Agent", ""), request.remote
        )
    response = see_other("/")
    keep_session(request, response, token)
    return response


async def archive_page(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        seat, holder, posts = await seats.archive(session, request.match_info["name"])
    return await render(
        request,
        "offices/archive.html",
        {
            "seat": seat,
            "handle": handle_of(request, seat),
            "holder": holder,
            "years": seats.years(holder),
            "statuses": await statuses_for_page(request, posts, None),
        },
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/auth/handover/{token}", handover_get)
    app.router.add_post("/auth/handover/{token}", handover_post)
    app.router.add_get("/archives/{name}", archive_page)
