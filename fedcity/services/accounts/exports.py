"""An account's export: its posts, whom it follows and who follows it, as rows
for CSV (Mastodon's import format for follows) and JSON, read page by page."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import text
from fedcity.storage.models import Actor, Post
from fedcity.storage.queries import exports as q

PAGE = 200
# Mastodon's following_accounts.csv header, which its import reads back.
FOLLOWING_HEADER = (
    "Account address",
    "Show boosts",
    "Notify on new posts",
    "Languages",
)
FOLLOWERS_HEADER = ("Account address",)
POSTS_HEADER = (
    "id",
    "uri",
    "url",
    "published",
    "visibility",
    "in_reply_to",
    "boost_of",
    "language",
    "sensitive",
    "content_warning",
    "text",
    "media",
)


def address(actor: Actor, own_domain: str) -> str:
    """`name@domain`, as Mastodon writes accounts in its CSV files."""
    return f"{actor.username}@{actor.domain or own_domain}"


def csv_line(values: Iterable[object]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


async def posts(
    session: AsyncSession, actor: Actor
) -> AsyncIterator[tuple[Post, str | None]]:
    """Every undeleted post of the account with what it boosts, oldest first."""
    after = 0
    while page := await q.posts_page(session, actor.id, after, PAGE):
        for post, boosted in page:
            yield post, boosted
        after = page[-1][0].id


def post_json(post: Post, boosted: str | None) -> dict[str, Any]:
    published = post.published_at or post.created_at
    return {
        "id": str(post.id),
        "uri": post.uri,
        "url": post.url,
        "published": published.isoformat(),
        "visibility": post.visibility,
        "in_reply_to": post.in_reply_to_uri,
        "boost_of": boosted,
        "language": post.language,
        "sensitive": post.sensitive,
        "content_warning": post.spoiler_text,
        "content": post.content,
        "text": post.source
        if post.source is not None
        else text.html_to_text(post.content),
        "media": [
            {"url": item.get("url"), "description": item.get("description")}
            for item in post.attachments or []
        ],
    }


def post_row(post: Post, boosted: str | None) -> list[object]:
    entry = post_json(post, boosted)
    return [
        *(entry[key] for key in POSTS_HEADER[:-1]),
        " ".join(str(item["url"]) for item in entry["media"] if item["url"]),
    ]


async def following(
    session: AsyncSession, actor: Actor, own_domain: str
) -> AsyncIterator[dict[str, Any]]:
    """Whom the account follows, oldest follow first."""
    after = 0
    while page := await q.following_page(session, actor.id, after, PAGE):
        for follow, target in page:
            yield {
                "address": address(target, own_domain),
                "uri": target.uri,
                "show_boosts": follow.show_reblogs,
                "notify": follow.notify,
                "languages": [c for c in (follow.languages or "").split(",") if c],
            }
        after = page[-1][0].id


def following_row(entry: dict[str, Any]) -> list[object]:
    return [
        entry["address"],
        "true" if entry["show_boosts"] else "false",
        "true" if entry["notify"] else "false",
        ", ".join(entry["languages"]),
    ]


async def followers(
    session: AsyncSession, actor: Actor, own_domain: str
) -> AsyncIterator[dict[str, Any]]:
    """Who follows the account, oldest follow first."""
    after = 0
    while page := await q.followers_page(session, actor.id, after, PAGE):
        for _, follower in page:
            yield {"address": address(follower, own_domain), "uri": follower.uri}
        after = page[-1][0].id
