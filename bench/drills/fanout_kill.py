"""Drill: fan-out under kill -9. One public post reaches each of 1,000 inboxes
exactly once, give or take the deliveries in flight when the worker dies.

A real `fedcity serve` (in-process worker off) and a separate `fedcity worker`
share a database seeded, as in bench/fanout.py, with 1,000 remote followers of
one local account, each on its own origin: a distinct port of one sink process on
127.0.0.1 that counts what each inbox receives and answers 202 after
`--sink-delay` seconds (a peer's processing time, so the fan-out lasts long enough
to be interrupted). The post is made through the client API; once the sink has
received `--kill-at` deliveries, the worker is killed with SIGKILL and started
again. Jobs the dead worker had claimed are claimable again after `--lease` s.

Broken guarantee, exit 1: an inbox never gets the post (a loss), or more inboxes
get it twice than the worker's concurrency (`max_concurrent_deliveries`): only a
delivery in flight at the kill may be sent again.

    .venv/bin/python bench/drills/fanout_kill.py
    .venv/bin/python bench/drills/fanout_kill.py --inboxes 1000 --kill-at 500
    .venv/bin/python bench/drills/fanout_kill.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from multiprocessing.connection import Connection

import drill
from aiohttp import web
from drill import common
from fanout import LOCAL_NAME
from sink import seed_followers

# --- the sink: 1,000 origins that count, each answering after a delay ----------------


def _serve_sink(inboxes: int, delay: float, kill_at: int, control: Connection) -> None:
    common.pin_self(common.LOAD_CORE)
    asyncio.run(_sink(inboxes, delay, kill_at, control))


async def _sink(inboxes: int, delay: float, kill_at: int, control: Connection) -> None:
    loop = asyncio.get_running_loop()
    counts: Counter[int] = Counter()
    busy = [0]  # received, not yet answered

    async def handle(request: web.BaseRequest) -> web.Response:
        await request.read()
        counts[int(request.host.rsplit(":", 1)[1])] += 1
        if counts.total() == kill_at:
            control.send(("reached", busy[0] + 1))
        busy[0] += 1
        try:
            await asyncio.sleep(delay)
        finally:
            busy[0] -= 1
        return web.Response(status=202)

    server = web.Server(handle, access_log=None)
    listeners = [
        await loop.create_server(server, "127.0.0.1", 0) for _ in range(inboxes)
    ]
    control.send(("ports", [s.sockets[0].getsockname()[1] for s in listeners]))
    while await loop.run_in_executor(None, control.recv) == "counts":
        control.send(("counts", dict(counts), busy[0]))
    for listener in listeners:
        listener.close()


# --- the drill -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.bench_arguments(__doc__)
    parser.add_argument("--inboxes", type=int, default=1000)
    parser.add_argument("--kill-at", type=int, default=400, help="deliveries seen")
    parser.add_argument("--sink-delay", type=float, default=0.1, help="seconds")
    parser.add_argument("--lease", type=float, default=15.0, help="job lease, s")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds")
    args = parser.parse_args(argv)
    sink = (_serve_sink, args.inboxes, args.sink_delay, args.kill_at)
    with common.forked(*sink) as control:
        _, ports = control.recv()
        with drill.migrated_server("fedcity-drill-fanout-", args, worker=False) as (
            server,
            _,
        ):
            drill.configure(server, "worker", lease_seconds=args.lease)
            token = drill.local_token(server, LOCAL_NAME)
            asyncio.run(seed_followers(server.db_url, ports, args.inboxes, LOCAL_NAME))
            worker = drill.WorkerProcess(server)
            server.start()
            worker.start()
            try:
                return _drill(args, server, worker, token, control)
            finally:
                worker.stop()
                server.stop()


def _drill(
    args: argparse.Namespace,
    server: common.Server,
    worker: drill.WorkerProcess,
    token: str,
    sink: Connection,
) -> int:
    concurrency = 50  # [federation] max_concurrent_deliveries, the default
    print(
        f"fan-out: one public post → {args.inboxes} inboxes (one per origin), "
        f"sink answers after {args.sink_delay * 1000:.0f} ms; kill -9 of "
        f"`fedcity worker` at delivery {args.kill_at}; lease {args.lease:.0f} s; "
        f"worker concurrency {concurrency}"
    )
    started = time.monotonic()
    common.post_status(
        server.base_url, token, "Water main repair on Elm Street tonight"
    )
    if not sink.poll(args.timeout):
        print(f"the sink never saw {args.kill_at} deliveries")
        return 1
    _, in_flight = sink.recv()
    killed_at = drill.kill9(worker.process)
    at_kill = _counts(sink)[0]
    worker.start()
    done = _wait_complete(server, sink, args.inboxes, args.timeout)
    time.sleep(2.0)  # late duplicates, if any, arrive before the count
    counts, _ = _counts(sink)
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    twice = sum(1 for c in counts.values() if c > 1)
    lost = args.inboxes - len(counts)
    print(
        f"\nkilled {killed_at - started:.2f} s after the post, with {sum(at_kill.values())} "
        f"deliveries received and {in_flight} in flight at the sink"
    )
    print(
        f"after restart: all {args.inboxes} inboxes reached {done:.1f} s after the kill"
        if done is not None
        else f"after restart: only {len(counts)} of {args.inboxes} inboxes reached"
    )
    print(
        f"deliveries: {sum(counts.values())} for {args.inboxes} inboxes; "
        f"{twice} inboxes got the post twice or more ({duplicates} extra); lost {lost}"
    )
    return drill.verdict(
        [
            (f"no inbox lost ({lost})", lost == 0),
            (
                f"duplicates ({duplicates}) ≤ worker concurrency ({concurrency})",
                duplicates <= concurrency,
            ),
            ("every delivery job finished", done is not None),
        ]
    )


def _counts(sink: Connection) -> tuple[Counter[int], int]:
    sink.send("counts")
    _, counts, busy = sink.recv()
    return Counter(counts), busy


def _wait_complete(
    server: common.Server, sink: Connection, inboxes: int, timeout: float
) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        counts, busy = _counts(sink)
        unfinished = common.scalar(
            server.db_url,
            "SELECT count(*) FROM jobs WHERE state NOT IN ('done', 'failed')",
        )
        if len(counts) == inboxes and unfinished == 0 and busy == 0:
            return time.monotonic() - started
        time.sleep(0.25)
    return None


if __name__ == "__main__":
    raise SystemExit(main())
