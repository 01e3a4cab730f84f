"""Bookmarks: statuses a local account saves for itself. Nobody else hears of them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, Bookmark, Post
from fedcity.storage.queries import interactions as q


async def bookmark(session: AsyncSession, actor: Actor, post: Post) -> None:
    """Bookmark `post` (already checked visible); bookmarking twice keeps one."""
    if await q.get_bookmark(session, actor.id, post.id) is None:
        session.add(Bookmark(actor_id=actor.id, post_id=post.id))
        await session.flush()


async def unbookmark(session: AsyncSession, actor: Actor, post: Post) -> None:
    row = await q.get_bookmark(session, actor.id, post.id)
    if row is not None:
        await session.delete(row)
        await session.flush()
