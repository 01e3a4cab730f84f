"""/tags/NAME: the page hashtag links in posts point at (recent public posts), and
/@USER/tagged/NAME: one local account's public posts with the tag (where its
featured hashtags link, as on Mastodon). Paged with `max_id` (older) and
`min_id` (newer); each advertises its RSS and Atom feeds."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web

from fedcity.api.entities.statuses import serialize_statuses
from fedcity.appkeys import DB, FEDERATION
from fedcity.services.discovery import public_posts
from fedcity.storage.models import Actor
from fedcity.storage.queries.posts import Page
from fedcity.web.feeds.syndication import feed_links
from fedcity.web.sessions import viewer
from fedcity.web.templating import render

PAGE_SIZE = 20


def _page(request: web.Request) -> Page:
    def number(key: str) -> int | None:
        value = request.query.get(key, "")
        return int(value) if value.isdigit() and len(value) < 20 else None

    return Page(max_id=number("max_id"), min_id=number("min_id"), limit=PAGE_SIZE)


async def tag_page(request: web.Request) -> web.Response:
    return await _tag_page(request, None)


async def account_tag_page(request: web.Request) -> web.Response:
    async with request.app[DB].session() as session:
        author = await public_posts.local_author(
            session, request.match_info["username"]
        )
    return await _tag_page(request, author)


async def _tag_page(request: web.Request, author: Actor | None) -> web.Response:
    name = public_posts.hashtag(request.match_info["name"])
    page = _page(request)
    signed = viewer(request)
    me = signed.actor if signed else None
    async with request.app[DB].session() as session:
        posts = await public_posts.tagged(session, name, page, author)
        statuses = await serialize_statuses(
            session, posts, me, request.app[FEDERATION].urls
        )
    path = f"/tags/{quote(name)}"
    context: dict[str, Any] = {
        "name": name,
        "author": author,
        "statuses": statuses,
        "older": "",
        "newer": "",
        "tag_path": path,
        "alternates": feed_links(request, path, f"#{name}"),
    }
    here = request.path
    if posts and len(posts) == PAGE_SIZE:
        context["older"] = f"{here}?max_id={posts[-1].id}"
    if posts and (page.max_id is not None or page.min_id is not None):
        context["newer"] = f"{here}?min_id={posts[0].id}"
    return await render(request, "discovery/tag.html", context)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/tags/{name}", tag_page)
    app.router.add_get("/@{username}/tagged/{name}", account_tag_page)
