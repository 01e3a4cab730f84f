"""Lists of groups: the API's (approved, own, awaiting approval) and the web
directory's, and the groups an account follows."""

from __future__ import annotations

from sqlalchemy import Row, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import (
    Actor,
    Follow,
    Group,
    GroupModerator,
)
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page


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


async def list_directory_groups(session: AsyncSession) -> list[tuple[Group, Actor]]:
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
