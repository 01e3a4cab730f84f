"""Drill: the shared inbox under kill -9. Every activity answered 2xx is stored and
applied, once, even when the server dies mid-load.

A real `fedcity serve` (in-process worker on, so activities are being applied when
it dies) receives signed Create(Note) activities from a scripted peer at a steady
rate. Mid-load it is killed with SIGKILL and started again on the same database;
the load goes on meanwhile (requests sent while it is down fail, as they would for
a peer). Then every request that got no 2xx is sent once more, as a peer retries,
and the drill waits for the worker to apply everything, including the jobs the
dead process had claimed (their lease is shortened to `--lease` seconds).

Broken guarantee, exit 1: an activity answered 2xx is missing from the jobs or its
Note never appears among the posts; a Note is stored twice; a job is left failed
or unfinished; after the retries, some activity is still refused.

    .venv/bin/python bench/drills/inbox_kill.py
    .venv/bin/python bench/drills/inbox_kill.py --rate 300 --duration 20 --kill-after 8
    .venv/bin/python bench/drills/inbox_kill.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence

import drill
from drill import common

FIRST_ID = 10**17


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.bench_arguments(__doc__)
    parser.add_argument("--rate", type=float, default=100.0, help="requests/s")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load")
    parser.add_argument("--kill-after", type=float, default=4.0, help="seconds")
    parser.add_argument("--lease", type=float, default=10.0, help="job lease, s")
    args = parser.parse_args(argv)
    with (
        drill.migrated_server("fedcity-drill-inbox-", args, worker=True) as (server, _),
        drill.peer() as peer,
    ):
        drill.configure(server, "worker", lease_seconds=args.lease)
        server.start()
        try:
            return asyncio.run(_drill(args, server, peer))
        finally:
            server.stop()


async def _drill(
    args: argparse.Namespace, server: common.Server, peer: drill.Peer
) -> int:
    warm = peer.creates(server, FIRST_ID, len(peer.actors))  # fetch every key once
    if not all(a.ok for a in await drill.send_paced(server.port, warm, 20)):
        print("warm-up failed")
        return 1
    load = peer.creates(server, FIRST_ID + 1000, round(args.rate * args.duration))
    print(
        f"load: {len(load)} signed Create(Note) to {server.base_url}/inbox at "
        f"{args.rate:.0f}/s; kill -9 after {args.kill_after:.0f} s; lease {args.lease:.0f} s"
    )
    sending = asyncio.create_task(drill.send_paced(server.port, load, args.rate))
    await asyncio.sleep(args.kill_after)
    applied_at_kill = _posts(server)
    killed_at = drill.kill9(server.process)
    server.process = None
    restart = await asyncio.to_thread(server.start)
    back = time.monotonic() - killed_at
    answers = await sending
    stored_unanswered = _stored_without_2xx(server, load, answers)
    retry = [i for i, a in enumerate(answers) if not a.ok]
    retried = await drill.send_paced(server.port, [load[i] for i in retry], args.rate)
    settle = await drill.wait_until(lambda: _unfinished(server) == 0, args.lease + 240)
    before = [a for a in answers if a.ok and a.answered_at < killed_at]
    print(
        f"\nbefore the kill: {len(before)} answered 2xx "
        f"({drill.latency_line(before)}), {applied_at_kill} posts applied"
    )
    print(
        f"around the kill: {sum(1 for a in answers if not a.ok)} requests got no 2xx "
        f"(refused or cut while down); {stored_unanswered} of them were stored anyway "
        "(committed, answer lost)"
    )
    print(
        f"restart: first 200 {back:.2f} s after the kill ({restart:.2f} s from spawn)"
    )
    return _check(server, load, answers, retried, before, settle)


def _check(
    server: common.Server,
    load: list[bytes],
    answers: list[drill.Answer],
    retried: list[drill.Answer],
    before: list[drill.Answer],
    settle: float | None,
) -> int:
    uris = [drill.note_uri(r) for r in load]
    accepted = {_job_key(uris[i]) for i, a in enumerate(answers) if a.ok}
    stored = set(
        drill.column(server.db_url, "SELECT dedupe_key FROM jobs WHERE kind = 'inbox'")
    )
    posts = drill.column_in(server.db_url, "SELECT uri FROM posts WHERE uri", uris)
    missing_jobs = accepted - stored
    missing_posts = sorted(set(uris) - set(posts))
    rerun = common.scalar(
        server.db_url, "SELECT count(*) FROM jobs WHERE kind = 'inbox' AND attempts > 1"
    )
    failed = common.scalar(
        server.db_url, "SELECT count(*) FROM jobs WHERE state = 'failed'"
    )
    print(
        f"retried by the peer: {len(retried)}, answered 2xx: {sum(a.ok for a in retried)}"
    )
    print(
        f"applied: {len(set(posts))} distinct Notes of {len(uris)} sent, "
        f"{len(posts)} post rows; inbox jobs run again after the restart: {rerun}; "
        f"all applied {settle:.1f} s after the retries"
        if settle is not None
        else f"applied: {_unfinished(server)} jobs NOT finished in time"
    )
    return drill.verdict(
        [
            (
                f"every 2xx is a stored job ({len(missing_jobs)} missing)",
                not missing_jobs,
            ),
            (
                f"every sent Note is applied after retries ({len(missing_posts)} missing)",
                not missing_posts,
            ),
            (
                f"no Note applied twice ({len(posts) - len(set(posts))} duplicates)",
                len(posts) == len(set(posts)),
            ),
            ("every retry answered 2xx", all(a.ok for a in retried)),
            (
                f"no job failed ({failed}) or left unfinished",
                failed == 0 and settle is not None,
            ),
            (f"answers before the kill: {len(before)} > 0", bool(before)),
        ]
    )


def _job_key(note_uri: str) -> str:
    """The inbox job's dedupe key: the Create's id is the Note's plus /activity."""
    return f"inbox:{note_uri}/activity"


def _posts(server: common.Server) -> int:
    return common.scalar(server.db_url, "SELECT count(*) FROM posts")


def _unfinished(server: common.Server) -> int:
    return common.scalar(
        server.db_url, "SELECT count(*) FROM jobs WHERE state NOT IN ('done', 'failed')"
    )


def _stored_without_2xx(
    server: common.Server, load: list[bytes], answers: list[drill.Answer]
) -> int:
    unanswered = [drill.note_uri(load[i]) for i, a in enumerate(answers) if not a.ok]
    keys = [_job_key(uri) for uri in unanswered]
    return len(
        drill.column_in(server.db_url, "SELECT id FROM jobs WHERE dedupe_key", keys)
    )


if __name__ == "__main__":
    raise SystemExit(main())
