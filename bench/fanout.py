"""Time for one public post to reach 10,000 followers on 1,000 instances.

The database of a real `fedcity serve` (pinned to core 0, in-process worker on) is
seeded directly with 10,000 remote actors spread over 1,000 origins, each origin
with one shared inbox, and 10,000 accepted follows of one local account. Each
origin is a distinct port of one sink process on 127.0.0.1 (core 1), which checks
nothing and counts what it receives: a 202 per POST.

A post is then created through the client API (POST /api/v1/statuses with a token
from `fedcity token create`); the clock runs from the API call until the sink has
had one delivery on each of the 1,000 inboxes, and each inbox must get exactly one.

    .venv/bin/python bench/fanout.py
    .venv/bin/python bench/fanout.py --instances 100 --followers 1000 --posts 5
    .venv/bin/python bench/fanout.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import urllib.request
from collections import Counter
from collections.abc import Sequence
from multiprocessing.connection import Connection

import common
from aiohttp import web
from sqlalchemy import insert, select, update

from fedcity.storage.db import Database
from fedcity.storage.models import Actor, Follow, FollowState
from fedcity.storage.types import utcnow

LOCAL_NAME = "bench"


# --- the sink: many origins, one process, count and 202 --------------------------


def _serve_sink(instances: int, control: Connection) -> None:
    common.pin_self(common.LOAD_CORE)
    asyncio.run(_sink(instances, control))


async def _sink(instances: int, control: Connection) -> None:
    loop = asyncio.get_running_loop()
    counts: Counter[int] = Counter()
    expected: set[int] = set()
    first: list[float] = []

    async def handle(request: web.BaseRequest) -> web.Response:
        await request.read()
        port = int(request.host.rsplit(":", 1)[1])
        counts[port] += 1
        if not first:
            first.append(time.monotonic())
        if len(counts) == len(expected) and port in expected and counts[port] == 1:
            control.send(("done", first[0], time.monotonic()))
        return web.Response(status=202)

    server = web.Server(handle, access_log=None)
    listeners = []
    for _ in range(instances):
        listeners.append(await loop.create_server(server, "127.0.0.1", 0))
    ports = [s.sockets[0].getsockname()[1] for s in listeners]
    expected.update(ports)
    control.send(("ports", ports))
    # Commands from the benchmark: "reset" before each post, "counts" after it.
    while True:
        command = await loop.run_in_executor(None, control.recv)
        if command == "reset":
            counts.clear()
            first.clear()
            control.send(("reset",))
        elif command == "counts":
            control.send(("counts", dict(counts)))
        else:
            break
    for listener in listeners:
        listener.close()


# --- seeding -----------------------------------------------------------------------


async def seed(db_url: str, ports: list[int], followers: int) -> int:
    """Insert the remote actors and their follows; returns the local actor's id."""
    db = Database(db_url)
    now = utcnow()
    try:
        async with db.session() as session:
            local = await session.scalar(
                select(Actor).where(
                    Actor.username == LOCAL_NAME, Actor.domain.is_(None)
                )
            )
            assert local is not None
            actors = []
            for n in range(followers):
                base = f"http://127.0.0.1:{ports[n % len(ports)]}"
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


# --- one post ------------------------------------------------------------------------


def post_status(base_url: str, token: str, text: str) -> None:
    request = urllib.request.Request(  # noqa: S310 (a loopback http URL)
        f"{base_url}/api/v1/statuses",
        data=json.dumps({"status": text, "visibility": "public"}).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()


def one_post(
    server: common.Server, token: str, sink: Connection, n: int, timeout: float
) -> dict[str, float | int | bool]:
    sink.send("reset")
    assert sink.recv() == ("reset",)
    started = time.monotonic()
    post_status(server.base_url, token, f"Street sweeping moves to Tuesdays ({n})")
    answered = time.monotonic()
    done = sink.poll(timeout)
    message = sink.recv() if done else None
    time.sleep(1.0)  # let duplicates, if any, arrive before counting
    sink.send("counts")
    _, counts = sink.recv()
    result: dict[str, float | int | bool] = {
        "api": answered - started,
        "complete": done,
        "inboxes": len(counts),
        "deliveries": sum(counts.values()),
        "exactly_one": all(c == 1 for c in counts.values()),
    }
    if message is not None:
        _, first, last = message
        result["first"] = first - started
        result["total"] = last - started
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--instances", type=int, default=1_000)
    parser.add_argument("--posts", type=int, default=3, help="posts, timed one by one")
    parser.add_argument("--timeout", type=float, default=60.0, help="per post, in s")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL; a scratch database is created on it "
        "(default: SQLite in a temporary directory)",
    )
    parser.add_argument("--no-pin", action="store_true", help="don't use taskset")
    args = parser.parse_args(argv)

    if not args.no_pin:
        common.pin_self(common.LOAD_CORE)
    with common.forked(_serve_sink, args.instances) as control:
        _, ports = control.recv()
        with (
            common.temp_root("fedcity-bench-fanout-") as root,
            common.scratch_database(root, args.database_url) as db_url,
        ):
            server = common.Server(root, db_url, worker=True, pin=not args.no_pin)
            common.print_machine(db_url, server.pinned)
            server.cli("migrate")
            server.cli("account", "create", LOCAL_NAME, "--password", "bench-password")
            token = server.cli("token", "create", LOCAL_NAME)
            seeded = time.monotonic()
            asyncio.run(seed(db_url, ports, args.followers))
            print(
                f"seeded {args.followers} followers on {len(ports)} instances "
                f"in {time.monotonic() - seeded:.1f}s"
            )
            server.start()
            try:
                return _run(args, server, token, control)
            finally:
                server.stop()


def _run(
    args: argparse.Namespace, server: common.Server, token: str, sink: Connection
) -> int:
    print(
        f"\none public post → {args.followers} followers → {args.instances} "
        "shared inboxes\n"
    )
    print("post  api(ms)  first(ms)  all(ms)  deliveries/s  inboxes  exactly-one")
    totals = []
    for n in range(1, args.posts + 1):
        r = one_post(server, token, sink, n, args.timeout)
        if not r["complete"]:
            print(
                f"{n:>4}  incomplete after {args.timeout:.0f}s: "
                f"{r['inboxes']}/{args.instances} inboxes reached"
            )
            return 1
        total = float(r["total"])
        totals.append(total)
        print(
            f"{n:>4} {float(r['api']) * 1000:>8.1f} {float(r['first']) * 1000:>10.1f} "
            f"{total * 1000:>8.0f} {args.instances / total:>13.0f} "
            f"{r['inboxes']:>8}  {'yes' if r['exactly_one'] else 'NO'}"
        )
    print(
        f"\nmedian time to reach all {args.instances} inboxes: "
        f"{statistics.median(totals) * 1000:.0f} ms "
        f"(best {min(totals) * 1000:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
