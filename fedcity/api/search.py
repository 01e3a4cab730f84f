"""/api/v2/search: accounts by handle or name; posts and actors by URL (resolve)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from aiohttp import web
from multidict import MultiDict
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.accounts import try_resolve
from fedcity.api.auth import api_session, optional_account
from fedcity.api.entities import serialize_account, serialize_statuses, serialize_tag
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.errors import FedcityError, Unauthorized
from fedcity.federation.resolve import resolve_url
from fedcity.federation.vocab import is_http_url
from fedcity.services.account_search import AccountQuery, search_accounts
from fedcity.services.posts import can_view
from fedcity.storage.models import Actor, Post, Tag
from fedcity.storage.queries import actors as q

log = logging.getLogger(__name__)


async def search_v2(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    query = str(p.get("q") or "").strip()
    kind = p.get("type")
    resolve = params.boolean(p, "resolve")
    limit = max(1, min(params.optional_int(p, "limit") or 20, 40))
    accounts: list[Actor] = []
    posts: list[Post] = []
    tags: list[Tag] = []
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        if resolve and viewer is None:
            raise Unauthorized(
                "Search queries that resolve remote resources require a token"
            )
        if query and is_http_url(query):
            found = await _by_url(request, session, query, resolve)
            if isinstance(found, Actor):
                accounts.append(found)
            elif isinstance(found, Post) and await can_view(session, viewer, found):
                posts.append(found)
        elif query:
            if kind in (None, "accounts"):
                accounts = await _accounts(request, session, viewer, p, limit)
            if kind in (None, "hashtags"):
                tags = await _tags(session, query, limit)
        body = {
            "accounts": [serialize_account(a, urls) for a in accounts],
            "statuses": await serialize_statuses(session, posts, viewer, urls),
            "hashtags": [serialize_tag(t.id, t.name, urls) for t in tags],
        }
    return web.json_response(body)


async def _by_url(
    request: web.Request, session: AsyncSession, url: str, resolve: bool
) -> Actor | Post | None:
    found: Actor | Post | None = await q.get_actor_by_uri(session, url)
    if found is None:
        found = await session.scalar(
            select(Post).where(or_(Post.uri == url, Post.url == url))
        )
    if found is None and resolve:
        try:
            found = await resolve_url(request.app[FEDERATION], session, url)
        except FedcityError as exc:
            log.info("resolving %s failed: %s", url, exc)
    return found


async def _accounts(
    request: web.Request,
    session: AsyncSession,
    viewer: Actor | None,
    p: MultiDict[Any],
    limit: int,
) -> list[Actor]:
    """The account search of /api/v1/accounts/search, with v2's parameters."""
    query = AccountQuery(
        text=str(p.get("q") or ""),
        limit=limit,
        offset=max(0, params.optional_int(p, "offset") or 0),
        resolve=params.boolean(p, "resolve"),
        following=params.boolean(p, "following"),
    )
    return await search_accounts(
        session,
        viewer,
        query,
        own_domain=request.app[SETTINGS].instance.domain,
        resolver=partial(try_resolve, request, session),
    )


async def _tags(session: AsyncSession, query: str, limit: int) -> list[Tag]:
    term = query.lstrip("#").lower()
    if not term:
        return []
    rows = await session.scalars(
        select(Tag).where(Tag.name.like(f"{term}%")).order_by(Tag.name).limit(limit)
    )
    return list(rows)
