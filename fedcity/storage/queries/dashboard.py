"""Counts for the administrators' dashboard: accounts, reports, and the delivery
queue's health per peer instance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, Job, JobState, PeerInstance, Report, User

DELIVER = "deliver"  # jobs.kinds.JobKind.DELIVER's stored name


@dataclass(frozen=True)
class PeerQueue:
    """The deliveries waiting for one peer origin (scheme://host:port)."""

    origin: str
    pending: int
    failing: int  # pending again after a failed attempt (retrying)
    held: int  # kept while the peer is marked unavailable
    unavailable: bool
    last_success_at: datetime | None


@dataclass(frozen=True)
class FailingDelivery:
    origin: str
    error: str
    attempts: int
    next_attempt_at: datetime


async def count_local_users(session: AsyncSession) -> tuple[int, int]:
    """(active, disabled) local accounts."""
    rows = await session.execute(
        select(User.disabled, func.count()).group_by(User.disabled)
    )
    counts = {bool(disabled): int(n) for disabled, n in rows.all()}
    return counts.get(False, 0), counts.get(True, 0)


async def count_remote_actors(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(Actor).where(Actor.domain.is_not(None))
    return int(await session.scalar(stmt) or 0)


async def count_open_reports(session: AsyncSession) -> int:
    stmt = (
        select(func.count()).select_from(Report).where(Report.action_taken_at.is_(None))
    )
    return int(await session.scalar(stmt) or 0)


async def list_peer_queues(session: AsyncSession, limit: int = 100) -> list[PeerQueue]:
    """Peers with deliveries waiting (pending, retrying or held), or marked
    unavailable, the most held and failing first."""
    waiting = Job.state.in_([JobState.PENDING, JobState.HELD])
    failed_before = Job.last_error.is_not(None)
    is_pending = Job.state == JobState.PENDING
    held = func.sum(case((Job.state == JobState.HELD, 1), else_=0))
    failing = func.sum(case((is_pending & failed_before, 1), else_=0))
    pending = func.sum(case((is_pending & ~failed_before, 1), else_=0))
    rows = await session.execute(
        select(Job.host, pending, failing, held)
        .where(Job.kind == DELIVER, Job.host.is_not(None), waiting)
        .group_by(Job.host)
    )
    counts = {host: (int(p), int(f), int(h)) for host, p, f, h in rows.all()}
    peers = {
        peer.origin: peer
        for peer in await session.scalars(
            select(PeerInstance).where(
                PeerInstance.unavailable.is_(True)
                | PeerInstance.origin.in_(list(counts))
            )
        )
    }
    out = []
    for origin in set(counts) | set(peers):
        p, f, h = counts.get(origin, (0, 0, 0))
        peer = peers.get(origin)
        out.append(
            PeerQueue(
                origin,
                p,
                f,
                h,
                bool(peer and peer.unavailable),
                peer.last_success_at if peer else None,
            )
        )
    out.sort(key=lambda q: (-q.held, -q.failing, -q.pending, q.origin))
    return out[:limit]


async def list_failing_deliveries(
    session: AsyncSession, limit: int = 10
) -> list[FailingDelivery]:
    """The deliveries retrying after an error, most recently attempted first."""
    rows = await session.execute(
        select(Job.host, Job.last_error, Job.attempts, Job.next_attempt_at)
        .where(
            Job.kind == DELIVER,
            Job.state == JobState.PENDING,
            Job.last_error.is_not(None),
        )
        .order_by(Job.next_attempt_at.desc(), Job.id.desc())
        .limit(limit)
    )
    return [
        FailingDelivery(host or "", error or "", int(attempts), next_at)
        for host, error, attempts, next_at in rows.all()
    ]
