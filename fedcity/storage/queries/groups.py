"""Group threads, the posts groups carry and group bans (issue 13), for local and
remote groups alike (their `group_actor_id` is the group's actor). Groups' settings
and moderators are read through storage.queries.actors."""

from __future__ import annotations

from sqlalchemy import Row, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import (
    Actor,
    Follow,
    FollowState,
    Group,
    GroupBan,
    GroupModerator,
    GroupPost,
    GroupThread,
    Post,
)
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page


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


async def list_bans(
    session: AsyncSession, group_actor_id: int, page: Page
) -> list[Row[GroupBan, Actor]]:
    """A group's bans with the banned accounts, newest first, paged on ban ids
    (expired ones too: they are lifted by hand, or replaced by a new ban)."""
    stmt = (
        select(GroupBan, Actor)
        .join(Actor, Actor.id == GroupBan.actor_id)
        .where(GroupBan.group_actor_id == group_actor_id)
    )
    return await paged_rows(session, stmt, GroupBan.id, page)


async def list_pending_members(
    session: AsyncSession, group_actor_id: int, page: Page
) -> list[Row[int, Actor]]:
    """Accounts asking to join a group (pending follows), newest first, paged on
    the follows' ids as Mastodon pages follow requests."""
    stmt = (
        select(Follow.id, Actor)
        .join(Actor, Actor.id == Follow.actor_id)
        .where(Follow.target_id == group_actor_id, Follow.state == FollowState.PENDING)
    )
    return await paged_rows(session, stmt, Follow.id, page)


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


async def list_listed_groups(
    session: AsyncSession, page: Page, viewer_id: int | None
) -> list[Row[Group, Actor]]:
    """Local groups that are not deleted, newest first, paged on their actors'
    ids: the approved ones, and those `viewer_id` proposed or moderates."""
    own = (
        or_(
            Group.created_by_id == viewer_id,
            exists().where(
                GroupModerator.group_id == Group.id,
                GroupModerator.account_id == viewer_id,
            ),
        )
        if viewer_id is not None
        else None
    )
    listed = Group.approved_at.is_not(None)
    stmt = (
        select(Group, Actor)
        .join(Actor, Actor.id == Group.actor_id)
        .where(Actor.deleted_at.is_(None), listed if own is None else or_(listed, own))
    )
    return await paged_rows(session, stmt, Actor.id, page)


async def list_awaiting_groups(
    session: AsyncSession, page: Page
) -> list[Row[Group, Actor]]:
    """Proposed groups waiting for an admin's approval, newest first."""
    stmt = (
        select(Group, Actor)
        .join(Actor, Actor.id == Group.actor_id)
        .where(Actor.deleted_at.is_(None), Group.approved_at.is_(None))
    )
    return await paged_rows(session, stmt, Actor.id, page)
