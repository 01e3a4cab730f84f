"""The profile page, `/@name` (and `/@name@domain` for a remote account known
here): header, bio, fields, counts, pinned and recent posts, and a follow button
that leads to the remote-interaction form. Apps and servers asking for
ActivityPub JSON at the same URL get the actor (`web.activitypub`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from fedcity import text
from fedcity.appkeys import DB, SETTINGS
from fedcity.errors import Gone, NotFound
from fedcity.federation.actors import split_handle
from fedcity.ids import parse_id
from fedcity.services.feeds import timelines
from fedcity.services.offices.status import actor_views
from fedcity.services.social import pins
from fedcity.storage.models import Actor
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries.posts import Page
from fedcity.urls import Urls
from fedcity.web.feeds.syndication import feed_links
from fedcity.web.media import account_for_page, profile_path, statuses_for_page
from fedcity.web.sessions import viewer
from fedcity.web.templating import render

PAGE_SIZE = 20
AS2 = "application/activity+json"
# The profile shows the account's own posts and boosts, not its replies.
SHOWN = timelines.AccountFilter(exclude_replies=True, exclude_direct=True)


async def shown_actor(request: web.Request) -> Actor:
    """The account named by `{username}` in the path: a local name, or under `/@`
    a `name@domain` this instance knows (it is never looked up for a visitor).

    Raises:
        NotFound: no such account here, a deleted one, or the instance's own actor.
    """
    username, domain = split_handle(request.match_info["username"])
    if domain == request.app[SETTINGS].instance.domain.lower():
        domain = None
    if domain is not None and not request.path.startswith("/@"):
        raise NotFound()
    async with request.app[DB].session() as session:
        actor = await actor_q.get_actor_by_handle(session, username, domain)
    if (
        actor is None
        or actor.deleted_at is not None
        or actor.actor_type == "Application"
    ):
        raise NotFound()
    if actor.suspended_at is not None:
        raise Gone("This account is suspended")
    return actor


def handle_of(request: web.Request, actor: Actor) -> str:
    """`@name@domain`, as people type it (and as `fediverse:creator` wants it)."""
    domain = actor.domain or request.app[SETTINGS].instance.domain
    return f"@{actor.username}@{domain}"


def origin_of(actor: Actor) -> str | None:
    """The host a remote account lives on, as its page names it."""
    return None if actor.is_local else urlsplit(actor.url or actor.uri).netloc


def fields_html(request: web.Request, actor: Actor) -> list[dict[str, str | None]]:
    """The profile's fields with their values as HTML: a remote account's as
    sanitised when they arrived, a local account's (kept as typed) escaped with
    their links made. `verified_at` is when a link was found to link back."""
    tag_url = Urls(request.app[SETTINGS].instance.base_url).tag
    shown = []
    for field in actor.fields:
        value = field.get("value", "")
        if actor.is_local:
            value = text.render_plain_text(
                value, mention_url=lambda _: None, tag_url=tag_url
            )
            value = value.removeprefix("<p>").removesuffix("</p>")
        verified = field.get("verified_at")
        shown.append(
            {"name": field.get("name", ""), "html": value, "verified_at": verified}
        )
    return shown


async def profile_page(
    request: web.Request, actor: Actor | None = None
) -> web.Response:
    """The profile of `actor`, else of the account the path names."""
    actor = actor or await shown_actor(request)
    signed = viewer(request)
    me = signed.actor if signed else None
    max_id = parse_id(request.query.get("max_id"))
    async with request.app[DB].session() as session:
        pinned = [] if max_id else await pins.pinned_posts(session, me, actor)
        posts = await timelines.account_statuses(
            session, me, actor, Page(max_id=max_id, limit=PAGE_SIZE), SHOWN
        )
    account = account_for_page(request, actor)
    path = profile_path(account["acct"])
    older = f"{path}?max_id={posts[-1].id}" if len(posts) == PAGE_SIZE else ""
    settings = request.app[SETTINGS].instance
    return await render(
        request,
        "accounts/profile.html",
        {
            "account": account,
            "actor": actor,
            "handle": handle_of(request, actor),
            "origin": origin_of(actor),
            "bio": text.html_to_text(actor.summary),
            "fields": fields_html(request, actor),
            # Unverified claims are not shown to visitors (admins see the reason).
            "offices": [v for v in actor_views(actor) if v.status != "unverified"],
            "page_url": settings.base_url + path,
            "is_me": me is not None and me.id == actor.id,
            "pinned": await statuses_for_page(request, pinned, me, "account"),
            "statuses": await statuses_for_page(request, posts, me, "account"),
            "newer": path if max_id else "",
            "older": older,
            "alternates": [
                {"type": AS2, "href": actor.uri, "title": ""},
                # Feeds for local accounts only: a remote one's are its server's.
                *(
                    feed_links(request, path, account["display_name"] or actor.username)
                    if actor.is_local
                    else []
                ),
            ],
        },
    )
