"""An HTTP client bound to the live `instance` (real sockets, no test client)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.support.http import Http


@pytest.fixture
async def http(instance) -> AsyncIterator[Http]:
    async with aiohttp.ClientSession() as session:
        yield Http(session, instance.base_url)
