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
import statistics
from collections.abc import Sequence

import common
import sink

LOCAL_NAME = "bench"


def one_post(
    server: common.Server, token: str, inboxes: sink.Sink, n: int, timeout: float
) -> sink.Timed:
    text = f"Street sweeping moves to Tuesdays ({n})"
    return inboxes.time(
        lambda: common.post_status(server.base_url, token, text), timeout
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.bench_arguments(__doc__)
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--instances", type=int, default=1_000)
    parser.add_argument("--posts", type=int, default=3, help="posts, timed one by one")
    parser.add_argument("--timeout", type=float, default=60.0, help="per post, in s")
    args = parser.parse_args(argv)

    if not args.no_pin:
        common.pin_self(common.LOAD_CORE)
    with (  # the sink's ports first: the server then picks a port none of them has
        sink.running(args.instances) as inboxes,
        common.migrated_server("fedcity-bench-fanout-", args) as server,
    ):
        server.cli("account", "create", LOCAL_NAME, "--password", "bench-password")
        token = server.cli("token", "create", LOCAL_NAME)
        return common.seed_and_serve(
            server,
            sink.seed_followers(
                server.db_url, inboxes.ports, args.followers, LOCAL_NAME
            ),
            f"{args.followers} followers on {args.instances} instances",
            lambda: _run(args, server, token, inboxes),
        )


def _run(
    args: argparse.Namespace, server: common.Server, token: str, inboxes: sink.Sink
) -> int:
    print(
        f"\none public post → {args.followers} followers → {args.instances} "
        "shared inboxes\n"
    )
    print("post  api(ms)  first(ms)  all(ms)  deliveries/s  inboxes  exactly-one")
    totals = []
    for n in range(1, args.posts + 1):
        r = one_post(server, token, inboxes, n, args.timeout)
        reached = r.tally.counts.get("post", {})
        if r.all is None or r.first is None:
            print(
                f"{n:>4}  incomplete after {args.timeout:.0f}s: "
                f"{len(reached)}/{args.instances} inboxes reached"
            )
            return 1
        totals.append(r.all)
        exactly_one = r.tally.exactly_one("post", args.instances)
        print(
            f"{n:>4} {r.api * 1000:>8.1f} {r.first * 1000:>10.1f} "
            f"{r.all * 1000:>8.0f} {args.instances / r.all:>13.0f} "
            f"{len(reached):>8}  {'yes' if exactly_one else 'NO'}"
        )
    print(
        f"\nmedian time to reach all {args.instances} inboxes: "
        f"{statistics.median(totals) * 1000:.0f} ms "
        f"(best {min(totals) * 1000:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
