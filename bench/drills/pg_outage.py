"""Drill: a PostgreSQL outage under load. While the database is down, requests are
answered 503 (with Retry-After) within the client's timeout, nothing answered 2xx
is lost, and `fedcity serve` / `fedcity worker` recover without a restart.

The drill makes its own PostgreSQL cluster (the machine's initdb and pg_ctl, a
temporary folder, a free port, run as the `postgres` user) and only ever stops
that one. A real `fedcity serve` (in-process worker off) and a `fedcity worker`
use it. Two loads run throughout: signed Create(Note) activities from a scripted
peer to the shared inbox, and POST /api/v1/statuses from a local account, both
paced, each request with a 10 s client timeout. After `--before` seconds the
cluster is stopped (`pg_ctl stop -m fast`: sessions are cut), `--outage` seconds
later started again, and the load goes on for `--after` seconds. Finally a
streaming client (SSE, /api/v1/streaming/public) must hear about posts the worker
applies after the outage: the worker's NOTIFY and the server's LISTEN connections
must both have come back.

Broken guarantee, exit 1: any answer other than 2xx or 503, a 503 without
Retry-After, a request unanswered within the timeout, a 2xx whose post is missing,
a process that died or needed a restart, requests still failing at the end, or a
stream that stays silent.

    .venv/bin/python bench/drills/pg_outage.py
    .venv/bin/python bench/drills/pg_outage.py --outage 30 --inbox-rate 100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
import drill
from drill import common

FIRST_ID = 10**17
NAME = "clerk"


@dataclass
class Loads:
    inbox: list[bytes]
    api: list[bytes]
    inbox_answers: list[drill.Answer]
    api_answers: list[drill.Answer]


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.bench_arguments(__doc__, database=False)
    parser.add_argument("--outage", type=float, default=60.0, help="seconds down")
    parser.add_argument("--before", type=float, default=10.0, help="seconds")
    parser.add_argument("--after", type=float, default=30.0, help="seconds")
    parser.add_argument("--inbox-rate", type=float, default=20.0, help="per second")
    parser.add_argument("--api-rate", type=float, default=5.0, help="per second")
    parser.add_argument("--timeout", type=float, default=10.0, help="client's, s")
    args = parser.parse_args(argv)
    with (
        drill.migrated_server(
            "fedcity-drill-pg-", args, worker=False, own_postgres=True
        ) as (server, cluster),
        drill.peer() as peer,
    ):
        assert cluster is not None
        print(
            f"cluster: {cluster.root} on 127.0.0.1:{cluster.port}, the drill's own "
            "(the shared server on 5432 is not touched)"
        )
        token = drill.local_token(server, NAME)
        worker = drill.WorkerProcess(server)
        server.start()
        worker.start()
        try:
            return asyncio.run(_drill(args, cluster, server, worker, peer, token))
        finally:
            worker.stop()
            server.stop()


async def _drill(
    args: argparse.Namespace,
    cluster: drill.PrivatePostgres,
    server: common.Server,
    worker: drill.WorkerProcess,
    peer: drill.Peer,
    token: str,
) -> int:
    warm = peer.creates(server, FIRST_ID, len(peer.actors))  # fetch every key once
    if not all(a.ok for a in await drill.send_paced(server.port, warm, 20)):
        print("warm-up failed")
        return 1
    pids = (server.pid, worker.process.pid if worker.process else 0)
    heard_before = await _stream_hears_new_posts(server, peer, token, FIRST_ID + 10**6)
    loads = _loads(args, server, peer, token)
    print(
        f"load: {args.inbox_rate:.0f}/s signed Create(Note) to /inbox and "
        f"{args.api_rate:.0f}/s POST /api/v1/statuses for "
        f"{args.before:.0f} + {args.outage:.0f} (down) + {args.after:.0f} s; "
        f"client timeout {args.timeout:.0f} s"
    )
    sending = asyncio.gather(
        drill.send_paced(
            server.port, loads.inbox, args.inbox_rate, timeout=args.timeout
        ),
        drill.send_paced(
            server.port, loads.api, args.api_rate, lanes=8, timeout=args.timeout
        ),
    )
    await asyncio.sleep(args.before)
    stopped = time.monotonic()  # sessions are cut from here on
    await asyncio.to_thread(cluster.stop)
    down = time.monotonic()  # stopped: nothing sent from here on can commit
    await asyncio.sleep(args.outage - (down - stopped))
    starting = time.monotonic()
    started = await asyncio.to_thread(cluster.start)
    print(
        f"database down {started - stopped:.1f} s; up {started - starting:.2f} s after `pg_ctl start`"
    )
    loads.inbox_answers, loads.api_answers = await sending
    # The backlog first: the stream's posts must not queue behind it.
    settle = await drill.wait_until(lambda: _unfinished(server) == 0, 180)
    heard = await _stream_hears_new_posts(server, peer, token, FIRST_ID + 2 * 10**6)
    _report(loads, (stopped, down, starting), (heard_before, heard))
    same = pids == (server.pid, worker.process.pid if worker.process else 0)
    return await asyncio.to_thread(
        _check,
        args,
        server,
        worker,
        loads,
        started,
        (heard_before, heard),
        settle,
        same,
    )


def _loads(
    args: argparse.Namespace, server: common.Server, peer: drill.Peer, token: str
) -> Loads:
    seconds = args.before + args.outage + args.after
    inbox = peer.creates(server, FIRST_ID + 1000, round(args.inbox_rate * seconds))
    api = [
        drill.http_request(
            "POST",
            "/api/v1/statuses",
            json.dumps({"status": f"Bin collection update {n}"}).encode(),
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        for n in range(round(args.api_rate * seconds))
    ]
    return Loads(inbox, api, [], [])


async def _stream_hears_new_posts(
    server: common.Server, peer: drill.Peer, token: str, first_id: int, count: int = 3
) -> int:
    """How many of `count` new remote posts (applied by the worker process, so
    heard through NOTIFY/LISTEN) a public stream reports within 20 s."""
    url = f"{server.base_url}/api/v1/streaming/public"
    creates = peer.creates(server, first_id, count)
    wanted = {drill.note_uri(r) for r in creates}
    heard: set[str] = set()
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers=headers) as sse,
    ):

        async def listen() -> None:
            async for line in sse.content:
                if line.startswith(b"data:") and b'"uri"' in line:
                    uri = json.loads(line[5:]).get("uri")
                    heard.update({uri} & wanted)
                if heard == wanted:
                    return

        listener = asyncio.create_task(listen())
        await drill.send_paced(server.port, creates, 5)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(listener, 20)
    return len(heard)


def _phase(answer: drill.Answer, stopped: float, started: float) -> str:
    if answer.sent_at < stopped:
        return "before"
    return "down" if answer.sent_at < started else "after"


def _report(
    loads: Loads, times: tuple[float, float, float], heard: tuple[int, int]
) -> None:
    """`times`: the stop issued, the stop done, the start issued."""
    stopped, down, started = times
    print("\nanswers by phase (by when the request was sent):")
    print("  load   phase    sent   2xx   503  other  no answer  latency")
    for name, answers in (("inbox", loads.inbox_answers), ("api", loads.api_answers)):
        for phase in ("before", "down", "after"):
            part = [a for a in answers if _phase(a, stopped, started) == phase]
            statuses = Counter(a.status for a in part)
            ok = sum(n for s, n in statuses.items() if s and 200 <= s < 300)
            other = sum(
                n for s, n in statuses.items() if s and s != 503 and not 200 <= s < 300
            )
            print(
                f"  {name:6} {phase:6} {len(part):6} {ok:5} {statuses[503]:5} "
                f"{other:6} {statuses[None]:10}  {drill.latency_line(part)}"
            )
    for name, answers in (("inbox", loads.inbox_answers), ("api", loads.api_answers)):
        back = [a.answered_at - started for a in answers if a.ok and a.sent_at >= down]
        print(
            f"{name}: first 2xx {min(back):.2f} s after `pg_ctl start`"
            if back
            else f"{name}: no 2xx after the outage"
        )
    print(
        f"stream: heard {heard[0]}/3 posts applied by the worker before the outage, "
        f"{heard[1]}/3 after"
    )


def _check(
    args: argparse.Namespace,
    server: common.Server,
    worker: drill.WorkerProcess,
    loads: Loads,
    started: float,
    heard: tuple[int, int],
    settle: float | None,
    same_processes: bool,
) -> int:
    answers = loads.inbox_answers + loads.api_answers
    odd = Counter(a.status for a in answers if not a.ok and a.status != 503)
    unavailable = [a for a in answers if a.status == 503]
    accepted_notes = [
        drill.note_uri(r)
        for r, a in zip(loads.inbox, loads.inbox_answers, strict=True)
        if a.ok
    ]
    notes = drill.column_in(
        server.db_url, "SELECT uri FROM posts WHERE uri", accepted_notes
    )
    accepted_ids = [json.loads(a.body)["id"] for a in loads.api_answers if a.ok]
    statuses = drill.column_in(
        server.db_url, "SELECT id FROM posts WHERE id", accepted_ids
    )
    tail = [a for a in answers if a.sent_at > started + args.after / 2]
    return drill.verdict(
        [
            (f"only 2xx or 503 (others: {dict(odd)})", not odd),
            (f"the outage was seen: {len(unavailable)} answers 503", bool(unavailable)),
            ("every 503 has Retry-After", all(a.retry_after for a in unavailable)),
            (
                f"every request answered within {args.timeout:.0f} s",
                not any(a.timed_out for a in answers),
            ),
            (
                f"every 2xx inbox activity applied ({len(accepted_notes) - len(set(notes))} missing)",
                len(set(notes)) == len(accepted_notes),
            ),
            (
                f"every 2xx API post stored ({len(accepted_ids) - len(set(statuses))} missing)",
                len(set(statuses)) == len(accepted_ids),
            ),
            ("serve and worker never restarted", same_processes and worker.alive()),
            (
                f"recovered: the last {args.after / 2:.0f} s all 2xx",
                bool(tail) and all(a.ok for a in tail),
            ),
            (
                f"the stream heard {heard[1]}/3 posts after the outage "
                f"({heard[0]}/3 before)",
                heard == (3, 3),
            ),
            ("every job finished", settle is not None),
        ]
    )


def _unfinished(server: common.Server) -> int:
    return common.scalar(
        server.db_url, "SELECT count(*) FROM jobs WHERE state NOT IN ('done', 'failed')"
    )


if __name__ == "__main__":
    raise SystemExit(main())
