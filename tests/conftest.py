"""Shared fixtures: databases (SQLite and, where reachable, PostgreSQL), live fedcity
instances on loopback ports, and a scriptable remote peer for federation tests."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from fedcity.config import (
    MailSettings,
    MediaSettings,
    RegistrationSettings,
    TrustSettings,
)
from fedcity.services.accounts.passwords import INSECURE_TEST_HASHING_VARIABLE
from tests.support.databases import (
    POSTGRES_ADMIN_URL,
    MigratedTemplates,
    create_pg_database,
    drop_pg_database,
    pg_url,
    sqlite_url,
)
from tests.support.instances import LiveInstance, start_instance
from tests.support.mail import MailBox, smtp_server
from tests.support.remote import RemoteServer

# The contract coverage check runs when the session ends (see its docstring).
pytest_plugins = ["tests.support.contract"]

# Tests (and the CLI processes they start) hash passwords with argon2's cheapest
# profile; fedcity/services/accounts/passwords.py says why the variable has that name.
os.environ[INSECURE_TEST_HASHING_VARIABLE] = "1"


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


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Leave out the PostgreSQL runs of tests marked `sqlite_only`: sweeps over
    many payloads that exercise parsing and rules, not the engine, whose
    engine-specific paths other tests cover on both."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("backend") == (
            "postgres"
        )
        if on_postgres and item.get_closest_marker("sqlite_only"):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and (reason := postgres_skip_reason()):
        pytest.skip(reason)
    return str(request.param)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedTemplates]:
    """This process's migrated template databases (one per engine, made on use)."""
    made = MigratedTemplates(tmp_path_factory.mktemp("templates"))
    yield made
    made.close()


@pytest.fixture
async def make_db_url(
    backend: str, tmp_path: Path
) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """A factory of fresh, empty databases on the test's backend (for tests of
    migrations and of code that migrates)."""
    created: list[str] = []

    async def make() -> str:
        if backend == "sqlite":
            return sqlite_url(tmp_path / f"db-{uuid.uuid4().hex[:8]}.sqlite")
        name = await create_pg_database()
        created.append(name)
        return pg_url(name)

    yield make
    for name in created:
        await drop_pg_database(name)


@pytest.fixture
async def make_migrated_db_url(
    backend: str, tmp_path: Path, templates: MigratedTemplates
) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """A factory of databases at the head revision, cloned from the template."""
    created: list[str] = []

    async def make() -> str:
        if backend == "sqlite":
            return templates.clone_sqlite(
                tmp_path / f"db-{uuid.uuid4().hex[:8]}.sqlite"
            )
        name = await templates.clone_postgres()
        created.append(name)
        return pg_url(name)

    yield make
    for name in created:
        await templates.release_postgres(name)


@pytest.fixture
async def make_instance(
    make_migrated_db_url: Callable[[], Awaitable[str]],
    aiohttp_server: object,
    tmp_path: Path,
) -> Callable[..., Awaitable[LiveInstance]]:
    """Start fedcity instances in-process on loopback ports; step the worker by hand.
    Each keeps its uploaded media in the test's temporary folder."""

    async def make(
        name: str = "city",
        media: MediaSettings | None = None,
        instance: dict[str, object] | None = None,
        trust: TrustSettings | None = None,
        registration: RegistrationSettings | None = None,
        mail: MailSettings | None = None,
        **federation: object,
    ) -> LiveInstance:
        """`instance` holds extra `[instance]` settings (rules, texts); `trust`
        the `[trust]` section (verified offices)."""
        root = str(tmp_path / f"media-{name}-{uuid.uuid4().hex[:6]}")
        media = replace(media or MediaSettings(), root=root)
        return await start_instance(
            aiohttp_server,
            await make_migrated_db_url(),
            name=name,
            media=media,
            instance=instance,
            trust=trust,
            registration=registration,
            mail=mail,
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


@pytest.fixture
def mailbox() -> Iterator[MailBox]:
    """A real SMTP server (aiosmtpd) on a loopback port, keeping what it receives."""
    with smtp_server() as box:
        yield box
