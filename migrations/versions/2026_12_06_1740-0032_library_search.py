"""full-text search over library items (issue 14)

Adds `library_items.search_text` (what search matches besides the title: the
summary, place, funder, long texts, results, names, topics, hashtags), fills it
for the items already stored, adds `ix_library_items_search` (the id and every
column search filters on: a narrow index to walk instead of the wide rows), then
builds a full-text index that holds only the items that may be found (not
withdrawn, `indexable`), with stemming on both engines:
- PostgreSQL: a stored generated column `search_vector` (the title weighted A,
  the rest B, with the 'english' configuration; NULL for an item that may not be
  found) and a GIN index on it. The vector is stored, not an index expression,
  because ranking (`ts_rank_cd`) reads it for every match; and it is kept in the
  row (storage MAIN) while the document and `search_text` go out of line
  (EXTERNAL) when a row is too wide, so that reading the vectors of thousands
  of matches reads no TOAST (bench/library_search.py: 82 → 33 ms for a word in
  half of 100,000 items). Rows written before this revision keep their layout
  until they are next written;
- SQLite: a contentless FTS5 table `library_items_fts(title, search_text)` with
  the porter stemmer over unicode61, whose rowid is the item's id, and triggers
  on `library_items` that add a row when an item may be found and take it away
  when it no longer may (withdrawn, consent withdrawn, deleted), whichever code
  path wrote.

A later revision that rebuilds `library_items` on SQLite (a batch "move and
copy") drops these triggers with the old table, and must create them again.

The backfill carries its own copy of the rule as it stood when this revision was
written (`services.library.search_index.compose`): revisions import nothing from
fedcity, so that they keep meaning what they meant.

Revision ID: 0032
Revises: 0033
Create Date: 2026-12-06 17:20:00
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
FOUND = "indexable AND withdrawn_at IS NULL"
_VECTOR = (
    f"CASE WHEN {FOUND} THEN "
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(search_text, '')), 'B') "
    "END"
)


def _add(row: str) -> str:
    return (
        "INSERT INTO library_items_fts(rowid, title, search_text) "
        f"SELECT {row}.id, {row}.title, {row}.search_text "
        f"WHERE {row}.indexable AND {row}.withdrawn_at IS NULL;"
    )


def _remove(row: str) -> str:
    # A contentless table forgets a row only when given the very values it indexed.
    return (
        "INSERT INTO library_items_fts(library_items_fts, rowid, title, search_text) "
        f"SELECT 'delete', {row}.id, {row}.title, {row}.search_text "
        f"WHERE {row}.indexable AND {row}.withdrawn_at IS NULL;"
    )


_TRIGGERS = {
    "library_items_fts_ai": "AFTER INSERT ON library_items BEGIN "
    + _add("new")
    + " END",
    "library_items_fts_ad": "AFTER DELETE ON library_items BEGIN "
    + _remove("old")
    + " END",
    "library_items_fts_au": "AFTER UPDATE OF title, search_text, indexable, "
    "withdrawn_at ON library_items BEGIN "
    + _remove("old")
    + " "
    + _add("new")
    + " END",
}


# The columns search filters on, after `id`: the narrow index it walks instead
# of the wide rows.
SEARCH_COLUMNS = (
    "indexable", "withdrawn_at", "kind", "status", "evidence_level", "population",
    "population_min", "population_max", "cost_amount", "deadline", "origin",
    "actor_id", "ocd_id",
)  # fmt: skip


def upgrade() -> None:
    op.add_column("library_items", sa.Column("search_text", sa.Text(), nullable=True))
    _backfill(op.get_bind())
    op.create_index(
        "ix_library_items_search", "library_items", ["id", *SEARCH_COLUMNS]
    )
    if op.get_bind().dialect.name == "postgresql":
        # The wide texts out of line, the vector in the row (see the docstring).
        op.execute(
            "ALTER TABLE library_items ALTER COLUMN document SET STORAGE EXTERNAL, "
            "ALTER COLUMN search_text SET STORAGE EXTERNAL"
        )
        op.execute(
            "ALTER TABLE library_items ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_VECTOR}) STORED"
        )
        op.execute(
            "ALTER TABLE library_items ALTER COLUMN search_vector SET STORAGE MAIN"
        )
        op.create_index(
            "ix_library_items_search_vector",
            "library_items",
            ["search_vector"],
            postgresql_using="gin",
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE library_items_fts USING fts5(title, search_text, "
        "content='', tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        "INSERT INTO library_items_fts(rowid, title, search_text) "
        f"SELECT id, title, search_text FROM library_items WHERE {FOUND}"
    )
    for name, body in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    op.drop_index("ix_library_items_search", table_name="library_items")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_library_items_search_vector", table_name="library_items")
        op.execute("ALTER TABLE library_items DROP COLUMN search_vector")
        op.execute(
            "ALTER TABLE library_items ALTER COLUMN document SET STORAGE EXTENDED, "
            "ALTER COLUMN search_text SET STORAGE EXTENDED"
        )
    else:
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS library_items_fts")
    with op.batch_alter_table("library_items") as batch:
        batch.drop_column("search_text")


# --- backfill ---------------------------------------------------------------------

_items = sa.table(
    "library_items",
    sa.column("id", sa.BigInteger()),
    sa.column("document", sa.JSON()),
    sa.column("search_text", sa.Text()),
)


def _backfill(bind: sa.Connection) -> None:
    for rows in _batches(bind):
        bind.execute(
            _items.update()
            .where(_items.c.id == sa.bindparam("item_id"))
            .values(search_text=sa.bindparam("text")),
            [{"item_id": row.id, "text": _compose(row.document)} for row in rows],
        )


def _batches(bind: sa.Connection) -> Iterator[list[Any]]:
    last = None
    while True:
        stmt = (
            sa.select(_items.c.id, _items.c.document)
            .order_by(_items.c.id)
            .limit(BATCH)
        )
        if last is not None:
            stmt = stmt.where(_items.c.id > last)
        rows = list(bind.execute(stmt).all())
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _compose(doc: Mapping[str, Any]) -> str:
    place = doc.get("jurisdiction") or {}
    parts = [
        " ".join(str(place.get(k) or "") for k in ("name", "state")).strip(),
        str((doc.get("funder") or {}).get("name") or ""),
        *(
            str(doc.get(k) or "")
            for k in (
                "summary",
                "problem",
                "approach",
                "lessons_learned",
                "opportunity_number",
            )
        ),
        *(
            " ".join(str(r.get(k) or "") for k in ("measure", "unit")).strip()
            for r in doc.get("results") or []
        ),
        *(str(n) for k in ("funding_sources", "partners") for n in doc.get(k) or []),
        " ".join(str(t).replace("_", " ") for t in doc.get("topics") or []),
        " ".join(str(h).lstrip("#") for h in doc.get("hashtags") or []),
        *(str(a.get("name") or "") for a in doc.get("attachments") or []),
    ]
    return "\n".join(p for p in parts if p)
