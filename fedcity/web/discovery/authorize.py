"""/authorize_interaction: where another server sends someone of this one to
follow, reply to, boost or favourite something found there (Mastodon's path, the
target of this server's WebFinger intents: discovery/intents.py).

Signed out, it sends to sign in first. Signed in, it finds the account or post
(here, or fetched from its server), shows it, and offers the buttons; the action
is a POST with the CSRF token (FEP-3b86: a GET changes nothing), done with the
same services as the client API, then back here (303) with a confirmation.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from fedcity.api.entities.statuses import serialize_account, serialize_statuses
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.errors import FedcityError, NotFound
from fedcity.federation.actors import resolve_handle
from fedcity.federation.resolve import resolve_url
from fedcity.federation.vocab import is_http_url
from fedcity.ids import parse_id
from fedcity.services.accounts.sessions import SignedIn
from fedcity.services.discovery import intents
from fedcity.services.social import follows, interactions
from fedcity.services.statuses import boosts
from fedcity.services.statuses.visibility import can_view, get_visible_post
from fedcity.storage.models import Actor, FollowState, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as post_q
from fedcity.web.forms import read_form, see_other
from fedcity.web.sessions import viewer
from fedcity.web.templating import render

ACTIONS = ("follow", "boost", "favourite")
# FEP-3b86 intents and Mastodon's names for what this page offers.
INTENT_NAMES = {"create": "reply", "announce": "boost", "favourite": "like"}


def _signed(request: web.Request) -> SignedIn:
    signed = viewer(request)
    if signed is None:
        target = quote(request.path_qs, safe="")
        raise web.HTTPSeeOther(f"/auth/sign_in?next={target}")
    return signed


async def _find(request: web.Request, session: Any, uri: str) -> Actor | Post | None:
    """The account or post `uri` names: an address (known here, or fetched) or a
    handle (`acct:name@server`, `name@server`). None when nothing is found."""
    fed = request.app[FEDERATION]
    try:
        if is_http_url(uri):
            found: Actor | Post | None = await actor_q.get_actor_by_uri(session, uri)
            if found is None:
                found = await post_q.get_post_by_uri_or_url(session, uri)
            if found is None:
                found = await resolve_url(fed, session, uri)
            return found
        handle = intents.parse_handle(uri)
        if handle is None:
            return None
        username, domain = handle
        if domain == request.app[SETTINGS].instance.domain.lower():
            return await actor_q.get_local_actor(session, username)
        return await resolve_handle(fed, session, username, domain)
    except FedcityError:
        return None


async def authorize_page(request: web.Request) -> web.StreamResponse:
    signed = _signed(request)
    me = signed.actor
    uri = request.query.get("uri", "").strip()
    intent = request.query.get("intent", "").lower()
    intent = INTENT_NAMES.get(intent, intent)
    if not uri:
        if intent == "reply":
            raise web.HTTPSeeOther("/compose")
        raise NotFound("Record not found")
    urls = request.app[FEDERATION].urls
    context: dict[str, Any] = {
        "uri": uri,
        "intent": intent,
        "done": request.query.get("done", ""),
        "account": None,
        "status": None,
        "following": None,
        "myself": False,
    }
    async with request.app[DB].session() as session:
        found = await _find(request, session, uri)
        if isinstance(found, Post) and not await can_view(session, me, found):
            found = None
        if isinstance(found, Actor) and found.actor_type != "Application":
            context["account"] = serialize_account(found, urls)
            row = await actor_q.get_follow(session, me.id, found.id)
            context["following"] = (
                None if row is None else row.state == FollowState.ACCEPTED
            )
            context["myself"] = found.id == me.id
        elif isinstance(found, Post):
            [context["status"]] = await serialize_statuses(session, [found], me, urls)
    if context["account"] is None and context["status"] is None:
        return await render(request, "discovery/authorize.html", context, status=404)
    return await render(request, "discovery/authorize.html", context)


async def authorize_submit(request: web.Request) -> web.StreamResponse:
    signed = _signed(request)
    form = await read_form(request)
    action = form.get("action", "")
    if action not in ACTIONS:
        raise NotFound("Record not found")
    target_id = parse_id(form.get("id", ""))
    urls = request.app[FEDERATION].urls
    async with request.app[DB].session() as session:
        me = await session.get(Actor, signed.actor.id)
        assert me is not None
        if action == "follow":
            target = await session.get(Actor, target_id) if target_id else None
            if target is None or target.actor_type == "Application":
                raise NotFound("Record not found")
            await follows.follow(session, urls, me, target)
            uri = target.uri
        else:
            if target_id is None:
                raise NotFound("Record not found")
            post = await get_visible_post(session, me, target_id)
            if action == "boost":
                await boosts.reblog(session, urls, me, post)
            else:
                await interactions.favourite(session, urls, me, post)
            uri = post.uri
    request.app[FEDERATION].wake_worker()
    query = urlencode({"uri": uri, "done": action})
    return see_other(f"/authorize_interaction?{query}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/authorize_interaction", authorize_page)
    app.router.add_post("/authorize_interaction", authorize_submit)
