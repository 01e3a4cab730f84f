"""An HTTP client bound to the live `instance` (real sockets, no test client), and
the bookkeeping that lets the contract coverage test run last."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.support.contract import note_collection
from tests.support.http import Http


@pytest.fixture
async def http(instance) -> AsyncIterator[Http]:
    async with aiohttp.ClientSession() as session:
        yield Http(session, instance.base_url)


@pytest.hookimpl(tryfirst=True)  # before -k, -m and --deselect drop any item
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    note_collection(config, items)
