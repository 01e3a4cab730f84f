"""The library's queries for federation (issue 14): the items the instance
actor's outbox lists, a remote author's items with their posts (consent), and
the instances this one subscribes to."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, Follow, LibraryItem, Post, Visibility


def _published(origin: str) -> tuple[ColumnElement[bool], ...]:
    """Local items still published: public, not withdrawn, their post not deleted."""
    return (
        LibraryItem.origin == origin,
        LibraryItem.withdrawn_at.is_(None),
        Post.deleted_at.is_(None),
        Post.visibility == Visibility.PUBLIC,
        Post.local.is_(True),
    )


async def list_published_items(
    session: AsyncSession, origin: str, *, max_id: int | None, limit: int
) -> list[LibraryItem]:
    """Items published here (`origin`), newest first, ids below `max_id`."""
    stmt = (
        select(LibraryItem)
        .join(Post, Post.id == LibraryItem.post_id)
        .where(*_published(origin))
        .order_by(LibraryItem.id.desc())
        .limit(limit)
    )
    if max_id is not None:
        stmt = stmt.where(LibraryItem.id < max_id)
    return list(await session.scalars(stmt))


async def count_published_items(session: AsyncSession, origin: str) -> int:
    stmt = (
        select(func.count())
        .select_from(LibraryItem)
        .join(Post, Post.id == LibraryItem.post_id)
        .where(*_published(origin))
    )
    return int(await session.scalar(stmt) or 0)


async def list_items_with_posts(
    session: AsyncSession, actor_id: int
) -> list[Row[LibraryItem, Post]]:
    """An author's items that are not withdrawn, each with its post."""
    rows = await session.execute(
        select(LibraryItem, Post)
        .join(Post, Post.id == LibraryItem.post_id)
        .where(LibraryItem.actor_id == actor_id, LibraryItem.withdrawn_at.is_(None))
        .order_by(LibraryItem.id)
    )
    return list(rows.all())


async def list_followed_instances(
    session: AsyncSession, actor_id: int
) -> list[tuple[str, str]]:
    """(domain, follow state) of each remote actor `actor_id` follows, by domain."""
    rows = await session.execute(
        select(Actor.domain, Follow.state)
        .join(Follow, Follow.target_id == Actor.id)
        .where(Follow.actor_id == actor_id, Actor.domain.is_not(None))
        .order_by(Actor.domain)
    )
    return [(domain or "", state) for domain, state in rows]


async def count_items_by_origin(
    session: AsyncSession, origins: Sequence[str]
) -> dict[str, int]:
    """How many items (not withdrawn) came from each origin (absent: none)."""
    if not origins:
        return {}
    rows = await session.execute(
        select(LibraryItem.origin, func.count())
        .where(LibraryItem.origin.in_(origins), LibraryItem.withdrawn_at.is_(None))
        .group_by(LibraryItem.origin)
    )
    return {origin: count for origin, count in rows}
