"""The event bus: committed domain events, fanned out to this process's listeners.

Two implementations, chosen by the database URL:
- `InProcessBus` (SQLite): one process, so a plain asyncio fan-out is enough.
- `PostgresBus`: every process LISTENs on the "fedcity_events" channel and NOTIFYs
  what it commits, so a stream served by one process hears about posts written by
  any other process on the same database.

Events are published only after their transaction commits (`publish_after_commit`).
Delivery is best effort, as in Mastodon: a listener that falls too far behind, or a
LISTEN connection that drops, loses events; clients catch up through the REST API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

from fedcity.services.events import Event, take

log = logging.getLogger(__name__)

CHANNEL = "fedcity_events"
# PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; keep a margin.
MAX_PAYLOAD_BYTES = 7900
# A listener that falls this far behind starts losing events.
QUEUE_SIZE = 10_000
_WAKE = ""  # not a payload: tells the sender to check its connection
# Reconnect tries back off up to this: a database back after an outage is heard
# again within seconds.
MAX_RECONNECT_DELAY_SECONDS = 10.0


class EventBus(Protocol):
    def publish(self, events: Sequence[Event]) -> None:
        """Called right after a commit, from the event loop's thread; never blocks."""

    def subscribe(self) -> asyncio.Queue[Event]: ...

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None: ...

    async def start(self) -> None: ...

    async def flush(self) -> None:
        """Wait until what was published has left the process (a short-lived
        process, such as a CLI command, calls it before `close`, within a
        timeout of its own)."""

    async def close(self) -> None: ...


class _Fanout:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event]] = set()
        self.dropped = 0

    def subscribe(self) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        self._queues.discard(queue)

    def _deliver(self, events: Sequence[Event]) -> None:
        for queue in self._queues:
            for item in events:
                try:
                    queue.put_nowait(item)
                except asyncio.QueueFull:
                    self.dropped += 1
                    if self.dropped % 1000 == 1:
                        log.warning(
                            "stream listener behind: %d events dropped", self.dropped
                        )


class InProcessBus(_Fanout):
    """Fan-out inside one process (SQLite, or a single PostgreSQL process)."""

    def publish(self, events: Sequence[Event]) -> None:
        self._deliver(events)

    async def start(self) -> None:
        return None

    async def flush(self) -> None:
        return None

    async def close(self) -> None:
        self._queues.clear()


class PostgresBus(_Fanout):
    """LISTEN/NOTIFY on one dedicated asyncpg connection per process.

    Local events are delivered at once and NOTIFYed for the other processes; the
    process's own notifications (same backend pid) are ignored when they come back.
    """

    def __init__(self, dsn: str, *, keepalive_seconds: float = 30.0) -> None:
        super().__init__()
        self.dsn = dsn
        self.keepalive_seconds = keepalive_seconds
        self._outgoing: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        self._conn: Any = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def publish(self, events: Sequence[Event]) -> None:
        if self._closed:
            return
        self._deliver(events)
        for payload in _payloads(events):
            try:
                self._outgoing.put_nowait(payload)
            except asyncio.QueueFull:
                log.warning("event bus: NOTIFY queue full, events dropped")

    async def start(self) -> None:
        await self._connect()
        self._task = asyncio.create_task(self._run(), name="fedcity-event-bus")

    async def flush(self) -> None:
        await self._outgoing.join()

    async def close(self) -> None:
        self._closed = True
        self._queues.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._disconnect()

    async def _connect(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.dsn, timeout=10)
        await conn.add_listener(CHANNEL, self._on_notify)
        conn.add_termination_listener(self._on_lost)
        self._conn = conn

    def _on_lost(self, conn: Any) -> None:
        # Reconnect now rather than at the next publish: meanwhile nothing is heard.
        if not self._closed and conn is self._conn:
            with contextlib.suppress(asyncio.QueueFull):
                self._outgoing.put_nowait(_WAKE)

    async def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), timeout=5)

    def _on_notify(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        if pid == conn.get_server_pid():
            return  # our own NOTIFY: already delivered locally
        try:
            events = json.loads(payload)
        except ValueError:
            log.warning("event bus: unreadable payload on %s", channel)
            return
        if isinstance(events, list):
            self._deliver([e for e in events if isinstance(e, dict)])

    async def _run(self) -> None:
        """Send queued NOTIFYs; ping when idle; reconnect (and re-LISTEN) on failure."""
        delay = 1.0
        pending: str | None = None
        while True:
            try:
                if self._conn is None or self._conn.is_closed():
                    await self._disconnect()
                    await self._connect()
                    log.info("event bus: LISTEN connection re-established")
                    delay = 1.0
                if pending is None:
                    try:
                        pending = await asyncio.wait_for(
                            self._outgoing.get(), self.keepalive_seconds
                        )
                    except TimeoutError:
                        await self._conn.fetchval("SELECT 1")
                        continue
                if pending != _WAKE:
                    await self._conn.execute(
                        "SELECT pg_notify($1, $2)", CHANNEL, pending
                    )
                    delay = 1.0
                pending = None
                self._outgoing.task_done()  # `flush` waits for these
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("event bus: %s; reconnecting in %.0f s", exc, delay)
                await self._disconnect()
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RECONNECT_DELAY_SECONDS)


def _payloads(events: Sequence[Event]) -> list[str]:
    """JSON arrays of events, each under PostgreSQL's NOTIFY payload limit."""
    out: list[str] = []
    batch: list[str] = []
    size = 2
    for item in events:
        encoded = json.dumps(item, separators=(",", ":"))
        if len(encoded.encode()) + 2 > MAX_PAYLOAD_BYTES:
            log.warning("event bus: event too large to NOTIFY: %s", item.get("kind"))
            continue
        if batch and size + len(encoded.encode()) + 1 > MAX_PAYLOAD_BYTES:
            out.append("[" + ",".join(batch) + "]")
            batch, size = [], 2
        batch.append(encoded)
        size += len(encoded.encode()) + 1
    if batch:
        out.append("[" + ",".join(batch) + "]")
    return out


def open_event_bus(database_url: str) -> EventBus:
    """PostgreSQL LISTEN/NOTIFY for PostgreSQL databases, in-process otherwise."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresBus(dsn)
    return InProcessBus()


def publish_after_commit(
    sessionmaker: async_sessionmaker[AsyncSession], bus: EventBus
) -> None:
    """Sessions from `sessionmaker` hand their recorded events to `bus` after each
    commit and forget them on rollback.

    The listeners go on a Session subclass made for this sessionmaker, so that
    several applications in one process (tests) each publish to their own bus.
    """
    base: type[Session] = sessionmaker.kw.get("sync_session_class", Session)
    session_class = type("EventPublishingSession", (base,), {})

    def after_commit(session: Session) -> None:
        events = take(session.info)
        if events:
            bus.publish(events)

    def after_rollback(session: Session) -> None:
        take(session.info)

    def after_transaction_end(
        session: Session, transaction: SessionTransaction
    ) -> None:
        if transaction.parent is None:
            take(session.info)  # closed without commit: nothing happened

    event.listen(session_class, "after_commit", after_commit)
    event.listen(session_class, "after_rollback", after_rollback)
    event.listen(session_class, "after_transaction_end", after_transaction_end)
    sessionmaker.configure(sync_session_class=session_class)
