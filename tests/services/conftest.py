"""Fixtures of the service tests: a migrated database of their own, no app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from fedcity.storage.db import Database


@pytest.fixture
async def db(
    make_migrated_db_url: Callable[[], Awaitable[str]],
) -> AsyncIterator[Database]:
    database = Database(await make_migrated_db_url())
    yield database
    await database.dispose()
