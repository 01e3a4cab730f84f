"""Timeline markers: where an account stopped reading home and notifications, shared
between its clients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.storage.models import Actor, Marker
from fedcity.storage.types import utcnow

TIMELINES = ("home", "notifications")


async def get_markers(
    session: AsyncSession, actor: Actor, timelines: Sequence[str]
) -> list[Marker]:
    """The saved markers of the timelines asked for (all when none are named)."""
    wanted = [t for t in timelines if t in TIMELINES] or list(TIMELINES)
    rows = await session.scalars(
        select(Marker).where(Marker.actor_id == actor.id, Marker.timeline.in_(wanted))
    )
    return list(rows)


async def save_markers(
    session: AsyncSession, actor: Actor, positions: Mapping[str, int]
) -> list[Marker]:
    """Move the markers of the named timelines; each save bumps `version`.

    Raises:
        Unprocessable: a timeline other than home or notifications.
    """
    unknown = [t for t in positions if t not in TIMELINES]
    if unknown or not positions:
        raise Unprocessable("Validation failed: Timeline is not valid")
    saved = []
    for timeline, last_read_id in positions.items():
        row = await session.scalar(
            select(Marker).where(
                Marker.actor_id == actor.id, Marker.timeline == timeline
            )
        )
        if row is None:
            row = Marker(actor_id=actor.id, timeline=timeline, version=0)
            session.add(row)
        row.last_read_id = last_read_id
        row.version = (row.version or 0) + 1
        row.updated_at = utcnow()
        saved.append(row)
    await session.flush()
    return saved
