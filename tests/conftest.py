"""Shared fixtures: databases (SQLite and, where reachable, PostgreSQL), live fedcity
instances on loopback ports, and a scriptable remote peer for federation tests."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest

from fedcity.config import MediaSettings
from tests.support.instances import LiveInstance, start_instance
from tests.support.remote import RemoteServer

POSTGRES_ADMIN_URL = os.environ.get(
    "FEDCITY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _postgres_reason() -> str | None:
    """None if PostgreSQL answers, else why the PostgreSQL tests are skipped."""

    async def probe() -> None:
        import asyncpg

        conn = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:
        return (
            f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL} "
            f"({type(exc).__name__}: {exc}); "
            "set FEDCITY_TEST_POSTGRES_URL to run these tests"
        )
    return None


_PG_SKIP: list[str | None] = []


def postgres_skip_reason() -> str | None:
    if not _PG_SKIP:
        _PG_SKIP.append(_postgres_reason())
    return _PG_SKIP[0]


async def _create_pg_database() -> str:
    import asyncpg

    name = f"fedcity_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name


async def _drop_pg_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _pg_url(name: str) -> str:
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace(
        "postgresql://", "postgresql+asyncpg://"
    )
    return f"{base}/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and (reason := postgres_skip_reason()):
        pytest.skip(reason)
    return str(request.param)


@pytest.fixture
async def make_db_url(
    backend: str, tmp_path: Path
) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """A factory of fresh, empty databases on the test's backend."""
    created: list[str] = []

    async def make() -> str:
        if backend == "sqlite":
            return (
                f"sqlite+aiosqlite:///{tmp_path / f'db-{uuid.uuid4().hex[:8]}.sqlite'}"
            )
        name = await _create_pg_database()
        created.append(name)
        return _pg_url(name)

    yield make
    for name in created:
        await _drop_pg_database(name)


@pytest.fixture
async def make_instance(
    make_db_url: Callable[[], Awaitable[str]], aiohttp_server: object, tmp_path: Path
) -> Callable[..., Awaitable[LiveInstance]]:
    """Start fedcity instances in-process on loopback ports; step the worker by hand.
    Each keeps its uploaded media in the test's temporary folder."""

    async def make(
        name: str = "city",
        media: MediaSettings | None = None,
        instance: dict[str, object] | None = None,
        **federation: object,
    ) -> LiveInstance:
        """`instance` holds extra `[instance]` settings (rules, texts)."""
        root = str(tmp_path / f"media-{name}-{uuid.uuid4().hex[:6]}")
        media = replace(media or MediaSettings(), root=root)
        return await start_instance(
            aiohttp_server,
            await make_db_url(),
            name=name,
            media=media,
            instance=instance,
            **federation,
        )

    return make


@pytest.fixture
async def instance(
    make_instance: Callable[..., Awaitable[LiveInstance]],
) -> LiveInstance:
    return await make_instance()


@pytest.fixture
async def remote(aiohttp_server: object) -> RemoteServer:
    """A scripted peer on its own loopback origin, with actors and signed requests."""
    server = RemoteServer()
    await server.start(aiohttp_server)
    return server
