"""Figures about this instance (NodeInfo, /api/v1/instance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, Post, User
from fedcity.storage.types import utcnow


@dataclass(frozen=True)
class Usage:
    users: int
    active_month: int
    active_halfyear: int
    local_posts: int
    domains: int


async def usage(session: AsyncSession) -> Usage:
    now = utcnow()

    async def active_since(days: int) -> int:
        stmt = (
            select(func.count())
            .select_from(User)
            .join(Actor, Actor.id == User.actor_id)
            .where(Actor.last_status_at >= now - timedelta(days=days))
        )
        return int(await session.scalar(stmt) or 0)

    users = int(await session.scalar(select(func.count()).select_from(User)) or 0)
    posts = await session.scalar(
        select(func.count())
        .select_from(Post)
        .where(
            Post.local.is_(True), Post.deleted_at.is_(None), Post.reblog_of_id.is_(None)
        )
    )
    domains = await session.scalar(
        select(func.count(func.distinct(Actor.domain))).where(Actor.domain.is_not(None))
    )
    return Usage(
        users,
        await active_since(30),
        await active_since(180),
        int(posts or 0),
        int(domains or 0),
    )


async def peers(session: AsyncSession) -> list[str]:
    """Domains this instance knows actors on (Mastodon's /api/v1/instance/peers)."""
    rows = await session.scalars(
        select(Actor.domain)
        .where(Actor.domain.is_not(None))
        .distinct()
        .order_by(Actor.domain)
    )
    return [row for row in rows if row]


@dataclass(frozen=True)
class Week:
    start: datetime
    statuses: int
    logins: int
    registrations: int


async def weekly_activity(session: AsyncSession, weeks: int = 12) -> list[Week]:
    """Local posts, active posters and new accounts per week, newest week first.

    fedcity does not record sign-ins, so `logins` counts the local accounts that
    posted that week."""
    now = utcnow()
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    out = []
    for n in range(weeks):
        start = monday - timedelta(weeks=n)
        end = start + timedelta(weeks=1)
        local_posts = (
            Post.local.is_(True),
            Post.reblog_of_id.is_(None),
            Post.created_at >= start,
            Post.created_at < end,
        )
        statuses = await session.scalar(
            select(func.count()).select_from(Post).where(*local_posts)
        )
        posters = await session.scalar(
            select(func.count(func.distinct(Post.actor_id))).where(*local_posts)
        )
        registrations = await session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.created_at >= start, User.created_at < end)
        )
        out.append(
            Week(start, int(statuses or 0), int(posters or 0), int(registrations or 0))
        )
    return out


async def contact_account(session: AsyncSession) -> Actor | None:
    """The first owner or admin: whom people should contact about this instance."""
    return await session.scalar(
        select(Actor)
        .join(User, User.actor_id == Actor.id)
        .where(User.role.in_(("owner", "admin")), Actor.deleted_at.is_(None))
        .order_by(User.id)
        .limit(1)
    )
