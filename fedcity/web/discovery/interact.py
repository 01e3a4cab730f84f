"""/interact: follow, reply to, boost or favourite something of this server from
an account on another one (Activity Intents, FEP-3b86).

The page says what will happen and asks for the visitor's handle; the server
looks it up with WebFinger (through the guarded transport: no private
addresses) and sends the visitor to the page their own server published for that
intent (`https://w3id.org/fep/3b86/Follow` …), else to Mastodon's
`http://ostatus.org/schema/1.0/subscribe` one. The handle is remembered in a
cookie to fill the form next time. A handle of this server goes straight to
/authorize_interaction here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from fedcity import i18n
from fedcity.api.entities.statuses import serialize_account, serialize_statuses
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.errors import AddressRefused, FetchError, Gone, NotFound
from fedcity.federation.actors import webfinger
from fedcity.i18n import N_
from fedcity.services.discovery import intents
from fedcity.services.statuses.visibility import can_view
from fedcity.storage.models import Actor, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as post_q
from fedcity.web.forms import read_form, see_other
from fedcity.web.sessions import set_cookie
from fedcity.web.templating import page_language, render_form

HANDLE_COOKIE = "fedcity_remote_handle"
HANDLE_DAYS = 365
_ERRORS = {
    "format": N_("Enter your handle in the form you@your.server."),
    "unknown": N_(
        "Your server does not know the account {handle}. Check the spelling."
    ),
    "unreachable": N_("Your server {domain} could not be reached. Try again later."),
    "unsupported": N_(
        "Your server {domain} does not say how to do this from another site. "
        "Search for the address shown on this page on your server instead."
    ),
}


async def _target(request: web.Request, intent: str, uri: str) -> dict[str, Any]:
    """What `uri` names, for the page: an account (to follow) or a public post.

    Raises:
        NotFound: an intent this page does not know, or nothing public here at `uri`.
    """
    if intent not in intents.INTENTS or not uri:
        raise NotFound("Record not found")
    urls = request.app[FEDERATION].urls
    async with request.app[DB].session() as session:
        actor = await actor_q.get_actor_by_uri(session, uri)
        post = None if actor else await post_q.get_post_by_uri_or_url(session, uri)
        if post is not None and not await can_view(session, None, post):
            post = None
        if post is not None and intent == "follow":
            actor, post = await session.get(Actor, post.actor_id), None
        if isinstance(actor, Actor) and actor.actor_type != "Application":
            if intent != "follow":
                raise NotFound("Record not found")
            account = serialize_account(actor, urls)
            return {"account": account, "status": None, "uri": actor.uri}
        if isinstance(post, Post):
            [status] = await serialize_statuses(session, [post], None, urls)
            return {"account": None, "status": status, "uri": post.uri}
    raise NotFound("Record not found")


async def interact_page(request: web.Request) -> web.Response:
    intent = request.query.get("intent", "follow")
    target = await _target(request, intent, request.query.get("uri", ""))
    return await _form(request, intent, target, request.cookies.get(HANDLE_COOKIE, ""))


async def _form(
    request: web.Request,
    intent: str,
    target: dict[str, Any],
    handle: str,
    errors: dict[str, str] | None = None,
) -> web.Response:
    context = {"intent": intent, "target": target, "handle": handle}
    return await render_form(request, "discovery/interact.html", context, errors)


async def interact_submit(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    intent = form.get("intent", "")
    target = await _target(request, intent, form.get("uri", ""))
    handle = form.get("handle", "").strip()
    parsed = intents.parse_handle(handle)
    if parsed is None:
        return await _refuse(request, intent, target, handle, "format", {})
    username, domain = parsed
    uri = str(target["uri"])
    if domain == request.app[SETTINGS].instance.domain.lower():
        query = urlencode({"intent": intent, "uri": uri})
        response = see_other(f"/authorize_interaction?{query}")
    else:
        fields = {"handle": f"{username}@{domain}", "domain": domain}
        try:
            jrd = await webfinger(request.app[FEDERATION], username, domain)
        except (AddressRefused, Gone) as exc:
            reason = "unknown" if isinstance(exc, Gone) else "unreachable"
            return await _refuse(request, intent, target, handle, reason, fields)
        except FetchError as exc:
            reason = "unreachable" if exc.message == "unreachable" else "unknown"
            return await _refuse(request, intent, target, handle, reason, fields)
        links = jrd.get("links")
        location = intents.intent_url(
            links if isinstance(links, list) else [], intent, uri
        )
        if location is None:
            return await _refuse(request, intent, target, handle, "unsupported", fields)
        response = see_other(location)
    set_cookie(
        request, response, HANDLE_COOKIE, f"{username}@{domain}", HANDLE_DAYS * 86400
    )
    return response


async def _refuse(
    request: web.Request,
    intent: str,
    target: dict[str, Any],
    handle: str,
    reason: str,
    fields: dict[str, str],
) -> web.Response:
    message = i18n.translate(page_language(request), _ERRORS[reason], fields)
    return await _form(request, intent, target, handle, {"handle": message})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/interact", interact_page)
    app.router.add_post("/interact", interact_submit)
