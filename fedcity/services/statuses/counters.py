"""Denormalised counters, changed by atomic UPDATEs so concurrent workers never race."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.util import identity_key

from fedcity.storage.models import Actor, Post


async def bump_post(
    session: AsyncSession, post_id: int, column: InstrumentedAttribute[int], delta: int
) -> None:
    await session.execute(
        update(Post).where(Post.id == post_id).values({column: column + delta})
    )
    await _refresh_if_loaded(session, Post, post_id, column.key)


async def bump_actor(
    session: AsyncSession, actor_id: int, column: InstrumentedAttribute[int], delta: int
) -> None:
    await session.execute(
        update(Actor).where(Actor.id == actor_id).values({column: column + delta})
    )
    await _refresh_if_loaded(session, Actor, actor_id, column.key)


async def _refresh_if_loaded(
    session: AsyncSession, model: type[Post] | type[Actor], row_id: int, key: str
) -> None:
    instance = session.sync_session.identity_map.get(identity_key(model, row_id))
    if instance is not None:
        await session.refresh(instance, [key])


async def count_new_post(
    session: AsyncSession, author: Actor, post: Post, parent: Post | None
) -> None:
    """A new post adds one to its author's statuses (and sets when they last
    posted) and one to the replies of the post it answers."""
    await bump_actor(session, author.id, Actor.statuses_count, 1)
    author.last_status_at = post.created_at
    if parent is not None:
        await bump_post(session, parent.id, Post.replies_count, 1)
