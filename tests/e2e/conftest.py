"""fedcity instances started with the CLI, each with its own database: two (or three)
per test for federation, or one per module for the client-compatibility tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from mastodon import Mastodon

from tests.conftest import postgres_skip_reason
from tests.support.databases import (
    MigratedTemplates,
    create_pg_database,
    drop_pg_database,
    pg_url,
    sqlite_url,
)
from tests.support.processes import CliInstance

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _checked_backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and (reason := postgres_skip_reason()):
        pytest.skip(reason)
    return str(request.param)


@pytest.fixture(params=BACKENDS)
def e2e_backend(request: pytest.FixtureRequest) -> str:
    return _checked_backend(request)


@pytest.fixture(scope="module", params=BACKENDS)
def e2e_module_backend(request: pytest.FixtureRequest) -> str:
    return _checked_backend(request)


class _Servers:
    """Starts instances under `root` on `backend` and tears them all down.

    With `templates`, each database is a copy of the migrated template; without,
    it starts empty and `fedcity migrate` builds it, as an operator's would (the
    client tests' servers go that way, so the CLI's upgrade path runs on both
    engines in every run)."""

    def __init__(
        self, root: Path, backend: str, templates: MigratedTemplates | None = None
    ) -> None:
        self.root, self.backend, self.templates = root, backend, templates
        self.started: list[CliInstance] = []
        self.databases: list[str] = []

    def start(self, name: str, extra_config: str = "") -> CliInstance:
        instance = CliInstance(self.root, name, self._db_url(name), extra_config)
        if self.templates is None:
            instance.cli("migrate")
        self.started.append(instance)
        instance.start()
        return instance

    def _db_url(self, name: str) -> str:
        if self.backend == "sqlite":
            path = self.root / name / "fedcity.db"
            path.parent.mkdir(parents=True, exist_ok=True)
            if self.templates is not None:
                return self.templates.clone_sqlite(path)
            return sqlite_url(path)
        if self.templates is not None:
            database = asyncio.run(self.templates.clone_postgres())
        else:
            database = asyncio.run(create_pg_database())
        self.databases.append(database)
        return pg_url(database)

    def stop(self) -> None:
        for instance in self.started:
            instance.stop()
        for database in self.databases:
            asyncio.run(drop_pg_database(database))


@pytest.fixture
def cli_instances(
    tmp_path: Path, e2e_backend: str, templates: MigratedTemplates
) -> Iterator[list[CliInstance]]:
    servers = _Servers(tmp_path, e2e_backend, templates)
    try:
        yield [servers.start(name) for name in ("ojai", "ventura")]
    finally:
        servers.stop()


@pytest.fixture(scope="module")
def cli_instance(
    tmp_path_factory: pytest.TempPathFactory, e2e_module_backend: str
) -> Iterator[CliInstance]:
    """One `fedcity serve` shared by a module's tests (each uses its own accounts):
    client tests are slow, so the server starts once per module and backend."""
    servers = _Servers(tmp_path_factory.mktemp("server"), e2e_module_backend)
    try:
        yield servers.start("city")
    finally:
        servers.stop()


def client(instance: CliInstance, token: str) -> Mastodon:
    return Mastodon(
        access_token=token, api_base_url=instance.base_url, request_timeout=30
    )
