"""Trending hashtags, links and posts, counted from what this instance has seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import (
    Post,
    PostCard,
    PostTag,
    PreviewCard,
    Tag,
    Visibility,
)
from fedcity.storage.types import utcnow

TAG_WINDOW_DAYS = 7
STATUS_WINDOW = timedelta(days=2)


@dataclass(frozen=True)
class TagDay:
    day: datetime
    uses: int
    accounts: int


@dataclass(frozen=True)
class TrendingTag:
    tag: Tag
    history: list[TagDay]


def _public_since(since: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        Post.visibility == Visibility.PUBLIC,
        Post.deleted_at.is_(None),
        Post.reblog_of_id.is_(None),
        Post.created_at >= since,
    )


async def trending_tags(
    session: AsyncSession, limit: int, offset: int = 0
) -> list[TrendingTag]:
    """Tags ranked by how many accounts used them in public posts this week."""
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    since = today - timedelta(days=TAG_WINDOW_DAYS - 1)
    accounts = func.count(func.distinct(Post.actor_id))
    ranked = await session.execute(
        select(Tag, accounts)
        .join(PostTag, PostTag.tag_id == Tag.id)
        .join(Post, Post.id == PostTag.post_id)
        .where(*_public_since(since))
        .group_by(Tag.id)
        .order_by(accounts.desc(), Tag.name)
        .offset(offset)
        .limit(limit)
    )
    return [
        TrendingTag(
            tag,
            await _history(
                session, today, select(PostTag.post_id).where(PostTag.tag_id == tag.id)
            ),
        )
        for tag, _ in ranked.all()
    ]


@dataclass(frozen=True)
class TrendingLink:
    card: PreviewCard
    history: list[TagDay]


async def trending_links(
    session: AsyncSession, limit: int, offset: int = 0
) -> list[TrendingLink]:
    """Link cards ranked by how many accounts shared the link in public posts this
    week, as tags are (Mastodon adds a moderators' review, which fedcity lacks)."""
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    since = today - timedelta(days=TAG_WINDOW_DAYS - 1)
    accounts = func.count(func.distinct(Post.actor_id))
    ranked = await session.execute(
        select(PreviewCard, accounts)
        .join(PostCard, PostCard.card_id == PreviewCard.id)
        .join(Post, Post.id == PostCard.post_id)
        .where(*_public_since(since))
        .group_by(PreviewCard.id)
        .order_by(accounts.desc(), PreviewCard.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        TrendingLink(
            card,
            await _history(
                session,
                today,
                select(PostCard.post_id).where(PostCard.card_id == card.id),
            ),
        )
        for card, _ in ranked.all()
    ]


async def _history(
    session: AsyncSession, today: datetime, post_ids: Select[tuple[int]]
) -> list[TagDay]:
    """Uses and distinct accounts per day of the window, today first, among the
    public posts `post_ids` selects."""
    days = []
    for n in range(TAG_WINDOW_DAYS):
        start = today - timedelta(days=n)
        row = (
            await session.execute(
                select(func.count(), func.count(func.distinct(Post.actor_id))).where(
                    Post.id.in_(post_ids),
                    *_public_since(start),
                    Post.created_at < start + timedelta(days=1),
                )
            )
        ).one()
        days.append(TagDay(start, int(row[0]), int(row[1])))
    return days


async def trending_statuses(
    session: AsyncSession, limit: int, offset: int = 0
) -> list[Post]:
    """Public posts of the last two days with the most favourites and boosts."""
    score = Post.favourites_count + Post.reblogs_count
    rows = await session.scalars(
        select(Post)
        .where(*_public_since(utcnow() - STATUS_WINDOW), score > 0)
        .order_by(score.desc(), Post.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows)
