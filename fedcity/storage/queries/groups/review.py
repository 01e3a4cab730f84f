"""What a group's moderators review: the posts removed from the group, and the
reports (`reports` rows) that name posts the group carries."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import GroupPost, GroupThread, Post, Report


async def list_removed_posts(
    session: AsyncSession, group_actor_id: int, offset: int, limit: int
) -> list[Row[GroupPost, Post, int]]:
    """The posts removed from a group, each with its thread's root post id, the
    latest removal first."""
    stmt = (
        select(GroupPost, Post, GroupThread.root_post_id)
        .join(Post, Post.id == GroupPost.post_id)
        .join(GroupThread, GroupThread.id == GroupPost.thread_id)
        .where(
            GroupPost.group_actor_id == group_actor_id,
            GroupPost.removed_at.is_not(None),
        )
        .order_by(GroupPost.removed_at.desc(), GroupPost.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all())


async def list_reports_on_authors(
    session: AsyncSession, group_actor_id: int, max_id: int | None, limit: int
) -> list[Report]:
    """Reports about accounts that wrote a post the group carries, newest first
    (before `max_id`). A report names its posts in a JSON list (`status_ids`),
    which SQLite and PostgreSQL search differently: the caller keeps those that
    name one of the group's posts (`map_group_posts`)."""
    authors = (
        select(Post.actor_id)
        .join(GroupPost, GroupPost.post_id == Post.id)
        .where(GroupPost.group_actor_id == group_actor_id)
    )
    stmt = select(Report).where(Report.target_id.in_(authors))
    if max_id is not None:
        stmt = stmt.where(Report.id < max_id)
    rows = await session.scalars(stmt.order_by(Report.id.desc()).limit(limit))
    return list(rows)


async def map_group_posts(
    session: AsyncSession, group_actor_id: int, post_ids: Collection[int]
) -> dict[int, int]:
    """Of `post_ids`, those the group carries, each to its thread's root post id."""
    if not post_ids:
        return {}
    rows = await session.execute(
        select(GroupPost.post_id, GroupThread.root_post_id)
        .join(GroupThread, GroupThread.id == GroupPost.thread_id)
        .where(
            GroupPost.group_actor_id == group_actor_id,
            GroupPost.post_id.in_(set(post_ids)),
        )
    )
    return {post_id: root_id for post_id, root_id in rows}
