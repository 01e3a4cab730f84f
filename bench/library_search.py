"""Searching the library (issue 14): p50/p99 of a search over 100,000 items,
for words, for filters, and for both, on SQLite or PostgreSQL.

The library (bench/libraryseed.py: 75,000 case studies about 2,000 places in
the fifty states and 25,000 funding opportunities, 0.3 to 8 KB of text each,
nine authors on four instances, some withdrawn or not indexable) is written
straight into a scratch database migrated by `fedcity migrate`, in
transactions of 5,000, so that the database's triggers and generated column
fill the search index as in production; on PostgreSQL it is then VACUUM
ANALYZEd, as autovacuum would have. Seeding is not timed, only reported.

Then, in this process, pinned to one core (PostgreSQL's own processes are not
pinned), each query of QUERIES is run WARMUP times untimed and --repeat times
timed. What is timed is what `GET /api/v1/fedcity/search` does with its
parameters besides writing JSON: open a session, `parse_search` of the
parameters as strings, `search_library` (the page's ids, then its 20 rows read,
then the views: authors, versions, applicants), and commit. Reported per
query: items found (every page together, `count_found`, not timed), items the
words alone match (the ranked window's share), p50, p99 and max; and per set,
p50 and p99 over every search of the set, against the target (p99 ≤ 50 ms).

    .venv/bin/python bench/library_search.py
    .venv/bin/python bench/library_search.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/library_search.py --items 10000 --repeat 20     # a quick look
    .venv/bin/python bench/library_search.py --keep /tmp/library           # seeded once, reused
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import common
import libraryseed

from fedcity.services.library.search import parse_search, search_library, search_of
from fedcity.storage.db import Database
from fedcity.storage.queries.library import Search, count_found
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow

WARMUP = 5
PAGE = 20
TARGET_MS = 50.0
SETS = ("words", "filters", "words+filters")


@dataclass(frozen=True)
class Query:
    set: str
    params: dict[str, str]

    @property
    def label(self) -> str:
        return " ".join(
            f"q={v}" if k == "q" else f"{k}={v}" for k, v in self.params.items()
        )


def queries(seed: int) -> list[Query]:
    """The searches, as the API gets them: common and rare words, two words, a
    phrase; each filter alone and in combination; words with filters."""
    big = max(libraryseed.library_places(seed), key=lambda p: p[2])
    place = f"ocd-division/country:us/state:{big[1].lower()}/place:" + big[
        0
    ].lower().replace(" ", "_")
    after = (utcnow() + timedelta(days=60)).date().isoformat()
    rare = libraryseed.RARE_WORD
    sets = {
        "words": [
            {"q": "meeting"}, {"q": "bicycle"}, {"q": rare},
            {"q": "pothole repair"}, {"q": "bike lanes"}, {"q": '"cycle lane"'},
        ],
        "filters": [
            {"topic": "housing"}, {"state": "OR"},
            {"ocd_id": "ocd-division/country:us/state:or"}, {"ocd_id": place},
            {"population_min": "100000"}, {"population_max": "5000"},
            {"status": "completed"}, {"evidence_level": "replicated"},
            {"cost_max": "250000"},
            {"type": "funding_opportunity", "deadline_after": after},
            {"origin": "oregoncities.example"}, {"verified": "true"},
            {"topic": "transportation", "state": "CA", "status": "completed"},
            {"type": "funding_opportunity", "state": "OR",
             "population_min": "8000", "population_max": "8000"},
            {"verified": "true", "topic": "public_safety",
             "evidence_level": "measured"},
        ],
        "words+filters": [
            {"q": "bike lanes", "state": "OR", "status": "completed"},
            {"q": "meeting", "topic": "housing"},
            {"q": "meeting", "verified": "true"},
            {"q": "bicycle", "state": "CA"},
            {"q": "pothole repair", "population_max": "10000"},
            {"q": '"cycle lane"', "evidence_level": "evaluated"},
            {"q": "grants", "type": "funding_opportunity", "deadline_after": after},
            {"q": rare, "state": "TX"},
            {"q": "meeting", "ocd_id": "ocd-division/country:us/state:ca",
             "cost_max": "100000"},
        ],
    }  # fmt: skip
    return [Query(name, params) for name, found in sets.items() for params in found]


@dataclass
class Result:
    query: Query
    found: int  # every page together
    matched: int | None  # what the words alone match (None: no words)
    page: int  # items on the first page
    seconds: list[float] = field(default_factory=list)  # sorted


async def run_query(db: Database, query: Query, repeat: int) -> Result:
    async with db.session() as session:
        asked = parse_search(query.params)
        found = await count_found(session, search_of(asked, utcnow()))
        matched = (
            await count_found(session, Search(words=asked.words))
            if asked.words
            else None
        )
    result = Result(query, found, matched, 0)
    gc.collect()
    for n in range(WARMUP + repeat):
        started = time.perf_counter()
        async with db.session() as session:
            views = await search_library(
                session, None, parse_search(query.params), Page(limit=PAGE)
            )
        elapsed = time.perf_counter() - started
        if n >= WARMUP:
            result.seconds.append(elapsed)
    result.page = len(views)
    result.seconds.sort()
    return result


def ms(values: Sequence[float], fraction: float) -> float:
    return common.percentile(values, fraction) * 1000


HEADER = (
    f"{'set':<14} {'query':<70} {'found':>7} {'words':>7} {'page':>4} "
    f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
)


def report(result: Result) -> str:
    s = result.seconds
    words = "" if result.matched is None else f"{result.matched:,}"
    flag = "" if result.page == min(PAGE, result.found) else "  PAGE SHORT"
    return (
        f"{result.query.set:<14} {result.query.label[:70]:<70} {result.found:>7,} "
        f"{words:>7} {result.page:>4} {ms(s, 0.5):>7.1f} {ms(s, 0.99):>7.1f} "
        f"{s[-1] * 1000:>7.1f}{flag}"
    )


async def measure(db_url: str, chosen: list[Query], repeat: int) -> list[Result]:
    db = Database(db_url)
    results = []
    try:
        for query in chosen:
            results.append(await run_query(db, query, repeat))
            print(report(results[-1]), flush=True)
    finally:
        await db.dispose()
    return results


def summary(results: list[Result]) -> bool:
    """Per set: p50/p99 over every search, its worst query; whether all met."""
    print(f"\n{'set':<14} {'searches':>8} {'p50 ms':>7} {'p99 ms':>7}  worst p99")
    met = True
    for name in SETS:
        mine = [r for r in results if r.query.set == name]
        if not mine:
            continue
        every = sorted(t for r in mine for t in r.seconds)
        worst = max(mine, key=lambda r: ms(r.seconds, 0.99))
        ok = ms(every, 0.99) <= TARGET_MS and ms(worst.seconds, 0.99) <= TARGET_MS
        met &= ok
        print(
            f"{name:<14} {len(every):>8,} {ms(every, 0.5):>7.1f} {ms(every, 0.99):>7.1f}"
            f"  {ms(worst.seconds, 0.99):.1f} ({worst.query.label})"
            f"  {'ok' if ok else 'OVER THE TARGET'}"
        )
    print(f"target: p99 ≤ {TARGET_MS:.0f} ms per set and per query: "
          + ("met" if met else "NOT MET"))  # fmt: skip
    return met


# --- the database ----------------------------------------------------------------


@contextlib.contextmanager
def database(root: Path, args: argparse.Namespace) -> Iterator[tuple[str, bool]]:
    """The database, and whether it is seeded already: a scratch one, or with
    --keep the one kept there (made and seeded on the first run)."""
    if args.keep is None:
        with common.scratch_database(root, args.database_url) as url:
            yield url, False
        return
    keep: Path = args.keep
    keep.mkdir(parents=True, exist_ok=True)
    seeded = (keep / "seeded.json").exists()
    if args.database_url is None:
        yield f"sqlite+aiosqlite:///{keep.resolve() / 'fedcity.db'}", seeded
        return
    saved = keep / "database_url"
    if saved.exists() and not seeded:
        raise SystemExit(f"{keep} holds a database not fully seeded: drop it")
    if not saved.exists():
        saved.write_text(common.create_database(args.database_url))
    yield saved.read_text().strip(), seeded


def seed(server: common.Server, args: argparse.Namespace, seeded: bool) -> None:
    server.cli("migrate")  # on a kept database: any revision added since
    if seeded:
        print(f"reusing the library kept in {args.keep}")
        counts = json.loads((args.keep / "seeded.json").read_text())
    else:
        started = time.monotonic()
        library = asyncio.run(libraryseed.write(server.db_url, args.items, args.seed))
        print(f"seeded in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        common.vacuum_analyze(server.db_url)
        if not server.db_url.startswith("sqlite"):
            print(f"VACUUM ANALYZE in {time.monotonic() - started:.0f} s")
        counts = library.counts
        if args.keep is not None:
            (args.keep / "seeded.json").write_text(json.dumps(counts))
    size = counts.pop("search text bytes")
    items = sum(counts[k] for k in ("case studies", "funding opportunities"))
    print(
        ", ".join(f"{n:,} {name}" for name, n in counts.items())
        + f"; search text {size / items / 1024:.1f} KiB an item on average"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.bench_arguments(__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200, help="timed runs a query")
    parser.add_argument("--seed", type=int, default=14, help="of the random library")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the seeded database (SQLite: its file there; PostgreSQL: its "
        "URL there, the database not dropped) and reuse it on the next run",
    )
    args = parser.parse_args(argv)
    if not args.no_pin:
        common.pin_self(common.SERVER_CORE)
    wanted = set(args.sets.split(","))
    with (
        common.temp_root("fedcity-bench-search-") as root,
        database(root, args) as (db_url, seeded),
    ):
        server = common.Server(root, db_url, worker=False, pin=not args.no_pin)
        common.print_machine(db_url, server.pinned)
        seed(server, args, seeded)
        chosen = [q for q in queries(args.seed) if q.set in wanted]
        print(f"\nload average before measuring: {common.load_average()}")
        print(f"{WARMUP} warm-up and {args.repeat} timed runs a query\n")
        print(HEADER)
        results = asyncio.run(measure(db_url, chosen, args.repeat))
        print(f"\nload average after: {common.load_average()}")
        summary(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
