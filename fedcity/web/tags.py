"""/tags/NAME: the page hashtag links in posts point at (recent public posts)."""

from __future__ import annotations

from html import escape

from aiohttp import web
from sqlalchemy import select

from fedcity.appkeys import DB
from fedcity.storage.models import Actor, Post, PostTag, Tag, Visibility
from fedcity.web.pages import render_page

RECENT = 40


async def tag_page(request: web.Request) -> web.Response:
    name = request.match_info["name"].lower()
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
    body = f"<h1>#{escape(name)}</h1>" + (items or "<p>No public posts yet.</p>")
    return render_page(f"#{name}", body)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/tags/{name}", tag_page)
