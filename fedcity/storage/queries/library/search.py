"""Searching library items: full text, ranked, with the filters of
`/api/v1/fedcity/search` (docs/library.md, "Search").

The index (migration 0032) holds only items that may be found (not withdrawn,
`indexable`), with stemming on both engines, so that "repairs" finds "repair":
- PostgreSQL: the generated column `library_items.search_vector` (the title
  weighted A, `search_text` B, 'english' configuration) under a GIN index;
  matches are ranked by `ts_rank_cd`, divided by 1 + log(length) so that long
  documents do not win by length alone;
- SQLite: the contentless FTS5 table `library_items_fts(title, search_text)`
  (porter over unicode61), filled by triggers; matches are ranked by `bm25`,
  a word in the title counting four times one in the rest.
Ties, and searches without words, go newest first. The filters are columns of
`library_items` and its topic and state rows; every search also states
"not withdrawn and indexable", which is what a search without words relies on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Select,
    and_,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage import fulltext
from fedcity.storage.db import dialect_of
from fedcity.storage.fulltext import Words
from fedcity.storage.models import (
    LibraryItem,
    LibraryItemState,
    LibraryItemTopic,
    LibraryKind,
)
from fedcity.storage.queries import escape_like
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page

TS_CONFIG = "english"
# bm25 weights of the FTS5 columns (title, search_text).
TITLE_WEIGHT = "4.0"
TEXT_WEIGHT = "1.0"
# ts_rank_cd's normalisation: divide by 1 + the logarithm of the length.
RANK_NORMALIZATION = 1

CASE = LibraryKind.CASE_STUDY
FUNDING = LibraryKind.FUNDING_OPPORTUNITY


@dataclass(frozen=True)
class SearchFilter:
    """What a search keeps, as asked (None: any). A filter that only one kind
    has (evidence, cost, deadline) keeps only items of that kind."""

    kind: str | None = None
    topic: str | None = None
    # A case study's state; a funding opportunity open to it (or to every state).
    state: str | None = None
    ocd_id: str | None = None  # that division or one inside it
    # A case study's population within; a funding opportunity whose eligible
    # populations overlap.
    population_min: int | None = None
    population_max: int | None = None
    status: str | None = None
    evidence_level: str | None = None
    cost_max: float | None = None
    deadline_after: datetime | None = None
    origin: str | None = None
    # Funding opportunities closed, or whose deadline is before it, left out.
    open_at: datetime | None = None


@dataclass(frozen=True)
class Search:
    """A search: its words (none: filters only), filters, and a condition on the
    author (`author_ok`, e.g. holds a verified office) given by the caller."""

    words: Sequence[Words] = ()
    filter: SearchFilter = field(default_factory=SearchFilter)
    author_ok: ColumnElement[bool] | None = None


async def search_items(
    session: AsyncSession, search: Search, page: Page, offset: int = 0
) -> list[LibraryItem]:
    """Items found by `search`: with words, best first, paged by `offset` (a rank
    has no order an id could continue); without, newest first, paged on ids."""
    conditions = [*_found(), *_filtered(search.filter)]
    if search.author_ok is not None:
        conditions.append(search.author_ok)
    if not search.words:
        stmt = select(LibraryItem).where(*conditions)
        return [row[0] for row in await paged_rows(session, stmt, LibraryItem.id, page)]
    if dialect_of(session) == "postgresql":
        stmt = _pg_ranked(search.words)
    else:
        stmt = _sqlite_ranked(search.words)
    stmt = stmt.where(*conditions).offset(offset).limit(page.limit)
    return list(await session.scalars(stmt))


def _found() -> list[ColumnElement[bool]]:
    return [LibraryItem.indexable.is_(True), LibraryItem.withdrawn_at.is_(None)]


# --- ranking ------------------------------------------------------------------


def _pg_ranked(words: Sequence[Words]) -> Select[LibraryItem]:
    vector: ColumnClause[object] = column(fulltext.LIBRARY_VECTOR)
    query = fulltext.tsquery(words, config=TS_CONFIG)
    rank = func.ts_rank_cd(vector, query, RANK_NORMALIZATION)
    return (
        select(LibraryItem)
        .where(vector.op("@@")(query))
        .order_by(rank.desc(), LibraryItem.id.desc())
    )


def _sqlite_ranked(words: Sequence[Words]) -> Select[LibraryItem]:
    fts = table(fulltext.LIBRARY_FTS_TABLE, column("rowid"))
    name: ColumnClause[object] = literal_column(fulltext.LIBRARY_FTS_TABLE)
    score = func.bm25(name, literal_column(TITLE_WEIGHT), literal_column(TEXT_WEIGHT))
    return (
        select(LibraryItem)
        .join(fts, fts.c.rowid == LibraryItem.id)
        .where(name.op("MATCH")(fulltext.fts_expression(words)))
        .order_by(score, LibraryItem.id.desc())
    )


# --- filters ------------------------------------------------------------------


def _filtered(f: SearchFilter) -> list[ColumnElement[bool]]:
    item = LibraryItem
    found: list[ColumnElement[bool]] = []
    for col, wanted in (
        (item.kind, f.kind),
        (item.status, f.status),
        (item.evidence_level, f.evidence_level),
        (item.origin, f.origin),
    ):
        if wanted is not None:
            found.append(col == wanted)
    if f.topic is not None:
        found.append(
            exists().where(
                LibraryItemTopic.item_id == item.id, LibraryItemTopic.topic == f.topic
            )
        )
    if f.state is not None:
        found.append(_in_state(f.state))
    if f.ocd_id is not None:
        inside = escape_like(f.ocd_id.rstrip("/")) + "/%"
        found.append(
            or_(item.ocd_id == f.ocd_id, item.ocd_id.like(inside, escape="\\"))
        )
    if f.population_min is not None or f.population_max is not None:
        found.append(_population(f.population_min, f.population_max))
    if f.cost_max is not None:
        found.append(item.cost_amount <= f.cost_max)
    if f.deadline_after is not None:
        found.append(item.deadline >= f.deadline_after)
    if f.open_at is not None:
        found.append(_open(f.open_at))
    return found


def _in_state(state: str) -> ColumnElement[bool]:
    """A case study of `state`, or a funding opportunity open to it: it lists it,
    or lists no state at all."""
    item = LibraryItem
    listed = exists().where(
        LibraryItemState.item_id == item.id, LibraryItemState.state == state
    )
    anywhere = and_(
        item.kind == FUNDING,
        ~exists().where(LibraryItemState.item_id == item.id),
    )
    return or_(listed, anywhere)


def _population(low: int | None, high: int | None) -> ColumnElement[bool]:
    item = LibraryItem
    own: list[ColumnElement[bool]] = [item.kind == CASE, item.population.is_not(None)]
    eligible: list[ColumnElement[bool]] = [item.kind == FUNDING]
    if low is not None:
        own.append(item.population >= low)
        eligible.append(or_(item.population_max.is_(None), item.population_max >= low))
    if high is not None:
        own.append(item.population <= high)
        eligible.append(or_(item.population_min.is_(None), item.population_min <= high))
    return or_(and_(*own), and_(*eligible))


def _open(moment: datetime) -> ColumnElement[bool]:
    """Any case study; a funding opportunity not closed, its deadline not past."""
    item = LibraryItem
    return or_(
        item.kind != FUNDING,
        and_(
            or_(item.status.is_(None), item.status != "closed"),
            or_(item.deadline.is_(None), item.deadline >= moment),
        ),
    )
