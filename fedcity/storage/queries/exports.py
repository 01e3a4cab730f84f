"""An account's own data, page by page for its export: its posts, whom it
follows and who follows it. Each page starts after the last id of the one
before (keyset pagination), so an export never holds everything at once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from fedcity.storage.models import Actor, Follow, FollowState, Post


async def posts_page(
    session: AsyncSession, actor_id: int, after_id: int, limit: int
) -> Sequence[tuple[Post, str | None]]:
    """The account's undeleted posts (and boosts) with ids above `after_id`,
    oldest first, each with the URI of the post it boosts (None otherwise)."""
    boosted = aliased(Post)
    rows = (
        await session.execute(
            select(Post, boosted.uri)
            .outerjoin(boosted, boosted.id == Post.reblog_of_id)
            .where(
                Post.actor_id == actor_id,
                Post.deleted_at.is_(None),
                Post.id > after_id,
            )
            .order_by(Post.id)
            .limit(limit)
        )
    ).all()
    return [(row[0], row[1]) for row in rows]


async def following_page(
    session: AsyncSession, actor_id: int, after_id: int, limit: int
) -> Sequence[tuple[Follow, Actor]]:
    """Accepted follows of the account, with the followed actor, oldest first."""
    return await _follows_page(
        session, Follow.actor_id, Follow.target_id, actor_id, after_id, limit
    )


async def followers_page(
    session: AsyncSession, actor_id: int, after_id: int, limit: int
) -> Sequence[tuple[Follow, Actor]]:
    """Accepted follows of others to the account, with the follower, oldest first."""
    return await _follows_page(
        session, Follow.target_id, Follow.actor_id, actor_id, after_id, limit
    )


async def _follows_page(
    session: AsyncSession,
    side: InstrumentedAttribute[int],
    other: InstrumentedAttribute[int],
    actor_id: int,
    after_id: int,
    limit: int,
) -> Sequence[tuple[Follow, Actor]]:
    """Accepted follows whose `side` is the account, with the actor on the
    `other` side, ids above `after_id`, oldest first."""
    rows = (
        await session.execute(
            select(Follow, Actor)
            .join(Actor, Actor.id == other)
            .where(
                side == actor_id,
                Follow.state == FollowState.ACCEPTED,
                Follow.id > after_id,
            )
            .order_by(Follow.id)
            .limit(limit)
        )
    ).all()
    return [(row[0], row[1]) for row in rows]
