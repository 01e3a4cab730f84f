"""Look-ups of statuses scheduled for later (the limits on how many an account may
hold)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import ScheduledStatus


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
