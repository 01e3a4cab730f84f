"""/disputes/strikes/{id}: a warning the moderators gave the signed-in account
(Mastodon's "strike" page), which its `moderation_warning` notification links."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import DB
from fedcity.services.moderation.account_actions import get_own_warning
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.templating import render


async def warning_page(request: web.Request) -> web.Response:
    signed = signed_in_or_redirect(request)
    async with request.app[DB].session() as session:
        warning = await get_own_warning(
            session, signed.actor, int(request.match_info["id"])
        )
    return await render(request, "notifications/warning.html", {"warning": warning})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/disputes/strikes/{id:[0-9]{1,18}}", warning_page)
