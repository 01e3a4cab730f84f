"""The job queue hands out due jobs oldest first (jobs/queue.py `claim`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import NewJob, claim, enqueue_many
from fedcity.storage.models import Job
from fedcity.storage.types import utcnow


def inbox_payload(n: int) -> dict[str, Any]:
    return {"activity": {"n": n}, "signer": "https://peer.example/a", "recipient": None}


async def test_jobs_are_claimed_oldest_first_whatever_their_rows_order(db):
    # Given three inbox jobs, the first of them rewritten since, so that its row
    # now lies after the others' (PostgreSQL writes a new row version)
    async with db.session() as session:
        due = utcnow() - timedelta(seconds=1)
        jobs = [NewJob(JobKind.INBOX, inbox_payload(n), run_at=due) for n in range(3)]
        await enqueue_many(session, jobs)
        first = await session.scalar(select(Job.id).order_by(Job.id).limit(1))
        await session.execute(update(Job).where(Job.id == first).values(attempts=0))
        # When a worker claims them
        claimed = await claim(session, [JobKind.INBOX.value], limit=10)
        # Then they come in the order they were queued: a Create before the Like
        # of what it created
        assert [job.payload["activity"]["n"] for job in claimed] == [0, 1, 2]
