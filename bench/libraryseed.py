"""A library for bench/library_search.py, written straight into a migrated
database: by default 100,000 items over three years, three in four case
studies, one in four funding opportunities.

- 2,000 places across the fifty states (`librarydocs.places`: most are small
  towns, a few big cities), each case study about one of them, bigger places
  writing more (weight: the square root of the population);
- case studies as bench/library_import.py writes them (1 to 8 KB of text, one
  to three topics, results, cost, status, evidence level, …), one in 330
  mentioning a roundabout (RARE_WORD); funding opportunities of a few hundred
  bytes, with deadlines a year either side of now, open to every state or to a
  few, to places of some sizes;
- nine authors on four instances (AUTHORS): the instance's own accounts and
  three remote ones (`origin`); two of them hold an office that reads as
  verified today, one held one whose term is over, one is a campaign account;
- one in fifty items withdrawn (their post deleted), one in thirty-three not
  indexable (the document says so).

Each document goes through `validation.validate_document` and its row gets
`columns.columns_of` (title, place, population, status, evidence, cost,
deadline, topics, `indexable`, `search_text`), and its topic and state rows
`columns.states_of`: the very columns `items.apply_document` writes. The rows
are inserted with SQLAlchemy Core (executemany) in transactions of CHUNK items,
so the database's own machinery fills the search index as in production: the
FTS5 triggers on SQLite, the generated `search_vector` on PostgreSQL.

Shortcuts, none of which search reads: an item's post carries only its title as
content (not the readable HTML), and the authors' profiles only their office
listing rows (not `actors.offices`).
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any

from cityseed import Clock
from citytext import Writer
from librarydocs import case_study, created_times, funding_opportunity, places
from sqlalchemy import insert

from fedcity.services.library.columns import columns_of, states_of
from fedcity.services.library.validation import validate_document
from fedcity.storage.db import Database
from fedcity.storage.models import (
    Actor,
    LibraryItem,
    LibraryItemState,
    LibraryItemTopic,
    LibraryKind,
    OfficeListing,
    Post,
)
from fedcity.urls import Urls

LOCAL = "fedcity.example"  # this instance: the origin of its own items
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PLACES = 2_000
DAYS = 3 * 365
CHUNK = 5_000
FUNDING_SHARE = 0.25
WITHDRAWN_SHARE = 0.02
HIDDEN_SHARE = 0.03  # documents that say `indexable: false`
RARE_WORD = "roundabout"
RARE_LINE = "A roundabout replaced the four-way stop at the school."
Row = dict[str, Any]


@dataclass(frozen=True)
class Author:
    """An account that writes items: how many case studies and funding
    opportunities it writes (relative weights), and its office, if any."""

    username: str
    domain: str | None  # None: local
    cases: int
    funding: int
    office: str | None = None  # "verified", "ended" (term over), "campaign"


AUTHORS = (
    Author("league", None, 30, 10),
    Author("mayor", None, 10, 0, "verified"),
    Author("publicworks", None, 10, 0),
    Author("library", "league.example", 25, 20),
    Author("candidate", "league.example", 5, 0, "campaign"),
    Author("council", "oregoncities.example", 10, 0, "verified"),
    Author("clerk", "oregoncities.example", 5, 0, "ended"),
    Author("grants", "grants.example", 0, 65),
    Author("planner", "grants.example", 5, 5),
)


@dataclass
class Library:
    """What was written, as the query set needs it."""

    places: list[tuple[str, str, int]]
    counts: dict[str, int]


class Plan:
    """The rows of `items` items, made chunk by chunk (`chunks`)."""

    def __init__(self, items: int, seed: int, now: datetime) -> None:
        self.items, self.now = items, now
        self.rng = random.Random(seed)
        self.writer = Writer(self.rng)
        # Their own generator: the query set names places (`library_places`).
        self.places = library_places(seed)
        self.place_weights = list(accumulate(p[2] ** 0.5 for p in self.places))
        self.clock = Clock()
        self.urls = Urls(f"https://{LOCAL}")
        self.actor_ids = {a: n + 1 for n, a in enumerate(AUTHORS)}
        self.case_weights = list(accumulate(a.cases for a in AUTHORS))
        self.funding_weights = list(accumulate(a.funding for a in AUTHORS))
        self.counts = dict.fromkeys(
            ("case studies", "funding opportunities", "withdrawn", "not indexable",
             "search text bytes"), 0,
        )  # fmt: skip

    def authors(self) -> tuple[list[Row], list[Row]]:
        """The authors' actor rows and their office listing rows."""
        actors = [self._actor(a, self.actor_ids[a]) for a in AUTHORS]
        offices = [
            self._office(a, self.actor_ids[a]) for a in AUTHORS if a.office is not None
        ]
        return actors, offices

    def chunks(self) -> Iterator[dict[type[Any], list[Row]]]:
        times = created_times(self.rng, self.items, self.now, DAYS)
        for start in range(0, self.items, CHUNK):
            rows: dict[type[Any], list[Row]] = {
                Post: [], LibraryItem: [], LibraryItemTopic: [], LibraryItemState: [],
            }  # fmt: skip
            for number, created in enumerate(times[start : start + CHUNK], start):
                self._item(rows, number, created)
            yield rows

    # --- one item -------------------------------------------------------------

    def _item(
        self, rows: dict[type[Any], list[Row]], number: int, created: datetime
    ) -> None:
        rng = self.rng
        kind, doc = self._document(number)
        author = rng.choices(
            AUTHORS,
            cum_weights=self.funding_weights
            if kind == LibraryKind.FUNDING_OPPORTUNITY
            else self.case_weights,
        )[0]
        if rng.random() < HIDDEN_SHARE:
            doc["indexable"] = False
        stored = validate_document(
            kind, doc, default_license=LICENSE if author.domain is None else None
        )
        item_id = self.clock.id_at(created)
        uri, url = self._addresses(author, kind, item_id)
        withdrawn = (
            created + timedelta(days=rng.uniform(1, 60))
            if rng.random() < WITHDRAWN_SHARE
            else None
        )
        actor_id = self.actor_ids[author]
        rows[Post].append(
            {
                "id": item_id, "uri": uri, "url": url, "actor_id": actor_id,
                "object_type": "Article",
                "content": f"<p>{html.escape(stored['title'])}</p>",
                "language": "en", "visibility": "public",
                "local": author.domain is None, "published_at": created,
                "created_at": created, "deleted_at": withdrawn,
            }
        )  # fmt: skip
        columns = columns_of(stored)
        rows[LibraryItem].append(
            {
                "id": item_id, "kind": kind, "post_id": item_id,
                "actor_id": actor_id, "uri": uri, "url": url,
                "origin": author.domain or LOCAL, "document": stored,
                "created_at": created, "withdrawn_at": withdrawn, **columns,
            }
        )  # fmt: skip
        rows[LibraryItemTopic] += [
            {"item_id": item_id, "topic": t} for t in columns["topics"]
        ]
        rows[LibraryItemState] += [
            {"item_id": item_id, "state": s} for s in states_of(kind, stored)
        ]
        self._count(kind, columns, withdrawn)

    def _document(self, number: int) -> tuple[LibraryKind, dict[str, Any]]:
        if self.rng.random() < FUNDING_SHARE:
            doc = funding_opportunity(self.writer, number, self.now)
            return LibraryKind.FUNDING_OPPORTUNITY, doc
        place = self.rng.choices(self.places, cum_weights=self.place_weights)[0]
        doc = case_study(self.writer, place, number)
        if self.rng.random() < 0.003:
            doc["problem"] += "\n\n" + RARE_LINE
        return LibraryKind.CASE_STUDY, doc

    def _addresses(
        self, author: Author, kind: LibraryKind, item_id: int
    ) -> tuple[str, str]:
        """The item's URI (its post's) and page, here or on its instance."""
        if author.domain is None:
            return (
                self.urls.status(author.username, item_id),
                self.urls.library_item(kind, item_id),
            )
        remote = Urls(f"https://{author.domain}")
        return (
            remote.status(author.username, item_id),
            remote.library_item(kind, item_id),
        )

    def _count(
        self, kind: LibraryKind, columns: Row, withdrawn: datetime | None
    ) -> None:
        counts = self.counts
        counts[
            "funding opportunities"
            if kind == LibraryKind.FUNDING_OPPORTUNITY
            else "case studies"
        ] += 1
        counts["withdrawn"] += withdrawn is not None
        counts["not indexable"] += not columns["indexable"]
        counts["search text bytes"] += len(columns["search_text"].encode())

    # --- the authors ------------------------------------------------------------

    def _actor(self, author: Author, actor_id: int) -> Row:
        base = f"https://{author.domain or LOCAL}"
        return {
            "id": actor_id,
            "uri": f"{base}/users/{author.username}",
            "username": author.username,
            "domain": author.domain,
            "display_name": author.username.title(),
            "url": f"{base}/@{author.username}",
            "indexable": True,
            "capacity": "campaign" if author.office == "campaign" else "personal",
            "published_at": self.now - timedelta(days=DAYS + 30),
            "created_at": self.now - timedelta(days=DAYS + 30),
        }

    def _office(self, author: Author, actor_id: int) -> Row:
        today = self.now.date()
        ended = author.office == "ended"
        return {
            "id": actor_id,
            "actor_id": actor_id,
            "kind": "office",
            "role": "mayor" if author.domain is None else "council_member",
            "state": "OR",
            "jurisdiction": "Ashland",
            "ocd_id": "ocd-division/country:us/state:or/place:ashland",
            "valid_from": today - timedelta(days=800),
            "valid_until": today - timedelta(days=30) if ended else _in_years(today, 2),
            "trusted": True,
        }


def library_places(seed: int) -> list[tuple[str, str, int]]:
    return places(random.Random(seed), PLACES)


def _in_years(day: date, years: int) -> date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


async def write(db_url: str, items: int, seed: int) -> Library:
    """Write the library into the migrated database at `db_url`."""
    plan = Plan(items, seed, datetime.now(UTC) - timedelta(minutes=1))
    db = Database(db_url)
    try:
        actors, offices = plan.authors()
        async with db.session() as session:
            await session.execute(insert(Actor), actors)
            await session.execute(insert(OfficeListing), offices)
        for rows in plan.chunks():
            async with db.session() as session:
                for model, chunk in rows.items():
                    if chunk:
                        await session.execute(insert(model), chunk)
    finally:
        await db.dispose()
    return Library(plan.places, plan.counts)
