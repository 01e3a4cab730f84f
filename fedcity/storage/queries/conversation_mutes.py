"""Look-ups of muted conversations (threads), keyed by the thread's root."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import ConversationMute, Post


def conversation_of(post: Post) -> str:
    """The key of the thread a post belongs to (its root's uri when it has none)."""
    return post.conversation_uri or post.uri


def _conversation_column() -> ColumnElement[str]:
    return func.coalesce(Post.conversation_uri, Post.uri)


async def muted_ids(
    session: AsyncSession, viewer_id: int, posts: Sequence[Post]
) -> set[int]:
    """Which of `posts` belong to a conversation the viewer muted."""
    if not posts:
        return set()
    keys = {conversation_of(p) for p in posts}
    rows = await session.scalars(
        select(ConversationMute.conversation).where(
            ConversationMute.actor_id == viewer_id,
            ConversationMute.conversation.in_(keys),
        )
    )
    muted = set(rows)
    return {p.id for p in posts if conversation_of(p) in muted} if muted else set()


async def is_conversation_muted(
    session: AsyncSession, actor_id: int, post_id: int
) -> bool:
    """Whether `actor_id` muted the conversation that post `post_id` is part of."""
    found = await session.scalar(
        select(ConversationMute.id)
        .join(
            Post,
            and_(
                Post.id == post_id,
                ConversationMute.conversation == _conversation_column(),
            ),
        )
        .where(ConversationMute.actor_id == actor_id)
        .limit(1)
    )
    return found is not None


async def get_conversation_mute(
    session: AsyncSession, actor_id: int, conversation: str
) -> ConversationMute | None:
    return await session.scalar(
        select(ConversationMute).where(
            ConversationMute.actor_id == actor_id,
            ConversationMute.conversation == conversation,
        )
    )
