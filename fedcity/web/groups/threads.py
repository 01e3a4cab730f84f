"""A group thread's `context` collection (FEP-7888), and the group's answer to
`GET {followers}?is_follower={actor}` (Lemmy's check of a private community).

A `members` group serves both only to signed fetches from servers where it has an
approved member."""

from __future__ import annotations

import hashlib

from aiohttp import web

from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import NotFound, Unauthorized
from fedcity.federation.render.collections import (
    render_collection,
    render_collection_page,
)
from fedcity.ids import parse_id, require_id
from fedcity.services.groups import access, groups
from fedcity.storage.models import GroupThread
from fedcity.storage.queries import groups as q
from fedcity.web.negotiation import activity_response
from fedcity.web.signed_fetch import signed_viewer

PAGE_SIZE = 20


async def context_get(request: web.Request) -> web.StreamResponse:
    """The thread's posts, root first, paged; an ETag lets a member's server
    re-read it cheaply."""
    name = request.match_info["username"]
    thread_id = require_id(request.match_info["thread_id"])
    viewer = await signed_viewer(request)
    async with request.app[DB].session() as session:
        group, actor = await groups.get_group(session, name)
        thread = await session.get(GroupThread, thread_id)
        if thread is None or thread.group_actor_id != actor.id:
            raise NotFound()
        if not await access.may_read(session, group, actor, viewer):
            raise NotFound()  # as if there were none: a members group's privacy
        page = _page(request)
        total = await q.count_thread_posts(session, thread)
        etag = _etag(thread, total, page)
        if request.headers.get("If-None-Match") == etag:  # no page to read
            return web.Response(status=304, headers={"ETag": etag})
        items = (
            await q.list_thread_post_uris(
                session, thread, (page - 1) * PAGE_SIZE, PAGE_SIZE
            )
            if page
            else []
        )
    base = request.app[FEDERATION].urls.thread_context(name, thread_id)
    if not page:
        doc = render_collection(base, total, f"{base}?page=1")
    else:
        after = f"{base}?page={page + 1}" if page * PAGE_SIZE < total else None
        before = f"{base}?page={page - 1}" if page > 1 else None
        doc = render_collection_page(f"{base}?page={page}", base, items, after, before)
        doc["totalItems"] = total
    doc["attributedTo"] = actor.uri
    response = activity_response(doc)
    response.headers["ETag"] = etag
    return response


def _page(request: web.Request) -> int:
    """`?page=N`; 0 for the collection itself."""
    raw = request.query.get("page")
    return 0 if raw is None else max(1, parse_id(raw) or 1)


def _etag(thread: GroupThread, total: int, page: int) -> str:
    stamp = f"{thread.id}:{total}:{thread.last_activity_at.isoformat()}:{page}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


async def is_follower_get(request: web.Request) -> web.Response:
    """200 when the actor named is an approved member, else 404; only for a
    signed fetch (membership is not public)."""
    viewer = await signed_viewer(request)
    if viewer is None:
        raise Unauthorized("A signed request is required")
    async with request.app[DB].session() as session:
        group, actor = await groups.get_group(session, request.match_info["username"])
        if not await access.may_read(session, group, actor, viewer):
            raise NotFound()
        member = await access.is_member(session, actor, request.query["is_follower"])
    if not member:
        raise NotFound("Not a member")
    return activity_response({"is_follower": True})
