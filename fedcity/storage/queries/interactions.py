"""Look-ups of bookmarks and pins; the batch ones serve a page of Status entities
with one query each."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Bookmark, Pin, Post


async def bookmarked_ids(
    session: AsyncSession, viewer_id: int, post_ids: Sequence[int]
) -> set[int]:
    if not post_ids:
        return set()
    rows = await session.scalars(
        select(Bookmark.post_id).where(
            Bookmark.actor_id == viewer_id, Bookmark.post_id.in_(post_ids)
        )
    )
    return set(rows)


async def pinned_ids(
    session: AsyncSession, viewer_id: int, post_ids: Sequence[int]
) -> set[int]:
    if not post_ids:
        return set()
    rows = await session.scalars(
        select(Pin.post_id).where(Pin.actor_id == viewer_id, Pin.post_id.in_(post_ids))
    )
    return set(rows)


async def get_bookmark(
    session: AsyncSession, actor_id: int, post_id: int
) -> Bookmark | None:
    return await session.scalar(
        select(Bookmark).where(
            Bookmark.actor_id == actor_id, Bookmark.post_id == post_id
        )
    )


async def get_pin(session: AsyncSession, actor_id: int, post_id: int) -> Pin | None:
    return await session.scalar(
        select(Pin).where(Pin.actor_id == actor_id, Pin.post_id == post_id)
    )


async def count_pins(session: AsyncSession, actor_id: int) -> int:
    """Pins of statuses that still exist (a deleted status frees its place)."""
    count = await session.scalar(
        select(func.count())
        .select_from(Pin)
        .join(Post, Post.id == Pin.post_id)
        .where(Pin.actor_id == actor_id, Post.deleted_at.is_(None))
    )
    return int(count or 0)


async def list_pinned_posts(session: AsyncSession, actor_id: int) -> list[Post]:
    """The account's pinned statuses that still exist, most recently pinned first."""
    rows = await session.scalars(
        select(Post)
        .join(Pin, Pin.post_id == Post.id)
        .where(Pin.actor_id == actor_id, Post.deleted_at.is_(None))
        .order_by(Pin.id.desc())
    )
    return list(rows)
