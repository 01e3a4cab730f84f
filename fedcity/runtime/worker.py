"""The worker: claims due jobs, runs them, records what happened.

Inbound activities and fan-outs run one at a time, in order, so that a Create is
applied before the Delete that follows it; deliveries run concurrently up to
`max_concurrent_deliveries`. Outcomes of a batch are written in one transaction.
This is the only place that catches every exception: it records it on the job.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError
from fedcity.federation.context import Federation
from fedcity.federation.delivery import record_outcomes, sync_unavailable
from fedcity.jobs import queue
from fedcity.jobs.kinds import JobKind, concurrent_kinds, sequential_kinds
from fedcity.jobs.outcomes import DONE, Outcome, backoff_delay
from fedcity.storage.grouped import GroupWriter
from fedcity.storage.models import Job
from fedcity.storage.outages import is_database_unavailable
from fedcity.storage.types import utcnow

log = logging.getLogger(__name__)

JobHandler = Callable[[Federation, dict[str, Any], int], Awaitable[Outcome | None]]

PEER_SYNC_SECONDS = 30.0
# While the database is unreachable, the pause between tries doubles up to this.
MAX_OUTAGE_PAUSE_SECONDS = 10.0
# Declared with each kind in jobs/kinds.py: link preview fetches and Web Push
# messages wait on other sites, so they run beside deliveries.
SEQUENTIAL_KINDS = sequential_kinds()
CONCURRENT_KINDS = concurrent_kinds()


@dataclass(frozen=True)
class Settled:
    job: Job
    outcome: Outcome


class Worker:
    def __init__(self, fed: Federation, handlers: Mapping[JobKind, JobHandler]) -> None:
        missing = set(JobKind) - handlers.keys()
        if missing:
            # Found at start-up, not as jobs that are never claimed.
            raise ValueError(f"no handler for job kinds {sorted(missing)}")
        self.fed = fed
        # Keyed by the stored name: a row of a kind this release does not know
        # (queued by a newer one) fails with a message instead of an error.
        self.handlers: dict[str, JobHandler] = {str(k): v for k, v in handlers.items()}
        self._wake = asyncio.Event()
        self._peers_synced_at = time.monotonic()
        self._limit = asyncio.Semaphore(
            fed.settings.federation.max_concurrent_deliveries
        )
        self._lease = timedelta(seconds=fed.settings.worker.lease_seconds)
        self._recorder: GroupWriter[Settled, None] = GroupWriter(fed.db, self._record)

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Run one batch of each family of due jobs; returns how many jobs ran."""
        ran = await self._run_batch(SEQUENTIAL_KINDS, concurrent=False)
        ran += await self._run_batch(CONCURRENT_KINDS, concurrent=True)
        return ran

    async def run_until_idle(self, max_rounds: int = 100) -> int:
        """Run batches until nothing is due (tests and `fedcity worker --once`)."""
        total = 0
        for _ in range(max_rounds):
            ran = await self.run_once()
            total += ran
            if ran == 0:
                break
        return total

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run batches until `stop` is set. A failing batch never ends the loop:
        while the database is unreachable the worker pauses longer and longer (up
        to MAX_OUTAGE_PAUSE_SECONDS, or until woken) and resumes when it answers."""
        poll = self.fed.settings.worker.poll_interval_seconds
        failures = 0
        while not stop.is_set():
            # Cleared before looking for work, not after: a wake() that arrives
            # while a batch runs (a post committed meanwhile) must not be lost, or
            # its fan-out waits a whole poll interval.
            self._wake.clear()
            try:
                ran = await self.run_once()
                failures = 0
            except Exception as exc:
                failures += 1
                _log_failed_batch(exc, failures)
                ran = 0
            if ran:
                continue
            if not failures:
                await self._sync_peer_health()
            await self._pause(stop, outage_pause(poll, failures))

    async def _pause(self, stop: asyncio.Event, seconds: float) -> None:
        waiters = [
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(stop.wait()),
        ]
        await asyncio.wait(
            waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in waiters:
            waiter.cancel()

    async def _sync_peer_health(self) -> None:
        """When idle, now and then, learn which peers other processes gave up on."""
        now = time.monotonic()
        if now - self._peers_synced_at < PEER_SYNC_SECONDS:
            return
        self._peers_synced_at = now
        try:
            await sync_unavailable(self.fed)
        except Exception:
            log.exception("could not reload peer health; keeping the last known")

    async def _run_batch(self, kinds: tuple[JobKind, ...], *, concurrent: bool) -> int:
        batch = self.fed.settings.worker.batch_size
        async with self.fed.db.session() as session:
            jobs = await queue.claim(session, kinds, batch, lease=self._lease)
        if not jobs:
            return 0
        if concurrent:
            await asyncio.gather(*(self._run_limited(job) for job in jobs))
        else:
            settled = [await self._run(job) for job in jobs]
            await self._until_recorded(lambda: self._write_outcomes(settled))
        return len(jobs)

    async def _run_limited(self, job: Job) -> None:
        # The outcome is committed (grouped with others) before the slot goes to
        # the next job: a worker killed at any moment has at most its concurrency
        # in jobs done but not recorded, and only those run a second time.
        async with self._limit:
            settled = await self._run(job)
            await self._until_recorded(lambda: self._recorder.submit(settled))

    async def _run(self, job: Job) -> Settled:
        handler = self.handlers.get(job.kind)
        if handler is None:
            return Settled(
                job, Outcome("failed", error=f"no handler for job kind {job.kind}")
            )
        try:
            outcome = await handler(self.fed, job.payload, job.attempts) or DONE
        except FedcityError as exc:
            outcome = self._after_error(job, exc, permanent=400 <= exc.status < 500)
        except Exception as exc:
            outcome = self._after_crash(job, exc)
        if outcome.state in ("retry", "failed", "held"):
            log.info(
                "job %s (%s, attempt %d) %s: %s",
                job.id,
                job.kind,
                job.attempts,
                outcome.state,
                outcome.error,
            )
        return Settled(job, outcome)

    def _after_crash(self, job: Job, exc: Exception) -> Outcome:
        if is_database_unavailable(exc):
            # Not the job's fault: it runs again as soon as the database is back
            # (its outcome is recorded then), without the backoff of a failure.
            log.info("job %s (%s) met a database outage: %s", job.id, job.kind, exc)
            return Outcome(
                "retry", error=f"database unavailable: {exc}", retry_at=utcnow()
            )
        log.exception("job %s (%s) raised", job.id, job.kind)
        return self._after_error(job, exc, permanent=False)

    def _after_error(self, job: Job, exc: Exception, *, permanent: bool) -> Outcome:
        error = f"{type(exc).__name__}: {exc}"
        settings = self.fed.settings.federation
        if permanent or job.attempts >= settings.max_delivery_attempts:
            log.info("job %s (%s) failed: %s", job.id, job.kind, error)
            return Outcome("failed", error=error)
        delay = backoff_delay(job.attempts, settings.retry_backoff_scale)
        return Outcome("retry", error=error, retry_at=utcnow() + delay)

    async def _until_recorded(self, write: Callable[[], Awaitable[object]]) -> None:
        """Jobs that ran must be recorded, or they run again when their lease ends
        (a delivery sent twice): a database outage here is waited out, for up to
        half the lease."""
        pause = self.fed.settings.worker.poll_interval_seconds
        deadline = time.monotonic() + self._lease.total_seconds() / 2
        while True:
            try:
                await write()
                return
            except Exception as exc:
                if not is_database_unavailable(exc) or time.monotonic() > deadline:
                    raise
                log.warning("worker: cannot record outcomes yet: %s", exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_OUTAGE_PAUSE_SECONDS)

    async def _write_outcomes(self, settled: list[Settled]) -> None:
        async with self.fed.db.session() as session:
            await self._record(session, settled)

    async def _record(
        self, session: AsyncSession, settled: list[Settled]
    ) -> list[None]:
        # The common outcome, done, is settled in bulk; the rest one by one.
        await queue.complete_many(
            session, [item.job.id for item in settled if item.outcome.state == "done"]
        )
        for item in settled:
            if item.outcome.state != "done":
                await _apply(session, item)
        deliveries = [
            (host, item.outcome)
            for item in settled
            if item.job.kind == JobKind.DELIVER and (host := item.job.host)
        ]
        await record_outcomes(self.fed, session, deliveries)
        return [None] * len(settled)


def outage_pause(poll: float, failures: int) -> float:
    """Seconds to wait after `failures` failed batches in a row (0: the poll)."""
    if failures == 0:
        return poll
    return min(poll * 2.0 ** min(failures, 16), MAX_OUTAGE_PAUSE_SECONDS)


def _log_failed_batch(exc: Exception, failures: int) -> None:
    if not is_database_unavailable(exc):
        log.exception("worker batch failed; retrying shortly")
    elif failures == 1 or failures % 10 == 0:  # one line now and then, no trace
        log.warning(
            "worker: database unavailable (%s: %s); backing off",
            type(exc).__name__,
            exc,
        )


async def _apply(session: Any, item: Settled) -> None:
    outcome, job_id = item.outcome, item.job.id
    match outcome.state:
        case "done":
            await queue.complete(session, job_id)
        case "retry":
            assert outcome.retry_at is not None
            await queue.retry_at(session, job_id, outcome.retry_at, outcome.error or "")
        case "held":
            await queue.hold(session, job_id, outcome.error or "")
        case _:
            await queue.fail(session, job_id, outcome.error or "failed")
