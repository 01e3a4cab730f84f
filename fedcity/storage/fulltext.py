"""The full-text index over `posts.search_text`, one engine at a time.

- PostgreSQL: a GIN index on the expression `to_tsvector('simple', search_text)`
  (declared on the model, `ix_posts_search_text`); a query must use the very same
  expression (`document()`) for the planner to use it.
- SQLite: an FTS5 table with external content, `posts_fts(search_text)`, whose rowid
  is the post's id. Triggers on `posts` (made by migration 0011) keep it in step on
  every insert, update of `search_text` and delete, whichever code path wrote.

Both tokenise the same way on purpose: lower-cased words, no stemming, no stop
words, accents kept (`simple` / `unicode61 remove_diacritics 0`), so that a search
finds the same posts on either engine.

The FTS5 table and its shadow tables are not in the models' metadata (SQLAlchemy
cannot declare a virtual table); `is_index_table` names them, so that the models
versus migrations comparison (and autogenerate) leaves them alone. The same goes
for the library's index (storage/queries/library/search.py): its FTS5 table
`library_items_fts` on SQLite, its generated `search_vector` column on
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.db import dialect_of
from fedcity.storage.models import Post

TS_CONFIG = "simple"
FTS_TABLE = "posts_fts"
LIBRARY_FTS_TABLE = "library_items_fts"
# PostgreSQL's library index: a generated column of `library_items`.
LIBRARY_VECTOR = "search_vector"
LIBRARY_VECTOR_INDEX = "ix_library_items_search_vector"
# What FTS5 creates beside a virtual table (external content: no _content table).
_FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


def is_index_table(name: str | None) -> bool:
    """Whether `name` is a SQLite full-text table or one of its shadow tables."""
    return name is not None and any(
        name == table or name in {table + s for s in _FTS_SHADOW_SUFFIXES}
        for table in (FTS_TABLE, LIBRARY_FTS_TABLE)
    )


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's `include_name` hook: compare everything but the full-text
    indexes the models cannot declare."""
    if type_ == "column" and name == LIBRARY_VECTOR:
        return False
    if type_ == "index" and name == LIBRARY_VECTOR_INDEX:
        return False
    return not (type_ == "table" and is_index_table(name))


@dataclass(frozen=True)
class Words:
    """Text to find: every word of `text` (anywhere), or, for a phrase, the words
    next to each other and in order."""

    text: str
    phrase: bool = False


def matches(
    dialect: str, required: Sequence[Words], excluded: Sequence[Words] = ()
) -> ColumnElement[bool]:
    """Posts whose text has every one of `required` and none of `excluded` (at
    least one of the two must be given)."""
    if dialect == "postgresql":
        return _pg_matches(required, excluded)
    conditions = []
    if required:
        conditions.append(Post.id.in_(_fts_ids(fts_expression(required))))
    if excluded:
        conditions.append(Post.id.not_in(_fts_ids(" OR ".join(map(_fts, excluded)))))
    return and_(*conditions)


# --- PostgreSQL -------------------------------------------------------------------


def ts_config(name: str = TS_CONFIG) -> ColumnElement[str]:
    # A literal, not a bound parameter: the expression must equal the index's.
    return literal_column(f"'{name}'::regconfig")


def document() -> ColumnElement[object]:
    """The indexed expression: the post's text as a tsvector."""
    return func.to_tsvector(ts_config(), Post.search_text)


def _tsquery(words: Words, config: str) -> ColumnElement[object]:
    maker = func.phraseto_tsquery if words.phrase else func.plainto_tsquery
    return maker(ts_config(config), words.text)


def tsquery(
    required: Sequence[Words],
    excluded: Sequence[Words] = (),
    config: str = TS_CONFIG,
) -> ColumnElement[object]:
    """One tsquery: every one of `required` and none of `excluded` (at least one
    given); `tsquery_and`/`tsquery_not` are the functions behind && and !!."""
    parts = [
        *(_tsquery(w, config) for w in required),
        *(func.tsquery_not(_tsquery(w, config)) for w in excluded),
    ]
    combined = parts[0]
    for part in parts[1:]:
        combined = func.tsquery_and(combined, part)
    return combined


def _pg_matches(
    required: Sequence[Words], excluded: Sequence[Words]
) -> ColumnElement[bool]:
    return document().op("@@")(tsquery(required, excluded))


async def plan_for_values(session: AsyncSession) -> None:
    """On PostgreSQL, plan the transaction's statements for their own values:
    every full-text search calls this first.

    The driver prepares each statement, and after five runs PostgreSQL may keep
    a generic plan that knows no word: it guesses a word is in 0.5 % of rows
    and finds them all by the GIN index, then sorts them, which for a word in
    most rows is the whole table (bench/library_search.py: "meeting", in 77,000
    of 100,000 items: 19 → 775 ms), where a plan for the word walks the newest
    rows until the page is full. Planning costs a fraction of a millisecond."""
    if dialect_of(session) == "postgresql":
        await session.execute(_CUSTOM_PLANS)


# For this transaction only. JIT off too: a search whose plan PostgreSQL
# misjudges as costly was compiled for half a second before it ran.
_CUSTOM_PLANS = text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('jit', 'off', true)"
)


# --- SQLite -----------------------------------------------------------------------


def _quote(text: str) -> str:
    """One FTS5 string (a phrase of the words in `text`), its quotes escaped."""
    return '"' + text.replace('"', '""') + '"'


def _fts(words: Words) -> str:
    """An FTS5 expression: the phrase, or each word of the text (AND). Pieces
    without a letter or digit are left out, as `plainto_tsquery` leaves them out:
    to FTS5 an empty string would match nothing."""
    if words.phrase:
        return _quote(words.text)
    pieces = [w for w in words.text.split() if any(c.isalnum() for c in w)]
    return "(" + " AND ".join(map(_quote, pieces)) + ")"


def fts_expression(required: Sequence[Words]) -> str:
    """An FTS5 query expression: every one of `required`."""
    return " AND ".join(map(_fts, required))


def _fts_ids(expression: str) -> Select[int]:
    """Ids of the posts whose text matches an FTS5 query expression."""
    fts = table(FTS_TABLE, column("rowid"))
    return select(fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(expression))
