"""`Idempotency-Key` on posting: the same key from the same account within an hour
answers with the status the first request created, instead of a duplicate."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.ids import new_id
from fedcity.services.statuses import posts
from fedcity.storage.models import Actor, IdempotencyKey, Post
from fedcity.storage.queries import posts as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

WINDOW = timedelta(hours=1)
MAX_KEY_LENGTH = 255


async def create_once(
    session: AsyncSession,
    urls: Urls,
    author: Actor,
    cmd: posts.NewPost,
    key: str | None,
) -> tuple[Post, bool]:
    """`posts.create_local_post`, unless `key` was used in the last hour: then the
    status created then (if it still exists). True when the status is new."""
    if not key:
        return await posts.create_local_post(session, urls, author, cmd), True
    key = key[:MAX_KEY_LENGTH]
    earlier = await _earlier_post(session, author, key)
    if earlier is not None:
        return earlier, False
    row_id = new_id()
    if not await q.insert_idempotency_key(session, row_id, author.id, key, utcnow()):
        # A concurrent request with this key got there first.
        earlier = await _earlier_post(session, author, key)
        if earlier is not None:
            return earlier, False
        raise Unprocessable("A request with this Idempotency-Key is in progress")
    post = await posts.create_local_post(session, urls, author, cmd)
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == row_id)
        .values(post_id=post.id)
        .execution_options(synchronize_session=False)
    )
    return post, True


async def _earlier_post(session: AsyncSession, author: Actor, key: str) -> Post | None:
    """The live status an unexpired `key` points at; an expired or orphaned key is
    removed so that it can be used again."""
    row = await q.get_idempotency_key(session, author.id, key)
    if row is None:
        return None
    if row.created_at > utcnow() - WINDOW:
        if row.post_id is None:
            return None  # still being created by another request
        post = await session.get(Post, row.post_id)
        if post is not None and post.deleted_at is None:
            return post
    await session.delete(row)
    await session.flush()
    return None
