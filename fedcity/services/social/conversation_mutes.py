"""Muted conversations: an account hears nothing more from a thread it muted.

A thread is known by its key: the posts' `conversation_uri`, or the root post's uri
when it carries none (`queries.conversation_mutes.conversation_of`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, ConversationMute, Post
from fedcity.storage.queries import conversation_mutes as q


async def mute(session: AsyncSession, actor: Actor, post: Post) -> None:
    """Mute the thread `post` belongs to (the post already checked visible)."""
    key = q.conversation_of(post)
    if await q.get_conversation_mute(session, actor.id, key) is None:
        session.add(ConversationMute(actor_id=actor.id, conversation=key))
        await session.flush()


async def unmute(session: AsyncSession, actor: Actor, post: Post) -> None:
    row = await q.get_conversation_mute(session, actor.id, q.conversation_of(post))
    if row is not None:
        await session.delete(row)
        await session.flush()
