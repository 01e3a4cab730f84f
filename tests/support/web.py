"""Browser-like clients for the web pages: signed in by a session made directly in
the database (as the sign-in page would), and the CSRF token of a page's forms."""

from __future__ import annotations

import re

import aiohttp
from yarl import URL

from fedcity.appkeys import DB
from fedcity.services.accounts.sessions import start_session
from fedcity.storage.queries import actors as actor_q
from fedcity.web.sessions import SESSION_COOKIE
from tests.support.instances import LiveInstance

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def browser(instance: LiveInstance) -> aiohttp.ClientSession:
    """A client with its own cookie jar (loopback cookies kept), nobody signed in.
    Requests take paths relative to the instance."""
    return aiohttp.ClientSession(
        base_url=instance.base_url, cookie_jar=aiohttp.CookieJar(unsafe=True)
    )


async def signed_in_client(
    instance: LiveInstance, username: str
) -> aiohttp.ClientSession:
    """A client signed in as the local account `username` (made if missing).
    Close it when done (`async with`)."""
    async with instance.app[DB].session() as session:
        actor = await actor_q.get_local_actor(session, username)
    if actor is None:
        actor = await instance.create_account(username)
    async with instance.app[DB].session() as session:
        token = await start_session(session, actor, "test", None)
    client = browser(instance)
    client.cookie_jar.update_cookies({SESSION_COOKIE: token}, URL(instance.base_url))
    return client


async def csrf_of(client: aiohttp.ClientSession, url: str) -> str:
    """GET `url` (which sets the CSRF cookie) and return its forms' csrf_token."""
    async with client.get(url) as response:
        found = CSRF_RE.search(await response.text())
    assert found, f"no csrf_token on {url}"
    return found.group(1)
