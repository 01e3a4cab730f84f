"""Durable job rows: enqueue in the caller's transaction, claim with a lease, settle.

Claiming is one conditional UPDATE … RETURNING on both engines: on PostgreSQL the
candidate rows come from `FOR UPDATE SKIP LOCKED`, so several workers never wait on
each other; SQLite has a single writer anyway. An expired lease makes a row
claimable again, so a worker that died mid-job heals by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.ids import new_id
from fedcity.jobs.kinds import JobKind, check_payload
from fedcity.storage.db import dialect_of, insert_for
from fedcity.storage.models import Job, JobState
from fedcity.storage.types import utcnow

LEASE = timedelta(minutes=5)  # the default; the worker passes `[worker] lease_seconds`
# Core statements on the table: no ORM bookkeeping for rows nobody loads.
_JOBS = Job.metadata.tables[Job.__tablename__]
_SETTLE_CHUNK = 500  # ids per UPDATE … IN (…), well under SQLite's parameter limit


@dataclass(frozen=True)
class NewJob:
    kind: JobKind
    payload: dict[str, Any]
    dedupe_key: str | None = None
    host: str | None = None
    run_at: datetime | None = None


def job_row(job: NewJob, now: datetime) -> dict[str, Any]:
    return {
        "id": new_id(),
        "kind": job.kind.value,
        "payload": job.payload,
        "dedupe_key": job.dedupe_key,
        "host": job.host,
        "state": JobState.PENDING.value,
        "attempts": 0,
        "next_attempt_at": job.run_at or now,
        "created_at": now,
    }


async def enqueue(
    session: AsyncSession, kind: JobKind, payload: dict[str, Any], **kw: Any
) -> None:
    """Add one job inside the caller's transaction (the transactional outbox).

    Raises:
        TypeError: the payload lacks a field its kind declares.
    """
    await enqueue_many(session, [NewJob(kind, payload, **kw)])


async def enqueue_daily(
    session: AsyncSession, kind: JobKind, *, first_in: timedelta | None = None
) -> None:
    """Queue `kind`'s run for tomorrow at 03:00 UTC and, with `first_in`, one
    today that long from now; once each, since the day is the dedupe key, so
    every process (and every run, rescheduling itself) may call this."""
    now = utcnow()
    runs = [(now + timedelta(days=1)).replace(hour=3, minute=0, second=0)]
    if first_in is not None:
        runs.insert(0, now + first_in)
    for run_at in runs:
        day = run_at.date().isoformat()
        await enqueue(
            session, kind, {"day": day}, dedupe_key=f"{kind}:{day}", run_at=run_at
        )


async def enqueue_many(
    session: AsyncSession, jobs: Sequence[NewJob]
) -> set[str | None]:
    """Insert jobs, skipping any whose dedupe_key is already known.

    Returns the dedupe keys of the rows actually inserted (None for keyless jobs).
    """
    if not jobs:
        return set()
    for job in jobs:
        check_payload(job.kind, job.payload)
    now = utcnow()
    # One statement run with many parameter sets, not `.values(rows)`: the latter is
    # a new statement (and a fresh SQL compilation, the inbox's largest cost) for
    # every batch size, while this one is compiled once and cached. SQLAlchemy's
    # "insertmanyvalues" still sends it as multi-row INSERT … RETURNING pages.
    insert = insert_for(session)
    stmt = (
        insert(_JOBS)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(_JOBS.c.dedupe_key)
    )
    result = await session.execute(stmt, [job_row(job, now) for job in jobs])
    return set(result.scalars().all())


async def claim(
    session: AsyncSession,
    kinds: Sequence[str],
    limit: int,
    now: datetime | None = None,
    lease: timedelta = LEASE,
) -> list[Job]:
    """Lease up to `limit` due jobs of the given kinds to this worker, for `lease`:
    if the worker dies, the jobs are claimable again once it has passed."""
    now = now or utcnow()
    due = (
        select(Job.id)
        .where(
            Job.state == JobState.PENDING,
            Job.kind.in_(kinds),
            Job.next_attempt_at <= now,
            or_(Job.locked_until.is_(None), Job.locked_until < now),
        )
        .order_by(Job.next_attempt_at, Job.id)
        .limit(limit)
    )
    if dialect_of(session) == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list((await session.scalars(due)).all())
    if not ids:
        return []
    stmt = (
        update(Job)
        .where(
            Job.id.in_(ids),
            or_(Job.locked_until.is_(None), Job.locked_until < now),
        )
        .values(locked_until=now + lease, attempts=Job.attempts + 1)
        .returning(Job)
        .execution_options(synchronize_session=False)
    )
    # RETURNING gives the rows in the table's physical order, not the SELECT's:
    # hand them out oldest first, so that a Create is applied before the Like of
    # what it creates (on PostgreSQL, a table with dead tuples reorders them).
    leased = {job.id: job for job in (await session.scalars(stmt)).all()}
    return [leased[i] for i in ids if i in leased]


async def complete(session: AsyncSession, job_id: int) -> None:
    await complete_many(session, [job_id])


async def complete_many(session: AsyncSession, job_ids: Sequence[int]) -> None:
    """Mark jobs done in one UPDATE per chunk: a fan-out settles hundreds at once,
    and one statement per job was most of the worker's own time."""
    now = utcnow()
    for start in range(0, len(job_ids), _SETTLE_CHUNK):
        await session.execute(
            update(_JOBS)
            .where(_JOBS.c.id.in_(job_ids[start : start + _SETTLE_CHUNK]))
            .values(
                state=JobState.DONE, finished_at=now, last_error=None, locked_until=None
            )
        )


async def fail(session: AsyncSession, job_id: int, error: str) -> None:
    await _settle(
        session, job_id, state=JobState.FAILED, finished_at=utcnow(), last_error=error
    )


async def retry_at(
    session: AsyncSession, job_id: int, when: datetime, error: str
) -> None:
    await _settle(session, job_id, next_attempt_at=when, last_error=error)


async def hold(session: AsyncSession, job_id: int, error: str) -> None:
    await _settle(session, job_id, state=JobState.HELD, last_error=error)


async def release_held(session: AsyncSession, host: str) -> int:
    """An instance answered again: its held deliveries go back in the queue."""
    result = await session.execute(
        update(Job)
        .where(Job.host == host, Job.state == JobState.HELD)
        .values(state=JobState.PENDING, next_attempt_at=utcnow(), locked_until=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def _settle(session: AsyncSession, job_id: int, **values: Any) -> None:
    await session.execute(
        update(Job).where(Job.id == job_id).values(locked_until=None, **values)
    )


async def pending_count(session: AsyncSession, kind: str | None = None) -> int:
    stmt = select(func.count()).select_from(Job).where(Job.state == JobState.PENDING)
    if kind:
        stmt = stmt.where(Job.kind == kind)
    return int((await session.scalar(stmt)) or 0)
