"""Group threads, the posts groups carry and group bans (issue 13), for local and
remote groups alike (their `group_actor_id` is the group's actor). Groups' settings
and moderators are read through storage.queries.actors."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, GroupBan, GroupPost, GroupThread


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
