"""Fixtures of the service tests: a migrated database and no app. Each test runs
inside one transaction that is rolled back at its end, on a database this test
process shares among them (`tests.support.databases.rolled_back`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from fedcity.storage.db import Database
from tests.support.databases import MigratedTemplates, rolled_back


@pytest.fixture
async def db(backend: str, templates: MigratedTemplates) -> AsyncIterator[Database]:
    async with rolled_back(templates.shared_url(backend)) as database:
        yield database
