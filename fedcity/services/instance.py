"""Figures about this instance (NodeInfo, /api/v1/instance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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
