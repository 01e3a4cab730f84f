"""The Alembic revisions build exactly the schema the models describe, on SQLite and
PostgreSQL, and `fedcity migrate` can run any number of times."""

from __future__ import annotations

import warnings
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from fedcity.storage.db import Database
from fedcity.storage.migrate import alembic_config, is_up_to_date, upgrade_to_head
from fedcity.storage.models import Base

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()

# SQLAlchemy cannot reflect expression indexes (lower(username)) from SQLite, and
# Alembic then skips comparing them, warning about each. The project turns warnings
# into errors, so these two known, harmless warnings are silenced here; PostgreSQL
# reflects those indexes and the same test compares them there.
EXPRESSION_INDEX_WARNINGS = (
    r".*Skipped unsupported reflection of expression-based index.*",
    r".*autogenerate skipping metadata-specified expression-based index.*",
)


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    with warnings.catch_warnings():
        for pattern in EXPRESSION_INDEX_WARNINGS:
            warnings.filterwarnings("ignore", pattern)
        return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _run(db: Database, fn: Any) -> Any:
    async with db.engine.connect() as connection:
        return await connection.run_sync(fn)


async def test_upgrade_from_empty_reaches_head(make_db_url):
    # Given an empty database
    db = Database(await make_db_url())
    try:
        assert not await is_up_to_date(db)
        # When it is upgraded to head
        await upgrade_to_head(db)
        # Then it is at the newest revision and has every table the models declare
        assert await _run(db, _revision) == HEAD
        assert await is_up_to_date(db)
        assert set(Base.metadata.tables) <= await _run(db, _tables)
    finally:
        await db.dispose()


async def test_upgrade_again_changes_nothing(make_db_url):
    # Given a database already at head
    db = Database(await make_db_url())
    try:
        await upgrade_to_head(db)
        tables = await _run(db, _tables)
        # When it is upgraded again (a second `fedcity migrate`)
        await upgrade_to_head(db)
        # Then it stays at head with the same tables, and nothing failed
        assert await _run(db, _revision) == HEAD
        assert await _run(db, _tables) == tables
    finally:
        await db.dispose()


async def test_upgraded_schema_matches_the_models(make_db_url):
    # Given a database built only by the migrations
    db = Database(await make_db_url())
    try:
        await upgrade_to_head(db)
        # When autogenerate compares it with the models' metadata
        differences = await _run(db, _differences)
        # Then there is nothing to generate: a revision is not missing or wrong
        assert differences == []
    finally:
        await db.dispose()


async def test_every_revision_has_one_parent_chain():
    # Given the revisions directory
    scripts = ScriptDirectory.from_config(alembic_config())
    # When its heads are listed
    heads = scripts.get_heads()
    # Then there is exactly one head (no unmerged branches) and it walks back to base
    assert heads == [HEAD]
    chain = list(scripts.walk_revisions("base", HEAD))
    assert chain[-1].down_revision is None
