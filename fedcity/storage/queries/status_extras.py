"""Look-ups of bookmarks, pins, muted conversations, idempotency keys and scheduled
statuses; the batch ones serve a page of Status entities with one query each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.db import insert_for
from fedcity.storage.models import (
    Bookmark,
    ConversationMute,
    IdempotencyKey,
    Pin,
    Post,
    PostEdit,
    ScheduledStatus,
)


def conversation_of(post: Post) -> str:
    """The key of the thread a post belongs to (its root's uri when it has none)."""
    return post.conversation_uri or post.uri


def _conversation_column() -> ColumnElement[str]:
    return func.coalesce(Post.conversation_uri, Post.uri)


async def bookmarked_ids(
    session: AsyncSession, viewer_id: int, post_ids: Sequence[int]
) -> set[int]:
    if not post_ids:
        return set()
    rows = await session.scalars(
        select(Bookmark.post_id).where(
            Bookmark.actor_id == viewer_id, Bookmark.post_id.in_(post_ids)
        )
    )
    return set(rows)


async def pinned_ids(
    session: AsyncSession, viewer_id: int, post_ids: Sequence[int]
) -> set[int]:
    if not post_ids:
        return set()
    rows = await session.scalars(
        select(Pin.post_id).where(Pin.actor_id == viewer_id, Pin.post_id.in_(post_ids))
    )
    return set(rows)


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


async def get_bookmark(
    session: AsyncSession, actor_id: int, post_id: int
) -> Bookmark | None:
    return await session.scalar(
        select(Bookmark).where(
            Bookmark.actor_id == actor_id, Bookmark.post_id == post_id
        )
    )


async def get_pin(session: AsyncSession, actor_id: int, post_id: int) -> Pin | None:
    return await session.scalar(
        select(Pin).where(Pin.actor_id == actor_id, Pin.post_id == post_id)
    )


async def count_pins(session: AsyncSession, actor_id: int) -> int:
    """Pins of statuses that still exist (a deleted status frees its place)."""
    count = await session.scalar(
        select(func.count())
        .select_from(Pin)
        .join(Post, Post.id == Pin.post_id)
        .where(Pin.actor_id == actor_id, Post.deleted_at.is_(None))
    )
    return int(count or 0)


async def list_pinned_posts(session: AsyncSession, actor_id: int) -> list[Post]:
    """The account's pinned statuses that still exist, most recently pinned first."""
    rows = await session.scalars(
        select(Post)
        .join(Pin, Pin.post_id == Post.id)
        .where(Pin.actor_id == actor_id, Post.deleted_at.is_(None))
        .order_by(Pin.id.desc())
    )
    return list(rows)


async def get_idempotency_key(
    session: AsyncSession, account_id: int, key: str
) -> IdempotencyKey | None:
    return await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.account_id == account_id, IdempotencyKey.key == key
        )
    )


async def insert_idempotency_key(
    session: AsyncSession, row_id: int, account_id: int, key: str, now: datetime
) -> bool:
    """Claim (account, key); False if another request holds it already. On
    PostgreSQL this waits for a concurrent holder to commit or roll back."""
    table = IdempotencyKey.metadata.tables[IdempotencyKey.__tablename__]
    insert = insert_for(session)
    stmt = (
        insert(table)
        .values(id=row_id, account_id=account_id, key=key, created_at=now)
        .on_conflict_do_nothing(index_elements=["account_id", "key"])
        .returning(table.c.id)
    )
    return (await session.execute(stmt)).scalar() is not None


async def count_scheduled(
    session: AsyncSession,
    actor_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
) -> int:
    stmt = (
        select(func.count())
        .select_from(ScheduledStatus)
        .where(ScheduledStatus.actor_id == actor_id)
    )
    if start is not None and end is not None:
        stmt = stmt.where(
            ScheduledStatus.scheduled_at >= start, ScheduledStatus.scheduled_at < end
        )
    return int(await session.scalar(stmt) or 0)


async def list_post_edits(session: AsyncSession, post_id: int) -> list[PostEdit]:
    """Former versions of a post, oldest first."""
    rows = await session.scalars(
        select(PostEdit)
        .where(PostEdit.post_id == post_id)
        .order_by(PostEdit.created_at, PostEdit.id)
    )
    return list(rows)
