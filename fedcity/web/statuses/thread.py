"""A post's page, `/@name/ID` (and `/@name@domain/ID` for a remote post known
here): the post with its thread, as far as the visitor may see it; and its
embeddable form, `/@name/ID/embed`, which other sites frame (oEmbed points at it).
Servers asking for ActivityPub JSON at the same URL get the Note
(`web.activitypub`)."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from fedcity import text
from fedcity.api.entities.formats import Entity
from fedcity.appkeys import DB, SETTINGS
from fedcity.errors import Gone, NotFound
from fedcity.ids import require_id
from fedcity.services.feeds import timelines
from fedcity.services.statuses.visibility import can_view
from fedcity.storage.models import Actor, Post, Visibility
from fedcity.storage.queries import posts as post_q
from fedcity.web.accounts.profile_page import AS2, handle_of, origin_of, shown_actor
from fedcity.web.media import statuses_for_page
from fedcity.web.security import EMBEDDABLE
from fedcity.web.sessions import viewer
from fedcity.web.templating import render

OEMBED = "application/json+oembed"


async def _shown_post(request: web.Request, me: Actor | None) -> tuple[Actor, Post]:
    """The post in the path, by the account in the path, if `me` may see it.

    Raises:
        NotFound: no such post by that account, a boost, or one hidden from `me`.
        Gone: a deleted post.
    """
    author = await shown_actor(request)
    post_id = require_id(request.match_info["post_id"])
    async with request.app[DB].session() as session:
        post = await post_q.get_post_by_id(session, post_id)
        if post is None or post.actor_id != author.id or post.reblog_of_id:
            raise NotFound()
        if post.deleted_at is not None:
            raise Gone("This post has been deleted")
        if not await can_view(session, me, post):
            raise NotFound()
    return author, post


def _preview(status: Entity) -> tuple[str, str]:
    """The plain-text description and the image of a post's link preview."""
    description = status["spoiler_text"] or text.html_to_text(status["content"])
    images = [m for m in status["media_attachments"] if m["type"] == "image"]
    if images and not status["sensitive"]:
        return description, images[0]["preview_url"] or images[0]["url"]
    return description, status["account"]["avatar"]


def _alternates(request: web.Request, post: Post, page_url: str) -> list[Entity]:
    alternates: list[Entity] = [{"type": AS2, "href": post.uri, "title": ""}]
    if post.local and post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        base = request.app[SETTINGS].instance.base_url
        href = f"{base}/api/oembed?url={quote(page_url, safe='')}"
        alternates.append({"type": OEMBED, "href": href, "title": ""})
    return alternates


async def status_page(request: web.Request) -> web.Response:
    signed = viewer(request)
    me = signed.actor if signed else None
    author, post = await _shown_post(request, me)
    async with request.app[DB].session() as session:
        ancestors, descendants = await timelines.context(session, me, post)
    [status] = await statuses_for_page(request, [post], me)
    description, image = _preview(status)
    page_url = status["url"] or post.uri
    return await render(
        request,
        "statuses/thread.html",
        {
            "status": status,
            "ancestors": await statuses_for_page(request, ancestors, me, "thread"),
            "descendants": await statuses_for_page(request, descendants, me, "thread"),
            "handle": handle_of(request, author),
            "origin": origin_of(author),
            "description": description,
            "image": image,
            "page_url": page_url,
            "alternates": _alternates(request, post, page_url),
        },
    )


async def embed_page(request: web.Request) -> web.Response:
    """The post alone, in a compact page that any site may frame. Only posts
    anyone may see are embedded, whoever is signed in."""
    request[EMBEDDABLE] = True
    author, post = await _shown_post(request, None)
    [status] = await statuses_for_page(request, [post], None)
    return await render(
        request,
        "statuses/embed.html",
        {"status": status, "handle": handle_of(request, author)},
    )
