"""/settings/export: the account's posts and follows to download, as JSON and
as CSV (following.csv in Mastodon's format, which its import reads back).

Files are streamed as the rows are read, a page at a time
(services/accounts/exports.py), so a large account is never held in memory.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from fedcity.appkeys import DB, SETTINGS
from fedcity.services.accounts import exports
from fedcity.services.accounts.sessions import SignedIn
from fedcity.storage.models import Actor
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.templating import render

PAGE = "/settings/export"
CSV = "text/csv"
JSON = "application/json"


async def export_page(request: web.Request) -> web.StreamResponse:
    signed_in_or_redirect(request)
    return await render(request, "accounts/export.html")


async def _stream(
    request: web.Request,
    signed: SignedIn,
    filename: str,
    content_type: str,
    chunks: Callable[[Any, Actor, str], AsyncIterator[str]],
) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={
            "Content-Type": f"{content_type}; charset=utf-8",
            "Content-Disposition": (
                f'attachment; filename="{signed.actor.username}-{filename}"'
            ),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        }
    )
    await response.prepare(request)
    domain = request.app[SETTINGS].instance.domain
    async with request.app[DB].session() as session:
        async for chunk in chunks(session, signed.actor, domain):
            await response.write(chunk.encode())
    await response.write_eof()
    return response


async def _json_list(items: AsyncIterator[Any]) -> AsyncIterator[str]:
    yield "["
    first = True
    async for item in items:
        yield ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]\n"


async def _posts_json(session: Any, actor: Actor, domain: str) -> AsyncIterator[str]:
    async def entries() -> AsyncIterator[dict[str, Any]]:
        async for post, boosted in exports.posts(session, actor):
            yield exports.post_json(post, boosted)

    async for chunk in _json_list(entries()):
        yield chunk


async def _posts_csv(session: Any, actor: Actor, domain: str) -> AsyncIterator[str]:
    yield exports.csv_line(exports.POSTS_HEADER)
    async for post, boosted in exports.posts(session, actor):
        yield exports.csv_line(exports.post_row(post, boosted))


async def _following_json(
    session: Any, actor: Actor, domain: str
) -> AsyncIterator[str]:
    async for chunk in _json_list(exports.following(session, actor, domain)):
        yield chunk


async def _following_csv(session: Any, actor: Actor, domain: str) -> AsyncIterator[str]:
    yield exports.csv_line(exports.FOLLOWING_HEADER)
    async for entry in exports.following(session, actor, domain):
        yield exports.csv_line(exports.following_row(entry))


async def _followers_csv(session: Any, actor: Actor, domain: str) -> AsyncIterator[str]:
    yield exports.csv_line(exports.FOLLOWERS_HEADER)
    async for entry in exports.followers(session, actor, domain):
        yield exports.csv_line([entry["address"]])


FILES = {
    "posts.json": (JSON, _posts_json),
    "posts.csv": (CSV, _posts_csv),
    "following.json": (JSON, _following_json),
    "following.csv": (CSV, _following_csv),
    "followers.csv": (CSV, _followers_csv),
}


async def export_file(request: web.Request) -> web.StreamResponse:
    signed = signed_in_or_redirect(request)
    name = request.match_info["name"]
    if name not in FILES:
        raise web.HTTPNotFound()
    content_type, chunks = FILES[name]
    return await _stream(request, signed, name, content_type, chunks)


def add_routes(app: web.Application) -> None:
    app.router.add_get(PAGE, export_page)
    app.router.add_get(PAGE + "/{name}", export_file)
