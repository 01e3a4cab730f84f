"""Start-to-first-answer time and idle memory of `fedcity serve`.

The database is migrated first (`fedcity migrate`), as an operator would; then each
run spawns `fedcity serve` and polls GET /api/v1/instance every 5 ms: the time is
from spawn to the first 200. After it has answered, the process is left idle for
`--settle` seconds and its resident memory is read from /proc/<pid>/status (VmRSS).

    .venv/bin/python bench/startup.py
    .venv/bin/python bench/startup.py --runs 10 --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

import common


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--settle", type=float, default=2.0, help="idle seconds")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL; a scratch database is created on it "
        "(default: SQLite in a temporary directory)",
    )
    parser.add_argument("--no-pin", action="store_true", help="don't use taskset")
    args = parser.parse_args(argv)

    if not args.no_pin:
        common.pin_self(common.LOAD_CORE)
    with (
        common.temp_root("fedcity-bench-startup-") as root,
        common.scratch_database(root, args.database_url) as db_url,
    ):
        server = common.Server(root, db_url, worker=True, pin=not args.no_pin)
        common.print_machine(db_url, server.pinned)
        server.cli("migrate")
        print("run  first answer (ms)  idle RSS (MiB)")
        starts, memory = [], []
        for n in range(1, args.runs + 1):
            started = server.start()
            time.sleep(args.settle)
            rss = common.rss_mib(server.pid)
            server.stop()
            starts.append(started)
            memory.append(rss)
            print(f"{n:>3} {started * 1000:>19.0f} {rss:>15.1f}")
    print(
        f"\nmedian: first answer {statistics.median(starts) * 1000:.0f} ms "
        f"(best {min(starts) * 1000:.0f} ms), idle RSS "
        f"{statistics.median(memory):.1f} MiB (max {max(memory):.1f} MiB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
