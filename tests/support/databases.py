"""Test databases: empty ones, and migrated ones cloned from a template.

Replaying every migration costs about half a second on SQLite and most of a second
on PostgreSQL, for each database a test makes. So each test process (each
pytest-xdist worker) migrates one template per engine, the first time a test asks
for it, and every migrated database a test gets is a copy: a file copy on SQLite,
`CREATE DATABASE … TEMPLATE` on PostgreSQL. The real upgrade path keeps its own
tests (`tests/migrations/`, and the CLI-migrated end-to-end instances).

A PostgreSQL copy costs the server 150 to 300 ms of CPU (it writes the whole
template through the WAL), more than most tests themselves; emptying a used copy
costs a few milliseconds. So a copy a test is done with is emptied and kept for
the next test of the process (`MigratedTemplates.release_postgres`): its other
connections ended, every table's rows deleted and every sequence reset, exactly
the migrated template's state (whose only rows are Alembic's version), then
vacuumed. A copy whose schema a test changed (it is not at the template's
revision, or its tables are not the template's) is dropped instead.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from fedcity.storage.db import Database
from fedcity.storage.migrate import upgrade_to_head

POSTGRES_ADMIN_URL = os.environ.get(
    "FEDCITY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def pg_url(name: str) -> str:
    """The SQLAlchemy URL of database `name` on the test server."""
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace(
        "postgresql://", "postgresql+asyncpg://"
    )
    return f"{base}/{name}"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _new_name(kind: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"fedcity_{kind}_{worker}_{uuid.uuid4().hex[:10]}"


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def create_pg_database(template: str | None = None) -> str:
    """A new database on the test server, empty or a copy of `template`."""
    name = _new_name("test")
    # The default strategy (WAL_LOG) copies the small template through the WAL:
    # measured here, 44 ms against FILE_COPY's 212 ms, whose checkpoint is the cost.
    clone = f' TEMPLATE "{template}"' if template else ""
    await _admin(f'CREATE DATABASE "{name}"{clone}')
    return name


async def drop_pg_database(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_blocking(coro: Coroutine[Any, Any, None]) -> None:
    """Run `coro` to the end on a loop of its own in another thread: callable from
    sync code and from inside a running loop alike (which it blocks meanwhile)."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(coro)
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await upgrade_to_head(db)
    finally:
        await db.dispose()


@dataclass(frozen=True)
class _Emptying:
    """How a used copy of the PostgreSQL template goes back to the template's
    state: its tables (but Alembic's) and sequences, and the revision it holds."""

    tables: tuple[str, ...]
    sequences: tuple[str, ...]
    revision: str

    def script(self) -> str:
        # Foreign keys are not checked while the rows go (replica role), so
        # the order does not matter.
        return " ".join(
            [
                "SET session_replication_role = replica;",
                # The names come from the catalog, not from a test.
                *(f'DELETE FROM "{t}";' for t in self.tables),  # noqa: S608
                *(f"SELECT setval('\"{q}\"', 1, false);" for q in self.sequences),
                "SET session_replication_role = DEFAULT;",
            ]
        )


_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
_SEQUENCES = (
    "SELECT sequence_name FROM information_schema.sequences "
    "WHERE sequence_schema = 'public' ORDER BY 1"
)
_OTHER_CONNECTIONS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = $1 AND pid <> pg_backend_pid()"
)


async def _emptying_of(name: str) -> _Emptying:
    import asyncpg

    conn = await asyncpg.connect(_admin_url_of(name))
    try:
        tables = [r[0] for r in await conn.fetch(_TABLES)]
        sequences = [r[0] for r in await conn.fetch(_SEQUENCES)]
        revision = await conn.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await conn.close()
    return _Emptying(
        tuple(t for t in tables if t != "alembic_version"),
        tuple(sequences),
        str(revision),
    )


async def _empty(name: str, emptying: _Emptying) -> bool:
    """Bring a used copy back to the template's state; False when its schema is
    no longer the template's (then it is only fit to be dropped)."""
    import asyncpg

    await _admin_fetch(_OTHER_CONNECTIONS, name)
    conn = await asyncpg.connect(_admin_url_of(name))
    try:
        tables = [r[0] for r in await conn.fetch(_TABLES)]
        revision = await conn.fetchval("SELECT version_num FROM alembic_version")
        if tuple(t for t in tables if t != "alembic_version") != emptying.tables:
            return False
        if revision != emptying.revision:
            return False
        await conn.execute(emptying.script())
        # Deleted rows leave dead tuples, and a statement without a full ORDER BY
        # may then meet rows in another order than in a new copy: VACUUM (20 ms)
        # makes the copy as the template was. (Without it, a relay test once
        # counted a Like fewer: the job queue handed out jobs in the order of
        # UPDATE … RETURNING; jobs/queue.py `claim` now keeps the claim's order.)
        await conn.execute("VACUUM")
    finally:
        await conn.close()
    return True


