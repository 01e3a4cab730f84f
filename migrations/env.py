"""Alembic environment. fedcity runs migrations itself (`fedcity migrate`), handing a
connection in `config.attributes["connection"]`; the plain `alembic` command works too
(it reads the database URL from FEDCITY_DATABASE_URL or alembic's sqlalchemy.url).

Revisions never import the live models: they hold their own operations, so a released
revision keeps meaning what it meant.
"""

from __future__ import annotations

import asyncio
import os
import warnings

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

config = context.config

# Autogenerate compares against the models; running a revision never needs them.
target_metadata = None
include_name = None
_autogenerate = config.attributes.get("autogenerate") or getattr(
    config.cmd_opts, "autogenerate", False
)
if context.is_offline_mode() or _autogenerate:
    from fedcity.storage.fulltext import include_name
    from fedcity.storage.models import Base

    target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The SQLite full-text table is made by hand, not from the models.
        include_name=include_name,
    )
    with warnings.catch_warnings(), context.begin_transaction():
        # SQLite batch migrations reflect neighbouring tables through foreign keys;
        # SQLAlchemy cannot reflect expression indexes (lower(username)) and says so.
        # Those tables are only read, never rebuilt, so their indexes stay intact.
        warnings.filterwarnings("ignore", r".*expression-based index.*")
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


def run_offline() -> None:
    context.configure(
        url=os.environ.get("FEDCITY_DATABASE_URL")
        or config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = os.environ.get("FEDCITY_DATABASE_URL") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("set FEDCITY_DATABASE_URL to the database to migrate")
    asyncio.run(_run_async(url))


if context.is_offline_mode():
    run_offline()
else:
    run_online()
