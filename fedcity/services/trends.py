"""Trending hashtags and posts, and hashtags' daily use, counted from what this
instance has seen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Post, PostTag, Tag, Visibility
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
    days, today first (Mastodon's Tag `history`): posts, and distinct authors.

    One query for all the tags: per day, a count over a CASE that is NULL outside
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
    if tag_ids:
        rows = await session.execute(
            select(PostTag.tag_id, *columns)
            .join(Post, Post.id == PostTag.post_id)
            .where(PostTag.tag_id.in_(set(tag_ids)), *_public_since(days[-1]))
            .group_by(PostTag.tag_id)
        )
        counts = {row[0]: row[1:] for row in rows}
    empty = [0] * (2 * TAG_WINDOW_DAYS)
    return {tag_id: _days(days, counts.get(tag_id, empty)) for tag_id in tag_ids}


def _days(days: Sequence[datetime], counts: Sequence[int]) -> list[TagDay]:
    """(uses, accounts) pairs, flattened in day order, as TagDays."""
    return [
        TagDay(day, int(counts[2 * n]), int(counts[2 * n + 1]))
        for n, day in enumerate(days)
    ]


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
