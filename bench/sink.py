"""Many remote instances in one process: the sink that fan-out benchmarks deliver
to, and the remote followers seeded on it (bench/fanout.py, bench/groups.py).

The sink listens on one loopback port per origin, each origin's shared inbox being
`/inbox`. It verifies nothing: it answers each POST with 202 after counting it by
port and by kind (a `classify` function of the body names the kind), and tells the
benchmark when every port has had a POST of a watched kind. GET answers NodeInfo
naming `software` (a peer's server telling what it runs), or 404 without one.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import common
from aiohttp import web
from sqlalchemy import insert, select, update

from fedcity.storage.db import Database
from fedcity.storage.models import Actor, Follow, FollowState
from fedcity.storage.types import utcnow

Classify = Callable[[bytes], str]
NODEINFO = "http://nodeinfo.diaspora.software/ns/schema/2.1"


def every_post(body: bytes) -> str:
    """The default classification: every POST is a delivery of the one kind."""
    return "post"


# --- the benchmark's side -------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """What the sink received since the last reset: POSTs by kind and port, the
    time of the last POST of each kind, GETs by path."""

    counts: dict[str, dict[int, int]]
    last: dict[str, float]
    gets: dict[str, int]

    def total(self, kinds: Collection[str] | None = None) -> int:
        return sum(
            sum(ports.values())
            for kind, ports in self.counts.items()
            if kinds is None or kind in kinds
        )

    def exactly_one(self, kind: str, ports: int) -> bool:
        """Whether each of `ports` inboxes had exactly one POST of `kind`."""
        found = self.counts.get(kind, {})
        return len(found) == ports and all(c == 1 for c in found.values())


@dataclass
class Timed:
    """One timed action (a post): seconds from its start to the API's answer, to
    the first watched delivery and to every port having had one (None: not within
    the timeout), and what the sink had received once deliveries stopped; what the
    action returned."""

    answer: Any
    started: float
    api: float
    first: float | None
    all: float | None
    tally: Tally

    def last(self, kinds: Collection[str]) -> float | None:
        """Seconds to the last POST of any of `kinds`."""
        times = [t for kind, t in self.tally.last.items() if kind in kinds]
        return max(times) - self.started if times else None


@dataclass
class Sink:
    control: Connection
    ports: list[int]
    _done: list[tuple[float, float]] = field(default_factory=list)

    def _ask(self, command: str) -> tuple[Any, ...]:
        """Send a command and take its answer; a "done" that arrives meanwhile (late,
        after a timeout) is kept for `wait`."""
        self.control.send(command)
        while True:
            message = self.control.recv()
            if message[0] == command:
                return tuple(message)
            self._done.append((message[1], message[2]))

    def reset(self) -> None:
        self._ask("reset")
        self._done.clear()

    def wait(self, timeout: float) -> tuple[float, float] | None:
        """(first, all) monotonic times once every port has had a watched POST."""
        if not self._done and self.control.poll(timeout):
            _, first, last = self.control.recv()
            self._done.append((first, last))
        return self._done[0] if self._done else None

    def tally(self) -> Tally:
        _, counts, last, gets = self._ask("counts")
        return Tally(counts, last, gets)

    def settle(self, quiet: float = 1.0, limit: float = 60.0) -> Tally:
        """The tally once no POST has arrived for `quiet` seconds (late deliveries
        and duplicates, if any, counted), or after `limit` seconds."""
        deadline = time.monotonic() + limit
        tally = self.tally()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.tally()
            if now.total() == tally.total():
                return now
            tally = now
        return tally

    def time(self, action: Callable[[], Any], timeout: float) -> Timed:
        """Run `action` (an API call) and time what reaches the sink after it."""
        self.reset()
        started = time.monotonic()
        answer = action()
        answered = time.monotonic()
        done = self.wait(timeout)
        tally = self.settle()
        return Timed(
            answer,
            started,
            answered - started,
            done[0] - started if done else None,
            done[1] - started if done else None,
            tally,
        )


@contextlib.contextmanager
def running(
    instances: int,
    classify: Classify = every_post,
    watch: Collection[str] = ("post",),
    software: str | None = None,
) -> Iterator[Sink]:
    """A sink process with `instances` origins for the length of the block."""
    plan = _Plan(instances, classify, frozenset(watch), software)
    with common.forked(_serve, plan) as control:
        _, ports = control.recv()
        yield Sink(control, ports)


# --- the sink process ---------------------------------------------------------------


@dataclass
class _Received:
    watch: frozenset[str]
    ports: int
    counts: defaultdict[str, Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    last: dict[str, float] = field(default_factory=dict)
    gets: Counter[str] = field(default_factory=Counter)
    reached: set[int] = field(default_factory=set)
    first: float | None = None

    def post(self, port: int, kind: str) -> tuple[float, float] | None:
        """Count a POST; (first, now) when it is the last port to be reached."""
        now = time.monotonic()
        self.counts[kind][port] += 1
        self.last[kind] = now
        if kind not in self.watch or port in self.reached:
            return None
        self.first = self.first or now
        self.reached.add(port)
        return (self.first, now) if len(self.reached) == self.ports else None

    def clear(self) -> None:
        self.counts.clear()
        self.last.clear()
        self.gets.clear()
        self.reached.clear()
        self.first = None


@dataclass(frozen=True)
class _Plan:
    instances: int
    classify: Classify
    watch: frozenset[str]
    software: str | None


def _serve(plan: _Plan, control: Connection) -> None:
    common.pin_self(common.LOAD_CORE)
    asyncio.run(_sink(plan, control))


async def _sink(plan: _Plan, control: Connection) -> None:
    loop = asyncio.get_running_loop()
    received = _Received(plan.watch, plan.instances)

    async def handle(request: web.BaseRequest) -> web.Response:
        port = int(request.host.rsplit(":", 1)[1])
        if request.method == "GET":
            received.gets[request.path] += 1
            return _nodeinfo(request.path, port, plan.software)
        done = received.post(port, plan.classify(await request.read()))
        if done is not None:
            control.send(("done", *done))
        return web.Response(status=202)

    server = web.Server(handle, access_log=None)
    listeners = [
        await loop.create_server(server, "127.0.0.1", 0) for _ in range(plan.instances)
    ]
    control.send(("ports", [s.sockets[0].getsockname()[1] for s in listeners]))
    # Commands from the benchmark: "reset" before each timed action, "counts".
    while True:
        command = await loop.run_in_executor(None, control.recv)
        if command == "reset":
            received.clear()
            control.send(("reset",))
        elif command == "counts":
            counts = {kind: dict(ports) for kind, ports in received.counts.items()}
            control.send(("counts", counts, dict(received.last), dict(received.gets)))
        else:
            break
    for listener in listeners:
        listener.close()


def _nodeinfo(path: str, port: int, software: str | None) -> web.Response:
    """The least NodeInfo a server gives: the index, and a 2.1 document."""
    if software is None:
        return web.Response(status=404)
    if path == "/.well-known/nodeinfo":
        href = f"http://127.0.0.1:{port}/nodeinfo/2.1"
        return web.json_response({"links": [{"rel": NODEINFO, "href": href}]})
    if path == "/nodeinfo/2.1":
        return web.json_response(
            {
                "version": "2.1",
                "software": {"name": software, "version": "1.0"},
                "protocols": ["activitypub"],
                "usage": {"users": {}},
                "openRegistrations": False,
            }
        )
    return web.Response(status=404)


# --- remote followers -----------------------------------------------------------------


def origin(port: int) -> str:
    return f"http://127.0.0.1:{port}"


async def seed_followers(db_url: str, ports: list[int], count: int, target: str) -> int:
    """Insert `count` remote actors spread over the sink's origins (sharing each
    origin's `/inbox`) and their accepted follows of the local actor `target`, as
    the inbox would have stored them; returns the target's id."""
    db = Database(db_url)
    now = utcnow()
    try:
        async with db.session() as session:
            local = await session.scalar(
                select(Actor).where(Actor.username == target, Actor.domain.is_(None))
            )
            assert local is not None
            actors = []
            for n in range(count):
                base = origin(ports[n % len(ports)])
                uri = f"{base}/users/f{n}"
                actors.append(
                    {
                        "uri": uri,
                        "username": f"f{n}",
                        "domain": base.removeprefix("http://"),
                        "inbox_uri": f"{uri}/inbox",
                        "shared_inbox_uri": f"{base}/inbox",
                        "key_id": f"{uri}#main-key",
                        "fetched_at": now,
                    }
                )
            await session.execute(insert(Actor), actors)
            ids = list(
                await session.scalars(select(Actor.id).where(Actor.domain.is_not(None)))
            )
            await session.execute(
                insert(Follow),
                [
                    {
                        "actor_id": actor_id,
                        "target_id": local.id,
                        "state": FollowState.ACCEPTED.value,
                        "uri": f"urn:bench:follow:{actor_id}",
                    }
                    for actor_id in ids
                ],
            )
            await session.execute(
                update(Actor)
                .where(Actor.id == local.id)
                .values(followers_count=len(ids))
            )
            return local.id
    finally:
        await db.dispose()
