"""/home: the compose box, then the home timeline of the signed-in account.

The timeline is read by the same service and filtered and serialised by the same
code as GET /api/v1/timelines/home, and drawn from those Status entities."""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.feeds.filters import filtered_statuses
from fedcity.appkeys import DB, FEDERATION
from fedcity.services.feeds import timelines
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.statuses.compose import account_of, compose_context, new_form
from fedcity.web.templating import render

PAGE_SIZE = (20, 40)  # posts on a page, by default and at most (`limit`)


async def home_page(request: web.Request) -> web.Response:
    signed = signed_in_or_redirect(request)
    page = params.page(MultiDict(request.query), *PAGE_SIZE)
    async with request.app[DB].session() as session:
        me = await account_of(session, signed)
        posts = await timelines.home(session, me, page)
        statuses = await filtered_statuses(
            session, posts, me, "home", request.app[FEDERATION].urls
        )
    size = f"&limit={page.limit}" if page.limit != PAGE_SIZE[0] else ""
    older = newer = ""
    if posts and len(posts) >= page.limit:
        older = f"/home?max_id={posts[-1].id}{size}"
    if posts and (page.max_id or page.min_id or page.since_id):
        newer = f"/home?min_id={posts[0].id}{size}"
    context = compose_context(request, new_form(signed)) | {
        "statuses": statuses,
        "older": older,
        "newer": newer,
    }
    return await render(request, "feeds/home.html", context)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/home", home_page)
