"""Two (or three) fedcity instances started with the CLI, each with its own database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from mastodon import Mastodon

from tests.conftest import (
    _create_pg_database,
    _drop_pg_database,
    _pg_url,
    postgres_skip_reason,
)
from tests.support.processes import CliInstance


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def e2e_backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and (reason := postgres_skip_reason()):
        pytest.skip(reason)
    return str(request.param)


@pytest.fixture
def cli_instances(tmp_path: Path, e2e_backend: str) -> Iterator[list[CliInstance]]:
    started: list[CliInstance] = []
    databases: list[str] = []

    def db_url(name: str) -> str:
        if e2e_backend == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path / name / 'fedcity.db'}"
        database = asyncio.run(_create_pg_database())
        databases.append(database)
        return _pg_url(database)

    for name in ("ojai", "ventura"):
        instance = CliInstance(tmp_path, name, db_url(name))
        instance.cli("migrate")
        instance.start()
        started.append(instance)
    yield started
    for instance in started:
        instance.stop()
    for database in databases:
        asyncio.run(_drop_pg_database(database))


def client(instance: CliInstance, token: str) -> Mastodon:
    return Mastodon(
        access_token=token, api_base_url=instance.base_url, request_timeout=30
    )
