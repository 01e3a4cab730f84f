"""The Database: one engine and sessionmaker per application, never made at import."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from fedcity.config import DatabaseSettings


class Database:
    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        bounds: DatabaseSettings | None = None,
    ) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine: AsyncEngine = _create_engine(
            url, echo=echo, bounds=bounds or DatabaseSettings(url)
        )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits when the block ends without error."""
        async with self.sessionmaker() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def open_database(settings: DatabaseSettings) -> Database:
    """The configured database, with its echo flag and its time bounds."""
    return Database(settings.url, echo=settings.echo, bounds=settings)


def _json_dumps(value: Any) -> str:
    # orjson, not json.dumps: JSON columns hold whole activities (several KiB), and
    # the stdlib encoder was a tenth of the inbox's time. Non-string keys become
    # strings, as json.dumps would make them.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _create_engine(url: str, *, echo: bool, bounds: DatabaseSettings) -> AsyncEngine:
    json_codec: dict[str, Any] = {
        "json_serializer": _json_dumps,
        "json_deserializer": orjson.loads,
    }
    if not url.startswith("sqlite"):
        # Bounded waits: with the server down, a request fails within seconds (and
        # is answered 503) instead of queueing for a connection until its client
        # gives up.
        return create_async_engine(
            url,
            echo=echo,
            pool_size=10,
            max_overflow=10,
            pool_timeout=bounds.pool_timeout_seconds,
            connect_args={
                "timeout": bounds.connect_timeout_seconds,
                "command_timeout": bounds.statement_timeout_seconds or None,
            },
            **json_codec,
        )
    _ensure_sqlite_folder(url)
    engine = create_async_engine(
        url, echo=echo, connect_args={"timeout": 30}, **json_codec
    )
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _ensure_sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # WAL lets readers run beside the one writer; NORMAL sync is durable across
    # process crashes under WAL (only an OS crash can lose the last commits).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def insert_for(session: AsyncSession) -> Callable[..., Any]:
    """The dialect's INSERT construct, which knows ON CONFLICT (PostgreSQL's and
    SQLite's spell it alike)."""
    return pg_insert if dialect_of(session) == "postgresql" else sqlite_insert
