"""The worker through a database outage: it keeps running, backs off, resumes when
the database answers again, and records what it already did instead of leaving it
to run a second time."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from fedcity.storage.models import Job, JobState, Post
from fedcity.storage.types import utcnow
from tests.federation.test_inbox_security import note_create
from tests.support.outages import database_down

pytestmark = pytest.mark.usefixtures("backend")


async def _count(instance, model, *where) -> int:
    async with instance.db.session() as session:
        stmt = select(func.count()).select_from(model).where(*where)
        return int(await session.scalar(stmt) or 0)


async def _accepted_create(instance, remote) -> None:
    actor = remote.add_actor("mayor")
    status, _ = await remote.send(
        f"{instance.base_url}/inbox", note_create(remote, actor, "1")
    )
    assert status == 202


async def test_worker_survives_a_database_outage_and_resumes(instance, remote):
    # Given an accepted activity, not yet applied, and a running worker
    await _accepted_create(instance, remote)
    stop = asyncio.Event()
    # When the database is down while the worker runs
    async with database_down(instance.db):
        task = asyncio.create_task(instance.worker.run_forever(stop))
        await asyncio.sleep(1.0)
        # Then the worker is still running
        assert not task.done()
    # And once the database is back it applies the activity, with no restart
    instance.worker.wake()
    for _ in range(100):
        if await _count(instance, Post) == 1:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert await _count(instance, Post) == 1


async def test_worker_waits_out_an_outage_to_record_outcomes(
    instance, remote, monkeypatch
):
    # Given an accepted activity, and a database that fails the worker's first two
    # attempts to record what became of it
    await _accepted_create(instance, remote)
    worker = instance.worker
    write = worker._write_outcomes
    failures = [ConnectionRefusedError(111, "refused")] * 2

    async def flaky(*args):
        if failures:
            raise failures.pop()
        return await write(*args)

    monkeypatch.setattr(worker, "_write_outcomes", flaky)
    # When the worker runs it
    ran = await worker.run_once()
    # Then the outcome is recorded once the database answers: the job is done and
    # will not run again when its lease ends
    assert ran == 1
    assert failures == []
    assert await _count(instance, Job, Job.state != JobState.DONE) == 0
    assert await _count(instance, Post) == 1


async def test_a_job_cut_short_by_an_outage_runs_again_without_backoff(
    instance, remote, monkeypatch
):
    # Given an accepted activity whose handler meets a database outage
    await _accepted_create(instance, remote)
    worker = instance.worker

    async def outage(*args):
        raise ConnectionRefusedError(111, "refused")

    monkeypatch.setitem(worker.handlers, "inbox", outage)
    # When the worker runs it
    await worker.run_once()
    # Then it is neither failed nor pushed back by the failure backoff: it is due
    async with instance.db.session() as session:
        job = await session.scalar(select(Job).where(Job.kind == "inbox"))
    assert job.state == JobState.PENDING
    assert job.next_attempt_at <= utcnow()
    assert job.last_error.startswith("database unavailable")
