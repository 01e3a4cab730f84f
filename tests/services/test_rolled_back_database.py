"""The service tests' database: each test sees the migrated schema and nothing that
another test wrote, although they share one database (tests/services/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fedcity.storage.models import Actor
from fedcity.urls import Urls
from tests.support.accounts import local_account

URLS = Urls("http://city.example")


@pytest.mark.parametrize("turn", ["first", "second"])
async def test_what_a_test_commits_is_gone_for_the_next(db, turn):
    # Given a test that commits an account, as services do, in either order
    async with db.session() as session:
        before = await session.scalar(select(func.count()).select_from(Actor))
    await local_account(db, URLS, "clerk_of_the_works")
    # Then it started from an empty table, and sees its own commit
    async with db.session() as session:
        after = await session.scalar(select(func.count()).select_from(Actor))
    assert (before, after) == (0, 1)
