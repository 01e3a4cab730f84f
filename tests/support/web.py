"""Browser-like clients for page tests: signed in through a session made directly
(no sign-in form), and the CSRF token of a page's forms."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from yarl import URL

from fedcity.appkeys import DB
from fedcity.services.accounts.sessions import start_session
from fedcity.storage.queries import actors as actor_q
from fedcity.web.sessions import SESSION_COOKIE

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


async def signed_in_client(instance: Any, username: str) -> aiohttp.ClientSession:
    """A client whose cookie jar holds a session of the local account `username`.
    The caller closes it."""
    async with instance.app[DB].session() as session:
        actor = await actor_q.get_local_actor(session, username)
        assert actor is not None, f"no local account {username}"
        token = await start_session(session, actor, "test", None)
    client = aiohttp.ClientSession(
        base_url=instance.base_url, cookie_jar=aiohttp.CookieJar(unsafe=True)
    )
    client.cookie_jar.update_cookies(
        {SESSION_COOKIE: token}, response_url=URL(instance.base_url)
    )
    return client


async def csrf_of(client: aiohttp.ClientSession, url: str) -> str:
    """The CSRF token of the forms on the page at `url` (GET it first, so the
    client holds the matching cookie)."""
    async with client.get(url) as response:
        page = await response.text()
    found = CSRF_RE.search(page)
    assert found is not None, f"no csrf_token on {url}"
    return found.group(1)
