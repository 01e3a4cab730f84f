"""Look-ups of media attachments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import MediaAttachment


async def list_media_by_ids(
    session: AsyncSession, media_ids: Sequence[int]
) -> dict[int, MediaAttachment]:
    if not media_ids:
        return {}
    rows = await session.scalars(
        select(MediaAttachment).where(MediaAttachment.id.in_(set(media_ids)))
    )
    return {row.id: row for row in rows}


async def list_media_for_posts(
    session: AsyncSession, post_ids: Sequence[int]
) -> dict[int, list[MediaAttachment]]:
    """Each post's attachments, in the order they were given."""
    if not post_ids:
        return {}
    rows = await session.scalars(
        select(MediaAttachment)
        .where(MediaAttachment.post_id.in_(set(post_ids)))
        .order_by(MediaAttachment.position, MediaAttachment.id)
    )
    out: dict[int, list[MediaAttachment]] = {}
    for row in rows:
        assert row.post_id is not None
        out.setdefault(row.post_id, []).append(row)
    return out


async def list_media_for_post(
    session: AsyncSession, post_id: int
) -> list[MediaAttachment]:
    return (await list_media_for_posts(session, [post_id])).get(post_id, [])
