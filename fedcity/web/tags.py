"""/tags/NAME: the page hashtag links in posts point at (recent public posts), and
/@USER/tagged/NAME: one local account's public posts with the tag (where its
featured hashtags link, as on Mastodon)."""

from __future__ import annotations

from html import escape

from aiohttp import web
from sqlalchemy import ColumnElement, select

from fedcity.appkeys import DB
from fedcity.storage.models import Actor, Post, PostTag, Tag, Visibility
from fedcity.storage.queries import actors as actor_q
from fedcity.web.pages import render_page

RECENT = 40


async def tag_page(request: web.Request) -> web.Response:
    name = request.match_info["name"].lower()
    return await _page(request, name, f"#{name}")


async def account_tag_page(request: web.Request) -> web.Response:
    name = request.match_info["name"].lower()
    async with request.app[DB].session() as session:
        actor = await actor_q.get_local_actor(session, request.match_info["username"])
    if actor is None or actor.actor_type == "Application":
        raise web.HTTPNotFound()
    title = f"#{name} · {actor.display_name or actor.username}"
    return await _page(request, name, title, Post.actor_id == actor.id)


async def _page(
    request: web.Request, name: str, title: str, *only: ColumnElement[bool]
) -> web.Response:
    async with request.app[DB].session() as session:
        rows = (
            await session.execute(
                select(Post, Actor)
                .join(PostTag, PostTag.post_id == Post.id)
                .join(Tag, Tag.id == PostTag.tag_id)
                .join(Actor, Actor.id == Post.actor_id)
                .where(
                    Tag.name == name,
                    Post.visibility == Visibility.PUBLIC,
                    Post.deleted_at.is_(None),
                    *only,
                )
                .order_by(Post.id.desc())
                .limit(RECENT)
            )
        ).all()
    items = "".join(
        f'<article><p class="meta"><a href="{escape(actor.url or actor.uri)}">'
        f"{escape(actor.display_name or actor.username)}</a></p>{post.content}</article><hr>"
        for post, actor in rows
    )
    body = f"<h1>{escape(title)}</h1>" + (items or "<p>No public posts yet.</p>")
    return render_page(title, body)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/tags/{name}", tag_page)
    app.router.add_get("/@{username}/tagged/{name}", account_tag_page)
