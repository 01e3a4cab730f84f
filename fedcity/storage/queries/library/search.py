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
Only the RANKED newest matches are ranked (RANKED_POSTGRESQL on PostgreSQL);
older ones follow, newest first (`_ranked_ids`). Ties, and searches without
words, go newest first. The filters are columns of `library_items` (checked on
SQLite against the narrow index `ix_library_items_search`) and its topic and
state rows; every search also states "not withdrawn and indexable", which is
what a search without words relies on. The page's ids are found first, its rows read after.
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
from sqlalchemy.orm import InstrumentedAttribute

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
# How many of a search's newest matches are ranked (`_ranked_ids`).
RANKED = 5_000
# On PostgreSQL, where finding the window reads each match's row (wide, with
# its vector) newest first, or every match's row from the GIN index: the cost
# grows with the window, and with the share of items the words are in
# (bench/library_search.py; docs/performance.md, "Library search").
RANKED_POSTGRESQL = 1_000

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
    has no order an id could continue); without, newest first, paged on ids.

    The page's ids are found first, over the narrow index of the filtered columns
    (`ix_library_items_search`), and only then are its rows read, wide as they
    are (the document), 20 of them rather than every candidate."""
    await fulltext.plan_for_values(session)
    ids = await _found_ids(session, search, page, offset)
    if not ids:
        return []
    rows = await session.scalars(select(LibraryItem).where(LibraryItem.id.in_(ids)))
    by_id = {item.id: item for item in rows}
    return [by_id[i] for i in ids if i in by_id]


async def count_found(session: AsyncSession, search: Search) -> int:
    """How many items `search` finds, every page together (bench/
    library_search.py reports it beside each search's time)."""
    await fulltext.plan_for_values(session)
    conditions = _conditions(search)
    if not search.words:
        found = select(LibraryItem.id).where(*_found(), *conditions)
    elif dialect_of(session) == "postgresql":
        found = _pg_matches(search.words, conditions).found
    else:
        found = _sqlite_matches(search.words, conditions)[0].found
    counted = select(func.count()).select_from(found.subquery())
    return await session.scalar(counted) or 0


def _conditions(search: Search) -> list[ColumnElement[bool]]:
    conditions = _filtered(search.filter)
    if search.author_ok is not None:
        conditions.append(search.author_ok)
    return conditions


async def _found_ids(
    session: AsyncSession, search: Search, page: Page, offset: int
) -> list[int]:
    conditions = _conditions(search)
    if not search.words:
        stmt = select(LibraryItem.id).where(*_found(), *conditions)
        return [row[0] for row in await paged_rows(session, stmt, LibraryItem.id, page)]
    return await _ranked_ids(session, search.words, conditions, offset, page.limit)


def _found() -> list[ColumnElement[bool]]:
    return [LibraryItem.indexable.is_(True), LibraryItem.withdrawn_at.is_(None)]


# --- ranking ------------------------------------------------------------------


@dataclass(frozen=True)
class _Matches:
    """What some words find: `matched` selects the ids of every match, filters
    aside, `found` of those that pass the filters; `key` is their id column."""

    matched: Select[int]
    found: Select[int]
    key: ColumnElement[int] | InstrumentedAttribute[int]


async def _ranked_ids(
    session: AsyncSession,
    words: Sequence[Words],
    conditions: Sequence[ColumnElement[bool]],
    offset: int,
    limit: int,
) -> list[int]:
    """A page of matches: those among the RANKED newest matches of the words
    (filters aside) best first, then the older ones newest first.

    Ranking scores every match it orders, so a word found in half of a large
    library would cost in proportion (bench/library_search.py: "meeting" is in
    77,000 of 100,000 items); the newest RANKED are enough to choose the best
    few from, and the older ones are all still there, after them."""
    if dialect_of(session) == "postgresql":
        matches = _pg_matches(words, conditions)
        first = await _pg_window(session, words, conditions, offset, limit)
        cut = None if len(first) == limit else await _cut(session, matches)
    else:
        matches, score = _sqlite_matches(words, conditions)
        cut = await _cut(session, matches)
        ranked = matches.found.order_by(score, matches.key.desc())
        if cut is not None:
            ranked = ranked.where(matches.key >= cut)
        first = list(await session.scalars(ranked.offset(offset).limit(limit)))
    if len(first) == limit or cut is None:
        return first
    # Past the window: `before` older matches went on earlier pages.
    before = 0
    if not first:
        window = matches.found.where(matches.key >= cut).subquery()
        before = offset - (
            await session.scalar(select(func.count()).select_from(window)) or 0
        )
    older = matches.found.where(matches.key < cut).order_by(matches.key.desc())
    rest = await session.scalars(older.offset(before).limit(limit - len(first)))
    return first + list(rest)


async def _cut(session: AsyncSession, matches: _Matches) -> int | None:
    """The id of the RANKED-th newest match (None: there are fewer)."""
    newest_first = matches.matched.order_by(matches.key.desc())
    return await session.scalar(newest_first.offset(_window(session) - 1).limit(1))


def _window(session: AsyncSession) -> int:
    """How many of the newest matches are ranked (RANKED; fewer on PostgreSQL,
    RANKED_POSTGRESQL, where finding each costs more)."""
    if dialect_of(session) == "postgresql":
        return min(RANKED, RANKED_POSTGRESQL)
    return RANKED


def _pg_vector() -> ColumnClause[object]:
    return column(fulltext.LIBRARY_VECTOR)


def _pg_matches(
    words: Sequence[Words], conditions: Sequence[ColumnElement[bool]]
) -> _Matches:
    query = fulltext.tsquery(words, config=TS_CONFIG)
    matched = select(LibraryItem.id).where(_pg_vector().op("@@")(query))
    found = matched.where(*_found(), *conditions)
    return _Matches(matched=matched, found=found, key=LibraryItem.id)


async def _pg_window(
    session: AsyncSession,
    words: Sequence[Words],
    conditions: Sequence[ColumnElement[bool]],
    offset: int,
    limit: int,
) -> list[int]:
    """The page of the window's matches that pass the filters, best first.

    The window is an array of ids; its rows are read by primary key and only
    those that pass the filters are ranked. A window carrying the vectors had
    PostgreSQL sort wide rows on disk; one that was a subquery, hash-join every
    row that passed the filters (bench/library_search.py: "pothole repair"
    130 → 53 ms, "bicycle" in California 835 → 80 ms; docs/performance.md)."""
    query = fulltext.tsquery(words, config=TS_CONFIG)
    vector = _pg_vector()
    newest = (
        select(LibraryItem.id)
        .where(vector.op("@@")(query))
        .order_by(LibraryItem.id.desc())
        .limit(_window(session))
    )
    rank = func.ts_rank_cd(vector, query, RANK_NORMALIZATION)
    page = (
        select(LibraryItem.id)
        .where(LibraryItem.id == func.any(func.array(newest.scalar_subquery())))
        .where(*_found(), *conditions)
        .order_by(rank.desc(), LibraryItem.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(await session.scalars(page))


def _sqlite_matches(
    words: Sequence[Words], conditions: Sequence[ColumnElement[bool]]
) -> tuple[_Matches, ColumnElement[object]]:
    """Words alone are matched in the FTS5 table, which holds only items that
    may be found: no row is read but the page's. With filters, each match is
    checked against the narrow index. Ids are the FTS table's rowids, which
    FTS5 reads newest first and seeks to, so that the window's bound costs
    little. Also the score: bm25 can only be called where the table is matched."""
    fts = table(fulltext.LIBRARY_FTS_TABLE, column("rowid"))
    rowid: ColumnClause[int] = fts.c.rowid
    name: ColumnClause[object] = literal_column(fulltext.LIBRARY_FTS_TABLE)
    score = func.bm25(name, literal_column(TITLE_WEIGHT), literal_column(TEXT_WEIGHT))
    match = name.op("MATCH")(fulltext.fts_expression(words))
    matched = select(rowid).where(match)
    found = matched
    if conditions:
        found = (
            select(LibraryItem.id)
            .join(fts, rowid == LibraryItem.id)
            .where(match, *_found(), *conditions)
        )
    return _Matches(matched=matched, found=found, key=rowid), score


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
        topical = select(LibraryItemTopic.item_id).where(
            LibraryItemTopic.topic == f.topic
        )
        found.append(item.id.in_(topical))
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


def _kind_is(kind: LibraryKind) -> ColumnElement[bool]:
    """`kind` tested inside an OR, written so that no index can take it: SQLite
    (which keeps no statistics) would otherwise answer the OR branch by branch
    from `ix_library_items_kind_id` and sort all it found, instead of walking
    the search index newest first (bench/library_search.py: 116 ms → 0.1 ms)."""
    return (LibraryItem.kind + "") == kind


def _in_state(state: str) -> ColumnElement[bool]:
    """A case study of `state`, or a funding opportunity open to it: it lists it,
    or lists no state at all."""
    item = LibraryItem
    listed = select(LibraryItemState.item_id).where(LibraryItemState.state == state)
    anywhere = and_(
        _kind_is(FUNDING),
        ~exists().where(LibraryItemState.item_id == item.id),
    )
    return or_(item.id.in_(listed), anywhere)


def _population(low: int | None, high: int | None) -> ColumnElement[bool]:
    item = LibraryItem
    own: list[ColumnElement[bool]] = [_kind_is(CASE), item.population.is_not(None)]
    eligible: list[ColumnElement[bool]] = [_kind_is(FUNDING)]
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
        _kind_is(CASE),
        and_(
            or_(item.status.is_(None), item.status != "closed"),
            or_(item.deadline.is_(None), item.deadline >= moment),
        ),
    )
