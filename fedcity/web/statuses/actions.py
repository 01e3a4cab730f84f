"""What a signed-in account does to a post from a page: favourite, boost, delete.

Small POST forms (templates/macros/actions.html) with the CSRF token; each calls
the service the client API's /api/v1/statuses/:id/… calls, then goes back where
it came from (303). Deleting asks first, on a page of its own.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from fedcity.api import params
from fedcity.api.entities.statuses import serialize_one_status
from fedcity.api.statuses.media import storage_of
from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import Forbidden
from fedcity.services.statuses import media, posts
from fedcity.services.statuses.actions import ACTIONS, Action, act, acted_on
from fedcity.services.statuses.visibility import get_visible_post
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.forms import read_form, safe_next
from fedcity.web.statuses.compose import account_of
from fedcity.web.templating import render

HOME = "/home"


def _acting(action: Action) -> Handler:
    """The POST /statuses/ID/<action> handler: the action, then back (303)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        signed = signed_in_or_redirect(request)
        fields = await read_form(request)
        urls = request.app[FEDERATION].urls
        async with request.app[DB].session() as session:
            me = await account_of(session, signed)
            post = await acted_on(session, me, params.path_id(request))
            await act(session, urls, me, post, action)
        request.app[FEDERATION].wake_worker()
        raise web.HTTPSeeOther(_back(fields.get("next"), post.id))

    return handler


def _back(target: str | None, post_id: int) -> str:
    return safe_next(target, HOME) + f"#post-{post_id}"


async def confirm_delete(request: web.Request) -> web.Response:
    """GET /statuses/ID/delete: the post, and a button to delete it for good."""
    signed = signed_in_or_redirect(request)
    async with request.app[DB].session() as session:
        me = await account_of(session, signed)
        post = await get_visible_post(session, me, params.path_id(request))
        if post.actor_id != me.id or post.reblog_of_id is not None:
            raise Forbidden("This action is not allowed")
        status = await serialize_one_status(
            session, post, me, request.app[FEDERATION].urls
        )
    context = {"status": status, "next": safe_next(request.query.get("next"), HOME)}
    return await render(request, "statuses/delete.html", context)


async def delete(request: web.Request) -> web.StreamResponse:
    """POST /statuses/ID/delete: gone here with its media (the API's
    `delete_media`), and a Delete goes to every peer that had it."""
    signed = signed_in_or_redirect(request)
    fields = await read_form(request)
    async with request.app[DB].session() as session:
        me = await account_of(session, signed)
        post = await get_visible_post(session, me, params.path_id(request))
        discarded = await posts.delete_local_post(session, me, post, delete_media=True)
        page = request.app[FEDERATION].urls.status_page(me.username, post.id)
    await media.discard_files(storage_of(request), discarded)
    request.app[FEDERATION].wake_worker()
    back = safe_next(fields.get("next"), HOME)
    if page.endswith(back.split("?")[0]):  # the deleted post's own page is gone
        back = HOME
    raise web.HTTPSeeOther(back)


def add_routes(app: web.Application) -> None:
    for action in ACTIONS:
        app.router.add_post(f"/statuses/{{id}}/{action}", _acting(action))
    app.router.add_get("/statuses/{id}/delete", confirm_delete)
    app.router.add_post("/statuses/{id}/delete", delete)
