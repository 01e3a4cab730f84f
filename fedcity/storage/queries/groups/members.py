"""A group's members as the rules read them: bans, pending requests, members'
offices (the quorum guard and the `officials` policy), the groups that follow a
group, and what members' servers run (the form of its announces)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from fedcity.storage.models import (
    Actor,
    Follow,
    FollowState,
    Group,
    GroupBan,
    GroupPolicy,
    GroupPost,
    Mention,
    PeerInstance,
    Post,
)
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page


async def get_ban(
    session: AsyncSession, group_actor_id: int, actor_id: int
) -> GroupBan | None:
    rows = await session.scalars(
        select(GroupBan).where(
            GroupBan.group_actor_id == group_actor_id, GroupBan.actor_id == actor_id
        )
    )
    return rows.first()


async def domain_has_member(
    session: AsyncSession, group_actor_id: int, domain: str
) -> bool:
    """Whether an account of `domain` is an approved member of the group."""
    stmt = (
        select(Follow.id)
        .join(Actor, Actor.id == Follow.actor_id)
        .where(
            Follow.target_id == group_actor_id,
            Follow.state == FollowState.ACCEPTED,
            Actor.domain == domain,
        )
        .limit(1)
    )
    return await session.scalar(stmt) is not None


async def list_local_groups_following(
    session: AsyncSession, actor_id: int
) -> list[tuple[Group, Actor]]:
    """The local groups that follow `actor_id` (accepted): hubs of its threads."""
    rows = await session.execute(
        select(Group, Actor)
        .join(Actor, Actor.id == Group.actor_id)
        .join(Follow, Follow.actor_id == Actor.id)
        .where(
            Follow.target_id == actor_id,
            Follow.state == FollowState.ACCEPTED,
            Actor.deleted_at.is_(None),
        )
    )
    return [(group, actor) for group, actor in rows]


# A member's id, capacity and `actors.offices` summaries: what the office status of
# each member is read from (services.offices.status), without loading whole actors
# (a remote actor's row carries its document).
MemberOffices = tuple[int, str, list[dict[str, Any]]]


def _members_of(group_actor_id: int | InstrumentedAttribute[int]) -> Select[int]:
    return select(Follow.actor_id).where(
        Follow.target_id == group_actor_id, Follow.state == FollowState.ACCEPTED
    )


async def list_member_offices(
    session: AsyncSession, group_actor_id: int, member_id: int | None = None
) -> list[MemberOffices]:
    """The group's members (its accepted followers, local and remote) with their
    offices; only `member_id` when given."""
    query = select(Actor.id, Actor.capacity, Actor.offices).where(
        Actor.id.in_(_members_of(group_actor_id)), Actor.deleted_at.is_(None)
    )
    if member_id is not None:
        query = query.where(Actor.id == member_id)
    rows = await session.execute(query.order_by(Actor.id))
    return [(id_, capacity, offices or []) for id_, capacity, offices in rows]


def _officials_groups() -> Select[Group, Actor]:
    return (
        select(Group, Actor)
        .join(Actor, Actor.id == Group.actor_id)
        .where(Group.policy == GroupPolicy.OFFICIALS, Actor.deleted_at.is_(None))
        .order_by(Group.id)
    )


async def list_officials_groups(
    session: AsyncSession, member_id: int | None = None
) -> list[tuple[Group, Actor]]:
    """This instance's `officials` groups; with `member_id`, those it is a member
    of."""
    query = _officials_groups()
    if member_id is not None:
        query = query.where(
            exists(_members_of(Group.actor_id).where(Follow.actor_id == member_id))
        )
    rows = await session.execute(query)
    return [(group, actor) for group, actor in rows]


async def has_officials_group_members(session: AsyncSession) -> bool:
    """Whether an `officials` group of this instance has any member."""
    query = _officials_groups().where(exists(_members_of(Group.actor_id)))
    return (await session.execute(query.limit(1))).first() is not None


async def list_posts_to(
    session: AsyncSession, author_id: int, recipient_id: int
) -> list[Post]:
    """The posts of `author` (a group) that mention `recipient`, newest first."""
    rows = await session.scalars(
        select(Post)
        .join(Mention, Mention.post_id == Post.id)
        .where(Post.actor_id == author_id, Mention.actor_id == recipient_id)
        .order_by(Post.id.desc())
    )
    return list(rows)


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


async def software_by_origin(
    session: AsyncSession, origins: set[str]
) -> dict[str, str]:
    """What the servers at `origins` run, where looked up (NodeInfo's software
    name, "" when they gave none): a group picks the form of its announces by it."""
    if not origins:
        return {}
    rows = await session.execute(
        select(PeerInstance.origin, PeerInstance.software).where(
            PeerInstance.origin.in_(origins), PeerInstance.software.is_not(None)
        )
    )
    return {origin: software or "" for origin, software in rows}


async def is_member_of_group_carrying(
    session: AsyncSession, member_id: int, post_id: int
) -> bool:
    """Whether `member_id` is an accepted follower of a group that carries the
    post and has not removed it."""
    stmt = (
        select(GroupPost.id)
        .join(
            Follow,
            (Follow.target_id == GroupPost.group_actor_id)
            & (Follow.actor_id == member_id),
        )
        .where(
            GroupPost.post_id == post_id,
            GroupPost.removed_at.is_(None),
            Follow.state == FollowState.ACCEPTED,
        )
        .limit(1)
    )
    return await session.scalar(stmt) is not None