def _admin_url_of(name: str) -> str:
    return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


async def _admin_fetch(sql: str, *args: object) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await conn.fetch(sql, *args)
    finally:
        await conn.close()


class MigratedTemplates:
    """One migrated template database per engine for this process, made on first
    use and dropped by `close`, and the PostgreSQL copies kept for reuse."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._sqlite: Path | None = None
        self._postgres: str | None = None
        self._shared: dict[str, str] = {}
        self._spare: list[str] = []  # emptied PostgreSQL copies
        self._emptying: _Emptying | None = None

    def sqlite_template(self) -> Path:
        if self._sqlite is None:
            path = self._root / "template.sqlite"
            run_blocking(_migrate(sqlite_url(path)))
            self._sqlite = path
        return self._sqlite

    def postgres_template(self) -> str:
        if self._postgres is None:
            name = _new_name("template")
            run_blocking(_admin(f'CREATE DATABASE "{name}"'))
            try:
                run_blocking(_migrate(pg_url(name)))
            except BaseException:
                run_blocking(drop_pg_database(name))
                raise
            self._postgres = name
        return self._postgres

    def clone_sqlite(self, path: Path) -> str:
        """A migrated SQLite database at `path`."""
        shutil.copyfile(self.sqlite_template(), path)
        return sqlite_url(path)

    async def clone_postgres(self) -> str:
        """A migrated PostgreSQL database's name: an emptied one given back by an
        earlier test, else a new copy of the template."""
        if self._spare:
            return self._spare.pop()
        return await create_pg_database(template=self.postgres_template())

    async def release_postgres(self, name: str) -> None:
        """A test is done with a copy: emptied and kept for the next, or dropped
        when its schema was changed or it cannot be emptied."""
        if self._emptying is None:
            self._emptying = await _emptying_of(self.postgres_template())
        try:
            kept = await _empty(name, self._emptying)
        except Exception:
            kept = False
        if kept:
            self._spare.append(name)
        else:
            await drop_pg_database(name)

    def shared_url(self, backend: str) -> str:
        """One more migrated database for this process, which the rolled-back tests
        share: each runs inside a transaction that is never committed."""
        if backend not in self._shared:
            if backend == "sqlite":
                self._shared[backend] = self.clone_sqlite(self._root / "shared.sqlite")
            else:
                names: list[str] = []

                async def clone() -> None:
                    names.append(await self.clone_postgres())

                run_blocking(clone())
                self._shared[backend] = pg_url(names[0])
        return self._shared[backend]

    def close(self) -> None:
        for name in self._spare:
            run_blocking(drop_pg_database(name))
        if "postgres" in self._shared:
            name = self._shared["postgres"].rsplit("/", 1)[1]
            run_blocking(drop_pg_database(name))
        if self._postgres is not None:
            run_blocking(drop_pg_database(self._postgres))


def _sqlite_savepoints(engine: AsyncEngine) -> None:
    # The sqlite3 module begins transactions itself, which breaks SAVEPOINT; hand
    # that to SQLAlchemy (its documented recipe for pysqlite and aiosqlite).
    def no_implicit_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    def explicit_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    event.listen(engine.sync_engine, "connect", no_implicit_begin)
    event.listen(engine.sync_engine, "begin", explicit_begin)


@asynccontextmanager
async def rolled_back(url: str) -> AsyncIterator[Database]:
    """The database at `url`, seen through one outer transaction that is rolled
    back at the end: every `db.session()` inside commits to a SAVEPOINT only, so a
    test leaves nothing behind and the next one starts from the migrated schema,
    without a copy of its own."""
    db = Database(url)
    if db.is_sqlite:
        _sqlite_savepoints(db.engine)
    try:
        async with db.engine.connect() as connection:
            outer = await connection.begin()
            db.sessionmaker = async_sessionmaker(
                bind=connection,
                expire_on_commit=False,
                join_transaction_mode="create_savepoint",
            )
            try:
                yield db
            finally:
                await outer.rollback()
    finally:
        await db.dispose()
