"""/api/v2/search: accounts by handle or name, statuses by full text (signed in),
hashtags by prefix; posts and actors by URL (fetched with `resolve`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from aiohttp import web
from multidict import MultiDict
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.accounts.accounts import try_resolve
from fedcity.api.auth import api_session, authenticate
from fedcity.api.entities.formats import Entity
from fedcity.api.entities.statuses import serialize_account, serialize_statuses
from fedcity.api.entities.tags import serialize_tags
from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.errors import BadRequest, FedcityError, Forbidden, Unauthorized
from fedcity.federation.resolve import resolve_url
from fedcity.federation.vocab import is_http_url
from fedcity.services.accounts.scopes import has_scope
from fedcity.services.accounts.search import AccountQuery, search_accounts
from fedcity.services.discovery import search, tags
from fedcity.services.statuses.visibility import can_view
from fedcity.storage.models import Actor, Post, Tag
from fedcity.storage.queries import actors as q
from fedcity.storage.queries import search as search_q
from fedcity.text import normalize_hashtag

log = logging.getLogger(__name__)

TYPES = ("accounts", "statuses", "hashtags")


@dataclass(frozen=True)
class _Request:
    """The search parameters, checked."""

    query: str
    kind: str | None
    resolve: bool
    limit: int
    offset: int
    following: bool
    exclude_unreviewed: bool
    p: MultiDict[Any]

    def wants(self, kind: str) -> bool:
        return self.kind is None or self.kind == kind


def _read(p: MultiDict[Any], viewer: Actor | None) -> _Request:
    """Mastodon's rules: `q` is required; `offset` counts only with `type`; without
    a token, neither `offset` nor `resolve` may be used."""
    query = str(p.get("q") or "").strip()
    if not query:
        raise BadRequest("param is missing or the value is empty: q")
    resolve = params.boolean(p, "resolve")
    if viewer is None and p.get("offset") not in (None, ""):
        raise Unauthorized(
            "Search queries pagination is not supported without authentication"
        )
    if viewer is None and resolve:
        raise Unauthorized(
            "Search queries that resolve remote resources are not supported "
            "without authentication"
        )
    kind = str(p["type"]) if p.get("type") else None
    return _Request(
        query=query,
        kind=kind,
        resolve=resolve,
        limit=max(1, min(params.optional_int(p, "limit") or 20, params.MAX_LIMIT)),
        offset=params.offset(p) if kind else 0,
        following=params.boolean(p, "following"),
        exclude_unreviewed=params.boolean(p, "exclude_unreviewed"),
        p=p,
    )


async def search_v2(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        auth = await authenticate(request, session)
        if auth is not None and not has_scope(auth.scopes, "read:search"):
            raise Forbidden("This action is outside the authorized scopes")
        viewer = auth.account if auth else None
        req = _read(p, viewer)
        if is_http_url(req.query):
            body = await _url_results(request, session, req, viewer)
        else:
            body = await _results(request, session, req, viewer)
    return web.json_response(body)


async def _results(
    request: web.Request, session: AsyncSession, req: _Request, viewer: Actor | None
) -> dict[str, list[Entity]]:
    urls = request.app[FEDERATION].urls
    accounts: list[Actor] = []
    if req.wants("accounts"):
        accounts = await _accounts(request, session, req, viewer)
    posts: list[Post] = []
    if viewer is not None and req.wants("statuses"):
        posts = await search.search_statuses(
            session,
            viewer,
            search.StatusSearch(
                query=req.query,
                limit=req.limit,
                offset=req.offset,
                account_id=params.optional_int(req.p, "account_id"),
                min_id=params.optional_int(req.p, "min_id"),
                max_id=params.optional_int(req.p, "max_id"),
            ),
            request.app[SETTINGS].instance.domain,
        )
    found_tags = await _tags(session, req) if req.wants("hashtags") else []
    followed = (
        await tags.followed_tag_ids(session, viewer, [t.id for t in found_tags])
        if viewer is not None
        else None
    )
    return {
        "accounts": [serialize_account(a, urls) for a in accounts],
        "statuses": await serialize_statuses(session, posts, viewer, urls),
        "hashtags": await serialize_tags(
            session,
            found_tags,
            urls,
            following={i: True for i in followed} if followed is not None else None,
        ),
    }


# --- by URL -------------------------------------------------------------------


async def _url_results(
    request: web.Request, session: AsyncSession, req: _Request, viewer: Actor | None
) -> dict[str, list[Entity]]:
    """The account or status at a URL: known here, or fetched with `resolve`. Not
    shown past the first page, nor when `type` asks for the other kind."""
    urls = request.app[FEDERATION].urls
    body: dict[str, list[Entity]] = {"accounts": [], "statuses": [], "hashtags": []}
    if req.offset:
        return body
    found = await _by_url(request, session, req.query, req.resolve)
    if isinstance(found, Actor) and req.wants("accounts"):
        body["accounts"] = [serialize_account(found, urls)]
    elif (
        isinstance(found, Post)
        and req.wants("statuses")
        and await can_view(session, viewer, found)
    ):
        body["statuses"] = await serialize_statuses(session, [found], viewer, urls)
    return body


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


# --- accounts and hashtags ------------------------------------------------------


async def _accounts(
    request: web.Request, session: AsyncSession, req: _Request, viewer: Actor | None
) -> list[Actor]:
    """The account search of /api/v1/accounts/search, with v2's parameters."""
    query = AccountQuery(
        text=req.query,
        limit=req.limit,
        offset=req.offset,
        resolve=req.resolve,
        following=req.following,
    )
    return await search_accounts(
        session,
        viewer,
        query,
        own_domain=request.app[SETTINGS].instance.domain,
        resolver=partial(try_resolve, request, session),
    )


async def _tags(session: AsyncSession, req: _Request) -> list[Tag]:
    """Hashtags by prefix; with `exclude_unreviewed`, only the exact name (fedcity
    reviews no hashtags, and Mastodon keeps unreviewed ones but an exact match)."""
    if "@" in req.query:
        return []
    term = normalize_hashtag(req.query.lstrip("#"))
    if not term or any(c.isspace() for c in term):
        return []
    return await search_q.list_tags_by_prefix(
        session,
        term,
        limit=req.limit,
        offset=req.offset,
        exact_only=req.exclude_unreviewed,
    )
