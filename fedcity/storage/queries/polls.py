"""Look-ups of polls and votes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, Poll, PollVote


async def get_poll_by_id(session: AsyncSession, poll_id: int) -> Poll | None:
    return await session.get(Poll, poll_id)


async def get_poll_by_post_id(session: AsyncSession, post_id: int) -> Poll | None:
    return await session.scalar(select(Poll).where(Poll.post_id == post_id))


async def list_polls_for_posts(
    session: AsyncSession, post_ids: Sequence[int]
) -> dict[int, Poll]:
    """Polls keyed by their post's id."""
    if not post_ids:
        return {}
    rows = await session.scalars(select(Poll).where(Poll.post_id.in_(set(post_ids))))
    return {row.post_id: row for row in rows}


async def list_own_votes(
    session: AsyncSession, actor_id: int, poll_ids: Sequence[int]
) -> dict[int, list[int]]:
    """The choices `actor_id` made in each poll, keyed by poll id, in the order
    they were made (as Mastodon lists `own_votes`)."""
    if not poll_ids:
        return {}
    rows = await session.execute(
        select(PollVote.poll_id, PollVote.choice)
        .where(PollVote.actor_id == actor_id, PollVote.poll_id.in_(set(poll_ids)))
        .order_by(PollVote.id)
    )
    out: dict[int, list[int]] = {}
    for poll_id, choice in rows:
        out.setdefault(poll_id, []).append(choice)
    return out


async def get_vote_by_uri(session: AsyncSession, uri: str) -> PollVote | None:
    return await session.scalar(select(PollVote).where(PollVote.uri == uri))


async def count_voters(session: AsyncSession, poll_id: int) -> int:
    found = await session.scalar(
        select(func.count(func.distinct(PollVote.actor_id))).where(
            PollVote.poll_id == poll_id
        )
    )
    return int(found or 0)


async def list_voters(
    session: AsyncSession, poll_id: int, *, local: bool | None = None
) -> list[Actor]:
    """Distinct accounts that voted; only this instance's or only remote ones."""
    stmt = (
        select(Actor)
        .where(
            Actor.id.in_(select(PollVote.actor_id).where(PollVote.poll_id == poll_id))
        )
        .order_by(Actor.id)
    )
    if local is not None:
        stmt = stmt.where(
            Actor.domain.is_(None) if local else Actor.domain.is_not(None)
        )
    return list((await session.scalars(stmt)).all())
