"""Mastodon's admin API for instance-wide domain policy (issue 12):
`/api/v1/admin/domain_blocks` and `/api/v1/admin/domain_allows`. Admins and the
owner only, with `admin:read:domain_blocks` / `admin:write:domain_blocks` (and
the `domain_allows` pair), as Mastodon; the same service calls as `fedcity
domain`. A change applies in this process at once and in the others within
`[federation] policy_refresh_seconds`. The service records each change in the
admin action log, as done by the signed-in admin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from aiohttp import web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, require_admin
from fedcity.api.entities.domains import (
    serialize_admin_domain_allow,
    serialize_admin_domain_block,
)
from fedcity.api.entities.formats import Entity
from fedcity.api.pagination import paged_response
from fedcity.appkeys import DB, FEDERATION
from fedcity.domains import authority_of
from fedcity.errors import Unprocessable
from fedcity.services.instance import domain_policies as policies
from fedcity.storage.queries.posts import Page

DEFAULT_LIMIT = 100
MAX_LIMIT = 200

Row = TypeVar("Row", bound=Any)


def _own(request: web.Request) -> str:
    return authority_of(request.app[FEDERATION].urls.base)


async def _applied(request: web.Request) -> None:
    """After the commit: this process's snapshot now, not at the next poll."""
    await request.app[FEDERATION].policy.refresh(request.app[DB])


def _paged(rows: Sequence[Row], page: Page) -> list[Row]:
    """Newest first, max_id / since_id / min_id over ids."""
    found = sorted(rows, key=lambda r: r.id, reverse=True)
    if page.max_id is not None:
        found = [r for r in found if r.id < page.max_id]
    if page.since_id is not None:
        found = [r for r in found if r.id > page.since_id]
    if page.min_id is not None:
        return [r for r in found if r.id > page.min_id][-page.limit :]
    return found[: page.limit]


async def _index(
    request: web.Request,
    scope: str,
    rows: Callable[[Any], Any],
    serialize: Callable[[Any], Entity],
) -> web.Response:
    p = await params.read_params(request)
    page = params.page(p, DEFAULT_LIMIT, MAX_LIMIT)
    async with api_session(request) as session:
        await require_admin(request, session, scope)
        shown = _paged(await rows(session), page)
    return paged_response(request, [serialize(r) for r in shown], [r.id for r in shown])


def _block_changes(p: MultiDict[Any]) -> policies.BlockChanges:
    def text(key: str) -> str | None:
        value = p.get(key)
        return None if value is None else str(value)

    return policies.BlockChanges(
        severity=text("severity") or None,
        reject_media=params.optional_bool(p, "reject_media"),
        reject_reports=params.optional_bool(p, "reject_reports"),
        private_comment=text("private_comment"),
        public_comment=text("public_comment"),
        obfuscate=params.optional_bool(p, "obfuscate"),
    )


def _domain(p: MultiDict[Any]) -> str:
    value = str(p.get("domain") or "").strip()
    if not value:
        raise Unprocessable("Validation failed: domain can't be blank")
    return value


# --- domain blocks ----------------------------------------------------------------


async def blocks_index(request: web.Request) -> web.Response:
    return await _index(
        request,
        "admin:read:domain_blocks",
        policies.list_blocks,
        serialize_admin_domain_block,
    )


async def blocks_show(request: web.Request) -> web.Response:
    block_id = params.path_id(request)
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read:domain_blocks")
        row = await policies.get_block(session, block_id)
    return web.json_response(serialize_admin_domain_block(row))


async def blocks_create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write:domain_blocks")
        row = await policies.block_domain(
            session,
            _domain(p),
            _block_changes(p),
            own=_own(request),
            by=me,
            replace=False,
        )
    await _applied(request)
    return web.json_response(serialize_admin_domain_block(row))


async def blocks_update(request: web.Request) -> web.Response:
    block_id = params.path_id(request)
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write:domain_blocks")
        row = await policies.update_block(session, block_id, _block_changes(p), by=me)
    await _applied(request)
    return web.json_response(serialize_admin_domain_block(row))


async def blocks_delete(request: web.Request) -> web.Response:
    block_id = params.path_id(request)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write:domain_blocks")
        row = await policies.unblock_domain(session, by=me, block_id=block_id)
    await _applied(request)
    return web.json_response(serialize_admin_domain_block(row))


# --- domain allows ----------------------------------------------------------------


async def allows_index(request: web.Request) -> web.Response:
    return await _index(
        request,
        "admin:read:domain_allows",
        policies.list_allows,
        serialize_admin_domain_allow,
    )


async def allows_show(request: web.Request) -> web.Response:
    allow_id = params.path_id(request)
    async with api_session(request) as session:
        await require_admin(request, session, "admin:read:domain_allows")
        row = await policies.get_allow(session, allow_id)
    return web.json_response(serialize_admin_domain_allow(row))


async def allows_create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write:domain_allows")
        row = await policies.allow_domain(session, _domain(p), own=_own(request), by=me)
    await _applied(request)
    return web.json_response(serialize_admin_domain_allow(row))


async def allows_delete(request: web.Request) -> web.Response:
    allow_id = params.path_id(request)
    async with api_session(request) as session:
        me = await require_admin(request, session, "admin:write:domain_allows")
        row = await policies.disallow_domain(session, by=me, allow_id=allow_id)
    await _applied(request)
    return web.json_response(serialize_admin_domain_allow(row))
