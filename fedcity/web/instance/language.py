"""POST /language: the language switcher at the foot of every page. It is kept in
a cookie, and on the account when someone is signed in, so their other browsers
follow."""

from __future__ import annotations

from aiohttp import web

from fedcity import i18n
from fedcity.appkeys import DB
from fedcity.services.accounts.preferences import set_interface_language
from fedcity.web.forms import read_form, safe_next
from fedcity.web.sessions import viewer
from fedcity.web.templating import remember_language


async def change_language(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    language = form.get("language", "")
    # A plain 303 answer: aiohttp deprecates returning (not raising) HTTPSeeOther.
    response = web.Response(
        status=303, headers={"Location": safe_next(form.get("next"))}
    )
    if language not in i18n.available_languages():
        return response
    signed = viewer(request)
    if signed is not None:
        async with request.app[DB].session() as session:
            await set_interface_language(session, signed.actor, language)
    remember_language(request, response, language)
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_post("/language", change_language)
