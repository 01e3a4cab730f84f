"""Helpers for tests of the public pages: a browser-like client of one instance,
the meta and links a page carries, and a remote post delivered to the instance."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from tests.support.http import Http
from tests.support.remote import RemoteActor, RemoteServer

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
HTML = "text/html,application/xhtml+xml"


@asynccontextmanager
async def browser(instance: Any) -> AsyncIterator[Http]:
    """An HTTP client of `instance` that keeps its cookies, as a browser does."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        yield Http(session, instance.base_url)


def meta(html: str, key: str) -> str | None:
    """The content of `<meta property|name="key">`, unescaped of &amp; only."""
    found = re.search(
        rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html
    )
    return found.group(1).replace("&amp;", "&") if found else None


def h1(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert found is not None, "the page has no h1"
    return found.group(1).strip()


def alternates(html: str) -> dict[str, str]:
    """type → href of the page's `<link rel="alternate">`s."""
    return {
        kind: href.replace("&amp;", "&")
        for kind, href in re.findall(
            r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', html
        )
    }


async def deliver_remote_note(
    instance: Any,
    remote: RemoteServer,
    content: str,
    *,
    name: str = "reporter",
    number: int = 1,
    actor: RemoteActor | None = None,
    **note_fields: Any,
) -> RemoteActor:
    """`name` on `remote` sends the instance a public Note with `content` (and
    `note_fields`, such as an `attachment`)."""
    actor = actor or remote.actors.get(name) or remote.add_actor(name)
    note = {
        "id": f"{actor.uri}/statuses/{number}",
        "type": "Note",
        "attributedTo": actor.uri,
        "content": content,
        "url": f"{remote.base_url}/@{actor.name}/{number}",
        "to": [PUBLIC],
        "cc": [f"{actor.uri}/followers"],
        "published": "2026-12-01T10:00:00Z",
        **note_fields,
    }
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": actor.uri,
        "object": note,
        "to": note["to"],
    }
    status, _ = await remote.send(f"{instance.base_url}/inbox", create)
    assert status == 202
    await instance.run_jobs()
    return actor
