"""Group threads, the posts groups carry and group bans (issue 13), for local and
remote groups alike (their `group_actor_id` is the group's actor). Groups' settings
and moderators are read through storage.queries.actors."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import (
    Actor,
    Follow,
    Group,
    GroupBan,
    GroupPost,
    GroupThread,
    Post,
)


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


async def list_group_posts_of_post(
    session: AsyncSession, post_id: int
) -> list[GroupPost]:
    """Every group that carries the post (usually one)."""
    rows = await session.scalars(select(GroupPost).where(GroupPost.post_id == post_id))
    return list(rows)


async def get_ban(
    session: AsyncSession, group_actor_id: int, actor_id: int
) -> GroupBan | None:
    rows = await session.scalars(
        select(GroupBan).where(
            GroupBan.group_actor_id == group_actor_id, GroupBan.actor_id == actor_id
        )
    )
    return rows.first()


# --- reading: the directory, a group's threads, a thread's posts (web pages) --------


async def list_listed_groups(session: AsyncSession) -> list[tuple[Group, Actor]]:
    """This instance's groups that the directory lists: approved, not deleted,
    not suspended, by name."""
    rows = await session.execute(
        select(Group, Actor)
        .join(Actor, Actor.id == Group.actor_id)
        .where(
            Group.approved_at.is_not(None),
            Actor.deleted_at.is_(None),
            Actor.suspended_at.is_(None),
        )
        .order_by(func.lower(Actor.username))
    )
    return [(group, actor) for group, actor in rows]


async def list_followed_groups(
    session: AsyncSession, follower_id: int
) -> list[tuple[Actor, Follow]]:
    """The groups, local and remote, that `follower_id` follows or asked to
    follow, with the follow (its state says member or pending), by name."""
    rows = await session.execute(
        select(Actor, Follow)
        .join(Follow, Follow.target_id == Actor.id)
        .where(
            Follow.actor_id == follower_id,
            Actor.actor_type == "Group",
            Actor.deleted_at.is_(None),
        )
        .order_by(func.lower(Actor.username), Actor.domain)
    )
    return [(actor, follow) for actor, follow in rows]


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
