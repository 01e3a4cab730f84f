"""Search reads: which posts a viewer may find by full text (Mastodon 4.2's two
indexes, as SQL), and accounts and hashtags by name."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import (
    Actor,
    Bookmark,
    Favourite,
    LibraryItem,
    Mention,
    Poll,
    PollVote,
    Post,
    Tag,
    Visibility,
)
from fedcity.storage.queries import escape_like


def publicly_indexable() -> ColumnElement[bool]:
    """Mastodon's public index: public posts by accounts that opted in
    (`indexable`). The post of a library item follows the item's own consent
    instead (issue 14): items are published to be found, so an item's
    `indexable` wins over its author's, whichever way it goes."""
    item = LibraryItem
    return and_(
        Post.visibility == Visibility.PUBLIC,
        or_(
            and_(
                Post.actor_id.in_(select(Actor.id).where(Actor.indexable.is_(True))),
                ~exists().where(item.post_id == Post.id, item.indexable.is_(False)),
            ),
            exists().where(item.post_id == Post.id, item.indexable.is_(True)),
        ),
    )


def searchable_by(viewer_id: int) -> ColumnElement[bool]:
    """Mastodon's `searchable_by`: posts the viewer wrote, was mentioned in,
    favourited, bookmarked, boosted or voted in."""
    boosted = select(Post.reblog_of_id).where(
        Post.actor_id == viewer_id,
        Post.reblog_of_id.is_not(None),
        Post.deleted_at.is_(None),
    )
    voted = (
        select(Poll.post_id)
        .join(PollVote, PollVote.poll_id == Poll.id)
        .where(PollVote.actor_id == viewer_id)
    )
    return or_(
        Post.actor_id == viewer_id,
        Post.id.in_(select(Mention.post_id).where(Mention.actor_id == viewer_id)),
        Post.id.in_(select(Favourite.post_id).where(Favourite.actor_id == viewer_id)),
        Post.id.in_(select(Bookmark.post_id).where(Bookmark.actor_id == viewer_id)),
        Post.id.in_(boosted),
        Post.id.in_(voted),
    )


def findable_by(viewer_id: int, scope: str | None = None) -> ColumnElement[bool]:
    """Both indexes, or one: `scope` "public" (`in:public`) or "library"
    (`in:library`)."""
    if scope == "public":
        return publicly_indexable()
    if scope == "library":
        return searchable_by(viewer_id)
    return or_(publicly_indexable(), searchable_by(viewer_id))


async def list_tags_by_prefix(
    session: AsyncSession,
    prefix: str,
    *,
    limit: int,
    offset: int = 0,
    exact_only: bool = False,
) -> list[Tag]:
    """Hashtags starting with `prefix` (normalised), shortest first as Mastodon
    orders them; `exact_only` keeps just the tag named `prefix`."""
    condition = (
        Tag.name == prefix
        if exact_only
        else Tag.name.like(f"{escape_like(prefix)}%", escape="\\")
    )
    stmt = (
        select(Tag)
        .where(condition)
        .order_by(func.length(Tag.name), Tag.name)
        .offset(offset)
        .limit(limit)
    )
    return list(await session.scalars(stmt))
