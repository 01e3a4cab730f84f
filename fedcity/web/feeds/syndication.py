"""RSS 2.0 and Atom 1.0 feeds of every local profile and every hashtag:
`/@NAME.rss`, `/@NAME.atom`, `/tags/NAME.rss`, `/tags/NAME.atom`.

A profile's feed carries its 20 latest public posts without boosts and without
replies to other accounts (as Mastodon's RSS: a thread the author continues stays
in); a hashtag's, the 20 latest public posts with it known here. Unlisted,
followers-only and direct posts never appear. Registered before the ActivityPub
routes (app.py), whose `/@{username}` would otherwise answer `/@NAME.rss`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from aiohttp import web

from fedcity import i18n
from fedcity.api.entities.statuses import serialize_statuses
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.i18n import N_
from fedcity.services.discovery import public_posts
from fedcity.storage.queries.posts import Page
from fedcity.web.feeds import render
from fedcity.web.templating import page_language

Renderer = Callable[[render.Feed, Sequence[dict[str, Any]]], bytes]
FORMATS: dict[str, tuple[Renderer, str]] = {
    "rss": (render.rss, "application/rss+xml"),
    "atom": (render.atom, "application/atom+xml"),
}
MAX_AGE = 300  # seconds a reader or proxy may keep a feed


def _answer(
    kind: str, feed: render.Feed, statuses: Sequence[dict[str, Any]]
) -> web.Response:
    renderer, content_type = FORMATS[kind]
    response = web.Response(
        body=renderer(feed, statuses), content_type=content_type, charset="utf-8"
    )
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def feed_links(request: web.Request, path: str, title: str) -> list[dict[str, str]]:
    """The `alternates` of a page whose feeds are `path`.rss and `path`.atom
    (a profile page: `feed_links(request, "/@name", title)`)."""
    language = page_language(request)
    return [
        {
            "type": "application/rss+xml",
            "href": f"{path}.rss",
            "title": i18n.translate(language, N_("{title} (RSS)"), {"title": title}),
        },
        {
            "type": "application/atom+xml",
            "href": f"{path}.atom",
            "title": i18n.translate(language, N_("{title} (Atom)"), {"title": title}),
        },
    ]


async def profile_feed(request: web.Request) -> web.Response:
    kind = request.match_info["format"]
    urls = request.app[FEDERATION].urls
    domain = request.app[SETTINGS].instance.domain
    language = page_language(request)
    async with request.app[DB].session() as session:
        author = await public_posts.local_author(
            session, request.match_info["username"]
        )
        posts = await public_posts.profile_feed(session, author)
        statuses = await serialize_statuses(session, posts, None, urls)
    name = author.display_name or author.username
    page = urls.profile_page(author.username)
    feed = render.Feed(
        title=f"{name} (@{author.username}@{domain})",
        description=i18n.translate(
            language,
            N_("Public posts from @{user}@{domain}"),
            {"user": author.username, "domain": domain},
        ),
        page=page,
        self_url=f"{page}.{kind}",
        image=urls.avatar(author.avatar_url),
        author=name,
        author_url=page,
    )
    return _answer(kind, feed, statuses)


async def tag_feed(request: web.Request) -> web.Response:
    kind = request.match_info["format"]
    urls = request.app[FEDERATION].urls
    instance = request.app[SETTINGS].instance
    language = page_language(request)
    name = public_posts.hashtag(request.match_info["name"])
    async with request.app[DB].session() as session:
        posts = await public_posts.tagged(
            session, name, Page(limit=public_posts.FEED_SIZE)
        )
        statuses = await serialize_statuses(session, posts, None, urls)
    page = f"{urls.base}/tags/{quote(name)}"
    feed = render.Feed(
        title=f"#{name}",
        description=i18n.translate(
            language,
            N_("Public posts with #{name} on {instance}"),
            {"name": name, "instance": instance.name},
        ),
        page=page,
        self_url=f"{page}.{kind}",
    )
    return _answer(kind, feed, statuses)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/@{username}.{format:rss|atom}", profile_feed)
    app.router.add_get("/tags/{name}.{format:rss|atom}", tag_feed)
