"""Migration 0032 (library search): items stored before it get their search text
and enter the full-text index, on SQLite and PostgreSQL, unless they may not be
found (withdrawn, or not indexable)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Text, text
from sqlalchemy.engine import Connection

from fedcity.storage.db import Database
from fedcity.storage.migrate import upgrade_to_head
from tests.migrations.test_migrations import _insert_posts, _run, _table, _upgrade_to
from tests.support.library import case_study

BEFORE = "0031"


def _insert_items(connection: Connection) -> None:
    """Three case studies on the post of _insert_posts' actor: one that may be
    found, one withdrawn, one not indexable."""
    _insert_posts(connection)
    items = _table(
        "library_items", id=BigInteger(), kind=Text(), post_id=BigInteger(),
        actor_id=BigInteger(), uri=Text(), origin=Text(), document=JSON(),
        title=Text(), topics=JSON(), indexable=Boolean(),
        withdrawn_at=DateTime(timezone=True), created_at=DateTime(timezone=True),
    )  # fmt: skip
    now = datetime.now(UTC)
    rows = [
        (20, 10, "Pothole blitz", True, None),
        (21, 11, "Pothole patrol", True, now),
        (22, 12, "Pothole pilot", False, None),
    ]
    connection.execute(
        items.insert(),
        [
            {"id": item, "kind": "case_study", "post_id": post, "actor_id": 1,
             "uri": f"https://city.example/s/{post}", "origin": "city.example",
             "document": case_study(title=title), "title": title,
             "topics": ["infrastructure"], "indexable": indexable,
             "withdrawn_at": withdrawn, "created_at": now}
            for item, post, title, indexable, withdrawn in rows
        ],
    )  # fmt: skip


def _found(connection: Connection) -> tuple[dict[int, str], list[int]]:
    """Each item's search text, and the items the index finds for "repairs"."""
    texts = dict(
        connection.execute(text("SELECT id, search_text FROM library_items")).all()
    )
    if connection.dialect.name == "sqlite":
        query = (
            "SELECT rowid FROM library_items_fts "
            "WHERE library_items_fts MATCH 'repairs'"
        )
    else:
        query = (
            "SELECT id FROM library_items "
            "WHERE search_vector @@ plainto_tsquery('english', 'repairs')"
        )
    return texts, sorted(int(i) for i in connection.execute(text(query)).scalars())


async def test_items_stored_before_the_index_are_found_after_it(make_db_url):
    # Given a database at the revision before library search, with three items
    db = Database(await make_db_url())
    try:
        await _upgrade_to(db, BEFORE)
        async with db.engine.begin() as connection:
            await connection.run_sync(_insert_items)
        # When it is upgraded to head
        await upgrade_to_head(db)
        # Then every item has its search text (its problem, stemmed in the index)
        texts, found = await _run(db, _found)
        assert all("pothole repair" in texts[i] for i in (20, 21, 22))
        # And only the one that may be found is in the index
        assert found == [20]
    finally:
        await db.dispose()
