"""A group's threads and the posts it carries (local and remote groups alike:
their `group_actor_id` is the group's actor)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, GroupPost, GroupThread, Post
from fedcity.storage.types import utcnow


async def get_thread_by_root(
    session: AsyncSession, group_actor_id: int, root_post_id: int
) -> GroupThread | None:
    rows = await session.scalars(
        select(GroupThread).where(
            GroupThread.group_actor_id == group_actor_id,
            GroupThread.root_post_id == root_post_id,
        )
    )
    return rows.first()


async def get_group_post(
    session: AsyncSession, group_actor_id: int, post_id: int
) -> GroupPost | None:
    rows = await session.scalars(
        select(GroupPost).where(
            GroupPost.group_actor_id == group_actor_id, GroupPost.post_id == post_id
        )
    )
    return rows.first()


async def mark_removed(
    session: AsyncSession,
    carried: GroupPost,
    by_id: int | None = None,
    reason: str = "",
) -> bool:
    """Mark a carried post removed (by a moderator, by its author's deletion, or
    by a remote group), once: its thread counts one post fewer. Whether it was
    carried until now."""
    if carried.removed_at is not None:
        return False
    carried.removed_at = utcnow()
    carried.removed_by_id = by_id
    carried.removal_reason = reason
    thread = await session.get(GroupThread, carried.thread_id)
    if thread is not None and thread.posts_count > 0:
        thread.posts_count -= 1
    return True


async def list_group_posts_of_post(
    session: AsyncSession, post_id: int
) -> list[GroupPost]:
    """Every group that carries the post (usually one)."""
    rows = await session.scalars(select(GroupPost).where(GroupPost.post_id == post_id))
    return list(rows)


async def list_thread_post_uris(
    session: AsyncSession, thread: GroupThread, offset: int, limit: int
) -> list[str]:
    """The ids of a thread's posts that are still there, root first, then in the
    order they were written."""
    stmt = (
        select(Post.uri)
        .join(GroupPost, GroupPost.post_id == Post.id)
        .where(
            GroupPost.thread_id == thread.id,
            GroupPost.removed_at.is_(None),
            Post.deleted_at.is_(None),
        )
        .order_by((Post.id != thread.root_post_id), Post.published_at, Post.id)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def count_thread_posts(session: AsyncSession, thread: GroupThread) -> int:
    stmt = (
        select(func.count())
        .select_from(GroupPost)
        .join(Post, Post.id == GroupPost.post_id)
        .where(
            GroupPost.thread_id == thread.id,
            GroupPost.removed_at.is_(None),
            Post.deleted_at.is_(None),
        )
    )
    return int(await session.scalar(stmt) or 0)


async def list_pinned_roots(session: AsyncSession, group_actor_id: int) -> list[Post]:
    """The root posts of a group's pinned threads (its `featured` collection),
    most recently pinned first; deleted and removed posts are left out."""
    removed = exists().where(
        GroupPost.group_actor_id == group_actor_id,
        GroupPost.post_id == Post.id,
        GroupPost.removed_at.is_not(None),
    )
    rows = await session.scalars(
        select(Post)
        .join(GroupThread, GroupThread.root_post_id == Post.id)
        .where(
            GroupThread.group_actor_id == group_actor_id,
            GroupThread.pinned_at.is_not(None),
            Post.deleted_at.is_(None),
            ~removed,
        )
        .order_by(GroupThread.pinned_at.desc())
    )
    return list(rows)


async def list_boosts_by(
    session: AsyncSession, actor_id: int, post_id: int
) -> list[Post]:
    """`actor_id`'s boosts of a post that are not deleted (a group's announce of
    a member's post, where it keeps one)."""
    rows = await session.scalars(
        select(Post).where(
            Post.actor_id == actor_id,
            Post.reblog_of_id == post_id,
            Post.deleted_at.is_(None),
        )
    )
    return list(rows)


def _root_shown(posts_where: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    """A thread is listed while its root is neither deleted nor removed by a
    moderator (and, with `posts_where`, while the root passes it)."""
    removed_root = exists().where(
        GroupPost.thread_id == GroupThread.id,
        GroupPost.post_id == GroupThread.root_post_id,
        GroupPost.removed_at.is_not(None),
    )
    shown = [Post.deleted_at.is_(None), ~removed_root]
    if posts_where is not None:
        shown.append(posts_where)
    return shown


async def list_group_threads(
    session: AsyncSession,
    group_actor_id: int,
    *,
    pinned: bool,
    posts_where: ColumnElement[bool] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[tuple[GroupThread, Post]]:
    """A group's pinned threads (most recently pinned first) or its other threads
    (newest activity first), each with its root post."""
    stmt = (
        select(GroupThread, Post)
        .join(Post, Post.id == GroupThread.root_post_id)
        .where(
            GroupThread.group_actor_id == group_actor_id,
            GroupThread.pinned_at.is_not(None)
            if pinned
            else GroupThread.pinned_at.is_(None),
            *_root_shown(posts_where),
        )
        .order_by(
            (GroupThread.pinned_at if pinned else GroupThread.last_activity_at).desc(),
            GroupThread.id.desc(),
        )
        .offset(offset)
        .limit(limit)
    )
    rows = await session.execute(stmt)
    return [(thread, post) for thread, post in rows]


async def list_thread_posts(
    session: AsyncSession,
    thread: GroupThread,
    *,
    posts_where: ColumnElement[bool] | None = None,
) -> list[tuple[GroupPost, Post]]:
    """The posts the group carries in `thread` that are not deleted (and pass
    `posts_where`), removed ones included (the caller decides what to show of
    them): the root first, then by publication."""
    where = [GroupPost.thread_id == thread.id, Post.deleted_at.is_(None)]
    if posts_where is not None:
        where.append(posts_where)
    rows = await session.execute(
        select(GroupPost, Post)
        .join(Post, Post.id == GroupPost.post_id)
        .where(*where)
        .order_by(
            case((Post.id == thread.root_post_id, 0), else_=1),
            func.coalesce(Post.published_at, Post.created_at),
            Post.id,
        )
    )
    return [(row, post) for row, post in rows]


async def get_thread(session: AsyncSession, thread_id: int) -> GroupThread | None:
    return await session.get(GroupThread, thread_id)


async def get_thread_of_post(
    session: AsyncSession, group_actor_id: int, post_id: int
) -> GroupThread | None:
    """The group's thread that holds the post (its root or a reply in it)."""
    return await session.scalar(
        select(GroupThread)
        .join(GroupPost, GroupPost.thread_id == GroupThread.id)
        .where(GroupPost.group_actor_id == group_actor_id, GroupPost.post_id == post_id)
    )


async def list_groups_carrying(session: AsyncSession, post_id: int) -> list[Actor]:
    """The group actors that carry the post and have not removed it."""
    rows = await session.scalars(
        select(Actor)
        .join(GroupPost, GroupPost.group_actor_id == Actor.id)
        .where(GroupPost.post_id == post_id, GroupPost.removed_at.is_(None))
        .order_by(GroupPost.id)
    )
    return list(rows)
