"""An open-loop HTTP/1.1 load generator for pre-built requests.

Request i is due at `start + i / rate`, whatever happened to the earlier ones, and
its latency is measured from that scheduled time, not from when it could finally be
written: a server that stalls is charged for the whole stall (no coordinated
omission). Requests are raw bytes prepared in advance, written on keep-alive
connections, one request in flight per connection; a request that finds every
connection busy waits in a backlog (its clock already running) or opens a new
connection, up to `max_connections`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    rate: float
    sent: int
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0  # connection errors and requests with no answer in time
    latencies: list[float] = field(default_factory=list)  # seconds, 2xx only
    due: list[float] = field(default_factory=list)  # when each 2xx was due, from start
    elapsed: float = 0.0  # first scheduled send → last answer
    max_lag: float = 0.0  # how late the generator wrote a request, at worst
    connections: int = 0

    @property
    def accepted(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    @property
    def errors(self) -> int:
        return self.sent - self.accepted


class _Connection(asyncio.Protocol):
    def __init__(self, gen: _Generator) -> None:
        self.gen = gen
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.current: int | None = None  # index of the request in flight

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def send(self, index: int) -> None:
        assert self.transport is not None
        self.current = index
        self.gen.lag(index)
        self.transport.write(self.gen.requests[index])

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.current is not None:
            status = self._take_response()
            if status is None:
                return
            index, self.current = self.current, None
            self.gen.answered(self, index, status)

    def _take_response(self) -> int | None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).split(b"\r\n")
        length = 0
        for line in head[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        total = end + 4 + length
        if len(self.buffer) < total:
            return None
        del self.buffer[:total]
        return int(head[0].split(b" ", 2)[1])

    def connection_lost(self, exc: Exception | None) -> None:
        self.gen.lost(self)


class _Generator:
    def __init__(
        self, host: str, port: int, requests: Sequence[bytes], max_connections: int
    ) -> None:
        self.host, self.port = host, port
        self.requests = requests
        self.max_connections = max_connections
        self.loop = asyncio.get_running_loop()
        self.idle: list[_Connection] = []
        self.opening = 0
        self.open: set[_Connection] = set()
        self.backlog: deque[int] = deque()
        self.due: list[float] = []
        self.result = LoadResult(rate=0.0, sent=len(requests))
        self.remaining = len(requests)
        self.finished = self.loop.create_future()
        self.last_answer = 0.0

    async def warm(self, connections: int) -> None:
        await asyncio.gather(*(self._connect() for _ in range(connections)))

    async def _connect(self) -> None:
        self.opening += 1
        try:
            _, conn = await self.loop.create_connection(
                lambda: _Connection(self), self.host, self.port
            )
        except OSError:
            self.opening -= 1
            if self.backlog:  # the waiting request fails rather than hanging
                self._finish(self.backlog.popleft(), None)
            return
        self.opening -= 1
        self.open.add(conn)
        self.result.connections = max(self.result.connections, len(self.open))
        self._idle(conn)

    def _idle(self, conn: _Connection) -> None:
        if self.backlog:
            conn.send(self.backlog.popleft())
        else:
            self.idle.append(conn)

    def submit(self, index: int) -> None:
        if self.idle:
            self.idle.pop().send(index)
            return
        self.backlog.append(index)
        if len(self.open) + self.opening < self.max_connections:
            self.loop.create_task(self._connect())

    def lag(self, index: int) -> None:
        late = self.loop.time() - self.due[index]
        self.result.max_lag = max(self.result.max_lag, late)

    def answered(self, conn: _Connection, index: int, status: int) -> None:
        self._finish(index, status)
        self._idle(conn)

    def lost(self, conn: _Connection) -> None:
        self.open.discard(conn)
        if conn in self.idle:
            self.idle.remove(conn)
        if conn.current is not None:
            self._finish(conn.current, None)

    def _finish(self, index: int, status: int | None) -> None:
        now = self.loop.time()
        self.last_answer = now
        if status is None:
            self.result.failures += 1
        else:
            self.result.statuses[status] = self.result.statuses.get(status, 0) + 1
            if 200 <= status < 300:
                self.result.latencies.append(now - self.due[index])
                self.result.due.append(self.due[index] - self.due[0])
        self.remaining -= 1
        if self.remaining == 0 and not self.finished.done():
            self.finished.set_result(None)

    async def run(self, rate: float, grace: float) -> LoadResult:
        self.result.rate = rate
        start = self.loop.time() + 0.02
        self.due = [start + i / rate for i in range(len(self.requests))]
        for index, due in enumerate(self.due):
            delay = due - self.loop.time()
            if delay > 0.0005:  # below that, sleeping costs more than it waits
                await asyncio.sleep(delay)
            self.submit(index)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self.finished), grace)
        self.result.failures += self.remaining  # never answered
        self.result.elapsed = max(self.last_answer, self.due[-1]) - start
        for conn in list(self.open):
            if conn.transport is not None:
                conn.transport.close()
        return self.result


async def run_load(
    host: str,
    port: int,
    requests: Sequence[bytes],
    rate: float,
    *,
    warm_connections: int = 32,
    max_connections: int = 256,
    grace: float = 15.0,
) -> LoadResult:
    """Send every request at `rate` per second; wait up to `grace` s for stragglers."""
    gen = _Generator(host, port, requests, max_connections)
    await gen.warm(warm_connections)
    return await gen.run(rate, grace)
