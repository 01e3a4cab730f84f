"""Trending hashtags, links and posts, and their daily use, counted from what this
instance has seen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

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


@dataclass(frozen=True)
class TrendingLink:
    card: PreviewCard
    history: list[TagDay]


def _public_since(since: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        Post.visibility == Visibility.PUBLIC,
        Post.deleted_at.is_(None),
        Post.reblog_of_id.is_(None),
        Post.created_at >= since,
    )


def _today() -> datetime:
    return utcnow().replace(hour=0, minute=0, second=0, microsecond=0)


async def trending_tags(
    session: AsyncSession, limit: int, offset: int = 0
) -> list[TrendingTag]:
    """Tags ranked by how many accounts used them in public posts this week."""
    today = _today()
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
    tags = [tag for tag, _ in ranked.all()]
    history = await tag_history(session, [t.id for t in tags], today)
    return [TrendingTag(tag, history[tag.id]) for tag in tags]


async def tag_history(
    session: AsyncSession, tag_ids: Sequence[int], today: datetime | None = None
) -> dict[int, list[TagDay]]:
    """Each tag's use in public posts (no boosts) on each of the last seven UTC
    days, today first (Mastodon's Tag `history`): posts, and distinct authors."""
    return await _daily_use(session, PostTag.post_id, PostTag.tag_id, tag_ids, today)


async def link_history(
    session: AsyncSession, card_ids: Sequence[int], today: datetime | None = None
) -> dict[int, list[TagDay]]:
    """Each link card's use in public posts on each of the last seven UTC days, as
    tag_history counts tags (Mastodon's TrendsLink `history`)."""
    return await _daily_use(
        session, PostCard.post_id, PostCard.card_id, card_ids, today
    )


async def _daily_use(
    session: AsyncSession,
    post_column: InstrumentedAttribute[int],
    key_column: InstrumentedAttribute[int],
    keys: Sequence[int],
    today: datetime | None,
) -> dict[int, list[TagDay]]:
    """Per key of a post-to-key table, posts and distinct authors per day.

    One query for all the keys: per day, a count over a CASE that is NULL outside
    that day, so that the grouping needs no engine-specific date function.
    """
    today = today or _today()
    days = [today - timedelta(days=n) for n in range(TAG_WINDOW_DAYS)]
    columns = []
    for start in days:
        within = and_(
            Post.created_at >= start, Post.created_at < start + timedelta(days=1)
        )
        columns += [
            func.count(case((within, Post.id))),
            func.count(func.distinct(case((within, Post.actor_id)))),
        ]
    counts: dict[int, Sequence[int]] = {}
    if keys:
        rows = await session.execute(
            select(key_column, *columns)
            .join(Post, Post.id == post_column)
            .where(key_column.in_(set(keys)), *_public_since(days[-1]))
            .group_by(key_column)
        )
        counts = {row[0]: row[1:] for row in rows}
    empty = [0] * (2 * TAG_WINDOW_DAYS)
    return {key: _days(days, counts.get(key, empty)) for key in keys}


def _days(days: Sequence[datetime], counts: Sequence[int]) -> list[TagDay]:
    """(uses, accounts) pairs, flattened in day order, as TagDays."""
    return [
        TagDay(day, int(counts[2 * n]), int(counts[2 * n + 1]))
        for n, day in enumerate(days)
    ]


async def trending_links(
    session: AsyncSession, limit: int, offset: int = 0
) -> list[TrendingLink]:
    """Link cards ranked by how many accounts shared the link in public posts this
    week, as tags are (Mastodon adds a moderators' review, which fedcity lacks)."""
    today = _today()
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
    cards = [card for card, _ in ranked.all()]
    history = await link_history(session, [c.id for c in cards], today)
    return [TrendingLink(card, history[card.id]) for card in cards]


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
