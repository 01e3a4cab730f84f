"""Look-ups of actors and their relations."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from fedcity.storage.models import (
    AccessToken,
    Actor,
    Block,
    DomainBlock,
    Follow,
    FollowState,
    Group,
    GroupModerator,
    User,
)
from fedcity.storage.queries import escape_like


async def get_actor_by_id(session: AsyncSession, actor_id: int) -> Actor | None:
    return await session.get(Actor, actor_id)


async def get_actor_by_uri(session: AsyncSession, uri: str) -> Actor | None:
    return await session.scalar(select(Actor).where(Actor.uri == uri))


async def get_actor_by_key_id(session: AsyncSession, key_id: str) -> Actor | None:
    return await session.scalar(select(Actor).where(Actor.key_id == key_id))


async def get_actor_by_handle(
    session: AsyncSession, username: str, domain: str | None
) -> Actor | None:
    stmt = select(Actor).where(func.lower(Actor.username) == username.lower())
    stmt = stmt.where(
        Actor.domain.is_(None) if domain is None else Actor.domain == domain
    )
    return await session.scalar(stmt.limit(1))


async def get_local_actor(session: AsyncSession, username: str) -> Actor | None:
    actor = await get_actor_by_handle(session, username, None)
    return actor if actor is not None and actor.deleted_at is None else None


async def get_user_by_actor_id(session: AsyncSession, actor_id: int) -> User | None:
    return await session.scalar(select(User).where(User.actor_id == actor_id))


async def get_token_by_digest(session: AsyncSession, digest: str) -> AccessToken | None:
    return await session.scalar(
        select(AccessToken).where(
            AccessToken.token_digest == digest, AccessToken.revoked_at.is_(None)
        )
    )


async def get_follow(
    session: AsyncSession, actor_id: int, target_id: int
) -> Follow | None:
    return await session.scalar(
        select(Follow).where(Follow.actor_id == actor_id, Follow.target_id == target_id)
    )


async def get_follow_by_uri(session: AsyncSession, uri: str) -> Follow | None:
    return await session.scalar(select(Follow).where(Follow.uri == uri))


async def get_block(
    session: AsyncSession, actor_id: int, target_id: int
) -> Block | None:
    return await session.scalar(
        select(Block).where(Block.actor_id == actor_id, Block.target_id == target_id)
    )


async def is_follower(session: AsyncSession, follower_id: int, target_id: int) -> bool:
    follow = await get_follow(session, follower_id, target_id)
    return follow is not None and follow.state == FollowState.ACCEPTED


_DELIVERY_INBOX = func.coalesce(Actor.shared_inbox_uri, Actor.inbox_uri)


def _remote_inboxes() -> Select[str]:
    """Distinct delivery inboxes (shared where offered) of remote actors."""
    return (
        select(_DELIVERY_INBOX)
        .where(
            Actor.domain.is_not(None),
            Actor.deleted_at.is_(None),
            _DELIVERY_INBOX.is_not(None),
        )
        .distinct()
    )


async def list_follower_inboxes(session: AsyncSession, actor_id: int) -> list[str]:
    """Distinct delivery inboxes (shared where offered) of remote followers."""
    stmt = (
        _remote_inboxes()
        .join(Follow, Follow.actor_id == Actor.id)
        .where(Follow.target_id == actor_id, Follow.state == FollowState.ACCEPTED)
    )
    return [row for row in (await session.scalars(stmt)).all() if row]


async def list_known_inboxes(session: AsyncSession) -> list[str]:
    """Distinct delivery inboxes of every remote actor known here: one per
    server that offers a shared inbox (what Mastodon calls `Account.inboxes`)."""
    return [row for row in (await session.scalars(_remote_inboxes())).all() if row]


async def list_actors_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, Actor]:
    if not ids:
        return {}
    rows = await session.scalars(select(Actor).where(Actor.id.in_(set(ids))))
    return {actor.id: actor for actor in rows}


async def list_users_by_actor_ids(
    session: AsyncSession, actor_ids: Sequence[int]
) -> dict[int, User]:
    """The login side of those of the accounts that are local, by actor id."""
    if not actor_ids:
        return {}
    rows = await session.scalars(select(User).where(User.actor_id.in_(actor_ids)))
    return {user.actor_id: user for user in rows}


async def count_local_users(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def count_follow_requests(session: AsyncSession, actor_id: int) -> int:
    stmt = (
        select(func.count())
        .select_from(Follow)
        .where(Follow.target_id == actor_id, Follow.state == FollowState.PENDING)
    )
    return int(await session.scalar(stmt) or 0)


async def search_actors(
    session: AsyncSession,
    term: str,
    *,
    limit: int,
    offset: int = 0,
    local_only: bool = False,
    domain: str | None = None,
    among_followed_by: int | None = None,
) -> list[Actor]:
    """Accounts whose username or display name contains `term` (case-insensitive):
    an exact username first, then local ones, then by username. `domain` keeps
    remote accounts of domains starting with it; `among_followed_by` keeps the
    accounts that actor follows, and itself (as Mastodon's `following=true`)."""
    lowered = term.lower()
    pattern = f"%{escape_like(lowered)}%"
    stmt = select(Actor).where(
        or_(
            func.lower(Actor.username).like(pattern, escape="\\"),
            func.lower(Actor.display_name).like(pattern, escape="\\"),
        ),
        Actor.deleted_at.is_(None),
        Actor.actor_type != "Application",
    )
    if local_only:
        stmt = stmt.where(Actor.domain.is_(None))
    elif domain is not None:
        stmt = stmt.where(Actor.domain.like(f"{escape_like(domain)}%", escape="\\"))
    if among_followed_by is not None:
        followed = select(Follow.target_id).where(
            Follow.actor_id == among_followed_by, Follow.state == FollowState.ACCEPTED
        )
        stmt = stmt.where(or_(Actor.id.in_(followed), Actor.id == among_followed_by))
    exact = case((func.lower(Actor.username) == lowered, 0), else_=1)
    stmt = stmt.order_by(exact, Actor.domain.is_not(None), Actor.username, Actor.id)
    return list((await session.scalars(stmt.offset(offset).limit(limit))).all())


async def list_staff(session: AsyncSession, limit: int = 20) -> list[Actor]:
    """The owners and admins (those who run the instance), the oldest first."""
    stmt = (
        select(Actor)
        .join(User, User.actor_id == Actor.id)
        .where(User.role.in_(("owner", "admin")), Actor.deleted_at.is_(None))
        .order_by(User.id)
        .limit(limit)
    )
    return list(await session.scalars(stmt))


def on_domain(
    column: InstrumentedAttribute[str | None], entry: str
) -> ColumnElement[bool]:
    """`column` (an actor's host[:port]) is covered by a domain policy `entry`: a
    host covers itself on any port and its subdomains; host:port only itself."""
    if ":" in entry:
        return column == entry
    return or_(
        column == entry,
        column.endswith("." + entry, autoescape=True),
        column.startswith(entry + ":", autoescape=True),
        column.contains("." + entry + ":", autoescape=True),
    )


def silenced_domain_actor_ids() -> Select[int]:
    """Ids of remote actors on a domain the instance silenced (read from
    `domain_blocks` in the query itself, so it is never stale)."""
    domain, entry = Actor.domain, DomainBlock.domain
    covers = or_(
        domain == entry,
        domain.like(literal("%.") + entry),
        domain.like(entry + literal(":%")),
        domain.like(literal("%.") + entry + literal(":%")),
    )
    return (
        select(Actor.id)
        .join(DomainBlock, covers)
        .where(DomainBlock.severity == "silence")
    )


# --- groups (issue 13) -------------------------------------------------------------


async def get_group_by_actor_id(session: AsyncSession, actor_id: int) -> Group | None:
    return await session.scalar(select(Group).where(Group.actor_id == actor_id))


async def list_local_groups(session: AsyncSession) -> list[tuple[Group, Actor]]:
    """Every group of this instance that is not deleted, by name."""
    rows = await session.execute(
        select(Group, Actor)
        .join(Actor, Actor.id == Group.actor_id)
        .where(Actor.deleted_at.is_(None))
        .order_by(func.lower(Actor.username))
    )
    return [(group, actor) for group, actor in rows]


async def list_group_moderators(session: AsyncSession, group_id: int) -> list[Actor]:
    """A group's moderators, in the order they were made moderators."""
    rows = await session.scalars(
        select(Actor)
        .join(GroupModerator, GroupModerator.account_id == Actor.id)
        .where(GroupModerator.group_id == group_id)
        .order_by(GroupModerator.id)
    )
    return list(rows)


async def get_group_moderator(
    session: AsyncSession, group_id: int, account_id: int
) -> GroupModerator | None:
    return await session.scalar(
        select(GroupModerator).where(
            GroupModerator.group_id == group_id,
            GroupModerator.account_id == account_id,
        )
    )
