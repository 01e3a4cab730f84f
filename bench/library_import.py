"""Bulk loading of the library: `fedcity case-study import` of 10,000 case
studies written as files, in items per second.

The files are generated first (not timed): half JSON, half Markdown with front
matter and sections, in one folder per state, as a league's library would be
kept. Each is a valid case study of a real-sized place (about 200 towns and
cities across 40 states, populations 900 to 900,000), one to three topics,
hashtags, a problem, an approach and lessons of one to six paragraphs (the
vocabulary of bench/citytext.py, a few thousand words), zero to four results,
a cost, funding sources, partners, dates, a status, an evidence level,
contacts and sometimes attachments: 1 to 8 KB a file.

Then the command runs as an operator runs it, against a scratch database
(SQLite in a temporary directory, or a new database on the PostgreSQL server
`--database-url` names), pinned to one core: every file is read, validated,
and made an item with its post, hashtags, search text and `Create` job, in
transactions of 100. It runs a second time over the same folder, where every
file is found by its key and left as it was (the idempotent re-run).

    .venv/bin/python bench/library_import.py
    .venv/bin/python bench/library_import.py --items 2000 --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import common
from citytext import Writer
from librarydocs import case_study, towns

from fedcity.services.library.formats import write_markdown
from fedcity.storage.models import LibraryKind


def write_library(root: Path, count: int, markdown_share: float) -> int:
    """`count` case studies under `root`/<state>/; returns the bytes written."""
    rng = random.Random(14)
    writer = Writer(rng)
    places = towns(rng)
    size = 0
    for number in range(count):
        place = rng.choice(places)
        doc = case_study(writer, place, number)
        folder = root / place[1].lower()
        folder.mkdir(parents=True, exist_ok=True)
        if rng.random() < markdown_share:
            body = write_markdown(LibraryKind.CASE_STUDY, doc)
            path = folder / f"{number:05d}.md"
        else:
            body = json.dumps(doc, indent=2)
            path = folder / f"{number:05d}.json"
        path.write_text(body, encoding="utf-8")
        size += len(body.encode())
    return size


def run_import(server: common.Server, folder: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds and stdout+stderr of one import."""
    prefix = ["taskset", "-c", str(common.SERVER_CORE)] if server.pinned else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [*prefix, *common.FEDCITY, "-c", str(server.config), "case-study", "import",
         "league", str(folder)],
        capture_output=True, text=True, check=False, cwd=server.root,
        env={**common._env()},
    )  # fmt: skip
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"import failed:\n{done.stdout}\n{done.stderr}")
    return wall, cpu, (done.stdout + done.stderr).strip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.bench_arguments(__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--markdown-share", type=float, default=0.5)
    args = parser.parse_args(argv)
    if not args.no_pin:
        common.pin_self(common.LOAD_CORE)
    with (
        common.temp_root("fedcity-bench-import-") as root,
        common.scratch_database(root, args.database_url) as db_url,
    ):
        server = common.Server(root, db_url, worker=False, pin=not args.no_pin)
        common.print_machine(db_url, server.pinned)
        server.cli("migrate")
        server.cli("account", "create", "league", "--password", "correct horse battery")
        folder = root / "library"
        size = write_library(folder, args.items, args.markdown_share)
        print(
            f"files: {args.items:,} case studies ({args.markdown_share:.0%} Markdown), "
            f"{size / 1024 / 1024:.1f} MiB, {size / args.items / 1024:.1f} KiB each"
        )
        print("run          wall s   CPU s   items/s   CPU ms/item   says")
        for run in ("first", "re-run"):
            wall, cpu, said = run_import(server, folder)
            print(
                f"{run:<10} {wall:>8.1f} {cpu:>7.1f} {args.items / wall:>9,.0f} "
                f"{cpu / args.items * 1000:>13.2f}   {' | '.join(said.splitlines())}"
            )
        items = common.scalar(db_url, "SELECT count(*) FROM library_items")
        jobs = common.scalar(db_url, "SELECT count(*) FROM jobs")
        print(f"\nrows: {items:,} library_items, {jobs:,} jobs (a Create per item)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
