"""/notifications: what happened to the signed-in account, newest first.

Read by the service and drawn from the entities of GET /api/v1/notifications (the
account's notification filters apply alike). Looking at the first page moves the
`notifications` marker, so apps show them as read too; the page marks those that
were new until then.
"""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.entities.notifications import render_notifications
from fedcity.appkeys import DB, FEDERATION
from fedcity.services.feeds import markers
from fedcity.services.notifications import feed
from fedcity.storage.queries.notifications import Scope
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.statuses.compose import account_of
from fedcity.web.templating import render

PAGE_SIZE = (20, 40)
TIMELINE = "notifications"


async def notifications_page(request: web.Request) -> web.Response:
    signed = signed_in_or_redirect(request)
    page = params.page(MultiDict(request.query), *PAGE_SIZE)
    async with request.app[DB].session() as session:
        me = await account_of(session, signed)
        rows = await feed.list_notifications(session, Scope(recipient_id=me.id), page)
        items = await render_notifications(
            session, rows, me, request.app[FEDERATION].urls
        )
        saved = await markers.get_markers(session, me, [TIMELINE])
        last_read = (saved[0].last_read_id or 0) if saved else 0
        first_page = not (page.max_id or page.min_id or page.since_id)
        if first_page and rows and rows[0].id > last_read:
            await markers.save_markers(session, me, {TIMELINE: rows[0].id})
    older = ""
    if rows and len(rows) >= page.limit:
        older = f"/notifications?max_id={rows[-1].id}"
    newer = "" if first_page or not rows else f"/notifications?min_id={rows[0].id}"
    context = {
        "notifications": items,
        "last_read": last_read,
        "older": older,
        "newer": newer,
    }
    return await render(request, "notifications/index.html", context)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/notifications", notifications_page)
