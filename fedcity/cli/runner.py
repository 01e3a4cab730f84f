"""What every command shares: run a coroutine against the configured database, and
turn what an operator can get wrong (a missing or unreachable database, an old
schema) into a `ConfigError` that `main` prints as one line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from fedcity.config import Settings
from fedcity.errors import ConfigError
from fedcity.storage.db import Database, open_database
from fedcity.storage.migrate import is_up_to_date

if TYPE_CHECKING:
    from fedcity.federation.context import Federation

Command = Callable[[Settings, argparse.Namespace], int]


def run(coro_fn: Callable[[], Awaitable[Any]]) -> Any:
    """Run `coro_fn()` in a fresh event loop and return its result."""
    return asyncio.run(_wrap(coro_fn))


async def _wrap(coro_fn: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return await coro_fn()
    except Exception as exc:
        # asyncpg raises its own errors outside SQLAlchemy's hierarchy on connect.
        if type(exc).__module__.startswith("asyncpg"):
            raise ConfigError(f"database: {exc}") from exc
        raise


async def with_db(settings: Settings, fn: Callable[[Database], Awaitable[Any]]) -> Any:
    """Call `fn` with the configured database, disposed of afterwards."""
    where = _database_location(settings.database.url)
    try:
        db = open_database(settings.database)
    except OSError as exc:
        raise ConfigError(f"database: cannot create {where}: {_reason(exc)}") from exc
    try:
        return await fn(db)
    except OSError as exc:  # refused, unreachable host, DNS failure
        raise ConfigError(
            f"database: cannot connect to {where}: {_reason(exc)}"
        ) from exc
    finally:
        await db.dispose()


def _database_location(url: str) -> str:
    """host:port/name or the SQLite path, never the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite database {parsed.database}"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.host or 'localhost'}{port}/{parsed.database or ''}"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


async def require_schema(db: Database) -> None:
    """Refuse to work on a database that `fedcity migrate` has not brought up to date."""
    if not await is_up_to_date(db):
        raise ConfigError(
            "the database schema is not up to date: run `fedcity migrate` first"
        )


@contextlib.asynccontextmanager
async def federation(settings: Settings, db: Database) -> AsyncIterator[Federation]:
    """What finding a remote handle needs: signed fetches by the instance actor."""
    from fedcity.app import build_federation, open_transport

    transport = open_transport(settings)
    try:
        yield await build_federation(settings, db, transport)
    finally:
        await transport.close()
