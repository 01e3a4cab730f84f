"""Look-ups of link preview cards."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import PostCard, PreviewCard


async def get_card_by_url(session: AsyncSession, url: str) -> PreviewCard | None:
    return await session.scalar(select(PreviewCard).where(PreviewCard.url == url))


async def list_cards_for_posts(
    session: AsyncSession, post_ids: Sequence[int]
) -> dict[int, PreviewCard]:
    """post id → its card, for the posts that have one."""
    if not post_ids:
        return {}
    rows = await session.execute(
        select(PostCard.post_id, PreviewCard)
        .join(PreviewCard, PreviewCard.id == PostCard.card_id)
        .where(PostCard.post_id.in_(post_ids))
    )
    return {post_id: card for post_id, card in rows.all()}
