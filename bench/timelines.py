"""Reading a city instance: timelines, notifications and full-text search.

A real `fedcity serve` (pinned to core 0, worker off: nothing but the reads runs)
gets a database seeded directly with a month of a city instance (see cityseed.py):
by default 2,000 accounts posting 100,000 statuses, one reader who follows 300 of
them, has a list of 50, three keyword filters (warn and hide), two followed
hashtags, a few mutes and blocks, and 20,000 notifications (as many again for the
other local accounts). Then a client process on core 1 reads, with a token from
`fedcity token create`, each of:

    GET /api/v1/timelines/home                 (first page, and a deep page by max_id)
    GET /api/v1/timelines/public?local=true
    GET /api/v1/timelines/list/:id
    GET /api/v1/timelines/tag/transit
    GET /api/v1/notifications
    GET /api/v2/notifications                  (grouped)
    GET /api/v2/search?q=bicycle&type=statuses (full text)

in a closed loop with N connections for a few seconds per level of N (and, with
--rate, open loop at a fixed rate, see loadgen.py). Reported: requests/s, latency
p50/p99/max, the server's CPU time per request (from /proc), items and size per
answer. Every answer must be a 200 with something in it; speed is not asserted.

    .venv/bin/python bench/timelines.py
    .venv/bin/python bench/timelines.py --scale 0.1 --duration 2     # a quick look
    .venv/bin/python bench/timelines.py --scale 3 --only home,search --rate 50
    .venv/bin/python bench/timelines.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp
import citygraph
import common
import orjson
from cityposts import Posting
from cityreactions import Reactions
from cityseed import SEARCH_WORD, TAG, City, Plan, Scale, write
from citytext import Who
from loadgen import run_load
from sqlalchemy import select

from fedcity.storage.db import Database
from fedcity.storage.models import Actor
from fedcity.urls import Urls

READER = "reader"


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    items: str | None = None  # the key of the answer's list; None: it is the list


def endpoints(city: City) -> list[Endpoint]:
    return [
        Endpoint("home", "/api/v1/timelines/home"),
        Endpoint("home max_id", f"/api/v1/timelines/home?max_id={city.deep_max_id}"),
        Endpoint("public local", "/api/v1/timelines/public?local=true"),
        Endpoint("list", f"/api/v1/timelines/list/{city.list_id}"),
        Endpoint("tag", f"/api/v1/timelines/tag/{TAG}"),
        Endpoint("notifications v1", "/api/v1/notifications"),
        Endpoint("notifications v2", "/api/v2/notifications", "notification_groups"),
        Endpoint("search", f"/api/v2/search?q={SEARCH_WORD}&type=statuses", "statuses"),
    ]


# --- seeding -------------------------------------------------------------------------


async def reader_of(db_url: str, urls: Urls) -> Who:
    db = Database(db_url)
    try:
        async with db.session() as session:
            actor_id = await session.scalar(
                select(Actor.id).where(Actor.username == READER, Actor.domain.is_(None))
            )
    finally:
        await db.dispose()
    assert actor_id is not None
    return Who(
        actor_id,
        READER,
        None,
        urls.actor(READER),
        urls.profile_page(READER),
        urls.followers(READER),
    )


def seed(server: common.Server, scale: Scale, seed_value: int) -> City:
    urls = Urls(server.base_url)
    plan = Plan(urls, asyncio.run(reader_of(server.db_url, urls)), scale, seed_value)
    plan.accounts()
    citygraph.build(plan)
    posting = Posting(plan)
    posting.originals()
    reactions = Reactions(posting)
    reactions.run()
    reactions.notifications()
    reactions.counters()
    counts = asyncio.run(write(server.db_url, plan, reactions.reader_counts))
    # A PostgreSQL that has been running for a month has vacuumed and analysed
    # these tables; a bulk load has not yet.
    common.vacuum_analyze(server.db_url)
    deep = plan.start + (plan.now - plan.start) / 4
    counts["reader notifications"] = sum(
        1 for _, recipient, *_ in plan.notes if recipient == plan.reader.id
    )
    return City(
        plan.reader.id, plan.list_id, int(deep.timestamp() * 1000) << 16, counts
    )


# --- the client ------------------------------------------------------------------------


@dataclass
class Run:
    """What one endpoint answered at one level of load."""

    latencies: list[float] = field(default_factory=list)  # seconds, every answer
    statuses: Counter[int] = field(default_factory=Counter)
    empty: int = 0  # 200s with nothing in the list
    failures: int = 0  # no answer at all
    elapsed: float = 0.0
    items: list[int] = field(default_factory=list)
    size: int = 0  # bytes, all answers

    @property
    def bad(self) -> int:
        return (
            sum(n for s, n in self.statuses.items() if s != 200)
            + self.empty
            + self.failures
        )


def _count_items(body: bytes, key: str | None) -> int:
    data = orjson.loads(body)
    found = data if key is None else data.get(key)
    return len(found) if isinstance(found, list) else 0


async def closed_loop(
    base_url: str, token: str, endpoint: Endpoint, connections: int, duration: float
) -> Run:
    """`connections` clients, each sending its next request when the last one is
    answered, until `duration` seconds have passed."""
    run = Run()
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(
        base_url, connector=connector, headers=headers
    ) as http:
        deadline = time.perf_counter() + duration

        async def client() -> None:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    async with http.get(endpoint.path) as response:
                        body = await response.read()
                except aiohttp.ClientError:
                    run.failures += 1
                    continue
                run.latencies.append(time.perf_counter() - sent)
                run.statuses[response.status] += 1
                run.size += len(body)
                if response.status == 200:
                    n = _count_items(body, endpoint.items)
                    run.items.append(n)
                    run.empty += n == 0

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(connections)))
        run.elapsed = time.perf_counter() - started
    return run


def _client(
    base_url: str,
    token: str,
    endpoint: Endpoint,
    connections: int,
    duration: float,
    out: Connection,
) -> None:
    common.pin_self(common.LOAD_CORE)
    out.send(asyncio.run(closed_loop(base_url, token, endpoint, connections, duration)))


def in_process(target: Callable[..., None], args: tuple[Any, ...]) -> Any:
    """Run `target(*args, pipe)` in a forked process (which pins itself to core 1);
    return what it sends back."""
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=target, args=(*args, sender))
    process.start()
    result = receiver.recv()
    process.join()
    return result


def _open_loop(port: int, raw: bytes, rate: float, count: int, out: Connection) -> None:
    common.pin_self(common.LOAD_CORE)
    result = asyncio.run(
        run_load("127.0.0.1", port, [raw] * count, rate, warm_connections=8)
    )
    # Answers are not read here (loadgen keeps statuses only): items stay unknown.
    out.send(
        Run(
            latencies=result.latencies,
            statuses=Counter(result.statuses),
            failures=result.failures,
            elapsed=result.elapsed,
        )
    )


# --- reporting -----------------------------------------------------------------------------


HEADER = (
    f"{'endpoint':<17} {'load':>7} {'answers':>7} {'req/s':>7} {'p50 ms':>7} "
    f"{'p99 ms':>7} {'max ms':>7} {'cpu µs/req':>10} {'items':>5} {'KiB':>5}  bad"
)


def report(endpoint: Endpoint, load: str, run: Run, cpu: float) -> str:
    lat = sorted(run.latencies)
    n = len(lat)
    items = f"{min(run.items)}" if run.items else "-"
    size = f"{run.size / n / 1024:.0f}" if run.size and n else "-"
    return (
        f"{endpoint.name:<17} {load:>7} {n:>7} {n / run.elapsed:>7.0f} "
        f"{common.percentile(lat, 0.5) * 1000:>7.1f} "
        f"{common.percentile(lat, 0.99) * 1000:>7.1f} "
        f"{lat[-1] * 1000 if lat else 0:>7.1f} {cpu / n * 1e6 if n else 0:>10.0f} "
        f"{items:>5} {size:>5}  {run.bad or ''}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiplies every count of the seed"
    )
    parser.add_argument("--posts", type=int, help="posts (after --scale)")
    parser.add_argument(
        "--notifications", type=int, help="the reader's (after --scale)"
    )
    parser.add_argument("--connections", default="1,8", help="closed-loop levels")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per level")
    parser.add_argument(
        "--rate", type=float, help="also an open loop at this rate (req/s)"
    )
    parser.add_argument("--only", help="endpoints to run, by name, comma-separated")
    parser.add_argument("--seed", type=int, default=1, help="of the random city")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL; a scratch database is created on it "
        "(default: SQLite in a temporary directory)",
    )
    parser.add_argument("--no-pin", action="store_true", help="don't use taskset")
    parser.add_argument(
        "--keep",
        type=Path,
        help="copy the run's directory here at the end (SQLite: the database, with "
        "the token and the city's ids in city.json, for profiling)",
    )
    args = parser.parse_args(argv)
    scale = Scale().times(args.scale)
    if args.posts:
        scale = replace(scale, posts=args.posts)
    if args.notifications:
        scale = replace(scale, notifications=args.notifications)

    if not args.no_pin:
        common.pin_self(common.LOAD_CORE)
    with (
        common.temp_root("fedcity-bench-timelines-") as root,
        common.scratch_database(root, args.database_url) as db_url,
    ):
        server = common.Server(root, db_url, worker=False, pin=not args.no_pin)
        common.print_machine(db_url, server.pinned)
        server.cli("migrate")
        server.cli("account", "create", READER, "--password", "bench-password")
        token = server.cli("token", "create", READER, "--scopes", "read")
        started = time.monotonic()
        city = seed(server, scale, args.seed)
        print(
            f"seeded in {time.monotonic() - started:.0f}s: "
            + ", ".join(f"{n:,} {name}" for name, n in city.counts.items() if n)
        )
        (root / "city.json").write_bytes(
            orjson.dumps({"token": token, **asdict(city)}, option=orjson.OPT_INDENT_2)
        )
        server.start()
        try:
            return _run(args, server, token, city)
        finally:
            server.stop()
            if args.keep:
                shutil.copytree(root, args.keep, dirs_exist_ok=True)


def _run(
    args: argparse.Namespace, server: common.Server, token: str, city: City
) -> int:
    chosen = endpoints(city)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        chosen = [e for e in chosen if e.name in wanted or e.name.split()[0] in wanted]
    levels = [int(n) for n in args.connections.split(",")]
    failed = False
    print(f"\nload average before measuring: {common.load_average()}\n")
    print(HEADER)
    for endpoint in chosen:
        # Warm-up: a few answers per endpoint, not reported (SQL compiled, caches filled).
        warm = in_process(_client, (server.base_url, token, endpoint, 1, 0.5))
        if warm.bad or not warm.latencies:
            print(
                f"{endpoint.name}: warm-up answers {dict(warm.statuses)}, {warm.empty} empty"
            )
            failed = True
            continue
        for connections in levels:
            run, cpu = measure(
                server,
                _client,
                (server.base_url, token, endpoint, connections, args.duration),
            )
            print(report(endpoint, f"{connections} conn", run, cpu), flush=True)
            failed |= run.bad > 0
        if args.rate:
            count = round(args.rate * args.duration)
            run, cpu = measure(
                server,
                _open_loop,
                (server.port, _raw(server, token, endpoint), args.rate, count),
            )
            print(report(endpoint, f"{args.rate:.0f}/s", run, cpu), flush=True)
            failed |= run.bad > 0
    print(f"\nload average after: {common.load_average()}")
    if failed:
        print("SOME ANSWERS WERE NOT 200 WITH CONTENT (see the 'bad' column)")
    return 1 if failed else 0


def measure(
    server: common.Server, target: Callable[..., None], args: tuple[Any, ...]
) -> tuple[Run, float]:
    """One load run, and the server's CPU seconds during it."""
    cpu = common.cpu_seconds(server.pid)
    run = in_process(target, args)
    return run, common.cpu_seconds(server.pid) - cpu


def _raw(server: common.Server, token: str, endpoint: Endpoint) -> bytes:
    return (
        f"GET {endpoint.path} HTTP/1.1\r\nHost: {server.domain}\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode()


if __name__ == "__main__":
    raise SystemExit(main())
