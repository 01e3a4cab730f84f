from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from tests.web.accounts.browser import WebBrowser


@pytest.fixture
async def browser(instance) -> AsyncIterator[WebBrowser]:
    client = WebBrowser(instance.base_url)
    yield client
    await client.close()


@pytest.fixture
async def new_browser(instance) -> AsyncIterator[Callable[[], WebBrowser]]:
    made: list[WebBrowser] = []

    def make() -> WebBrowser:
        made.append(WebBrowser(instance.base_url))
        return made[-1]

    yield make
    for client in made:
        await client.close()
