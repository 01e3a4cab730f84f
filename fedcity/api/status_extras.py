"""/api/v1/statuses/:id/history|source|bookmark|pin|mute and /api/v1/bookmarks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.auth import api_session, optional_account, require_account
from fedcity.api.entities import (
    Entity,
    serialize_one_status,
    timestamp,
)
from fedcity.api.statuses import marked_statuses
from fedcity.appkeys import FEDERATION
from fedcity.errors import NotFound
from fedcity.services import bookmarks, conversation_mutes, pins, posts
from fedcity.storage.models import Actor, Bookmark, Post
from fedcity.storage.queries import status_extras as q

Action = Callable[[AsyncSession, Actor, Post], Awaitable[None]]


async def history(request: web.Request) -> web.Response:
    """StatusEdit entities, oldest first; the current version is the last."""
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        post = await posts.get_visible_post(session, viewer, params.path_id(request))
        current = await serialize_one_status(session, post, viewer, urls)
        edits = await q.list_post_edits(session, post.id)
    # Former versions keep no media of their own: each shows the current media.
    versions = [
        _status_edit(
            current, e.content, e.spoiler_text, e.sensitive, timestamp(e.created_at)
        )
        for e in edits
    ]
    versions.append(
        _status_edit(
            current,
            current["content"],
            current["spoiler_text"],
            current["sensitive"],
            current["edited_at"] or current["created_at"],
        )
    )
    return web.json_response(versions)


def _status_edit(
    current: Entity, content: str, spoiler: str, sensitive: bool, created_at: str | None
) -> Entity:
    """A StatusEdit: one version's text, with the status's account and media."""
    return {
        "content": content,
        "spoiler_text": spoiler,
        "sensitive": sensitive,
        "created_at": created_at,
        "account": current["account"],
        "media_attachments": current["media_attachments"],
        "emojis": current["emojis"],
        "poll": None,
    }


async def source(request: web.Request) -> web.Response:
    """The author's own plain-text source (StatusSource)."""
    async with api_session(request) as session:
        me = await require_account(request, session, "read:statuses")
        post = await posts.get_visible_post(session, me, params.path_id(request))
        if post.actor_id != me.id or post.reblog_of_id is not None:
            raise NotFound("Record not found")
    return web.json_response(
        {
            "id": str(post.id),
            "text": post.source or "",
            "spoiler_text": post.spoiler_text,
        }
    )


async def _apply(
    request: web.Request, scope: str, action: Action, *, unwrap_boost: bool = False
) -> web.Response:
    """Load the visible status, apply `action` for the signed-in account, answer
    with the Status as that account now sees it."""
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, scope)
        post = await posts.get_visible_post(session, me, params.path_id(request))
        if unwrap_boost and post.reblog_of_id is not None:
            post = await posts.get_visible_post(session, me, post.reblog_of_id)
        await action(session, me, post)
        body = await serialize_one_status(session, post, me, urls)
    return web.json_response(body)


async def bookmark(request: web.Request) -> web.Response:
    return await _apply(request, "write:bookmarks", bookmarks.bookmark)


async def unbookmark(request: web.Request) -> web.Response:
    return await _apply(request, "write:bookmarks", bookmarks.unbookmark)


async def pin(request: web.Request) -> web.Response:
    return await _apply(request, "write:accounts", pins.pin)


async def unpin(request: web.Request) -> web.Response:
    return await _apply(request, "write:accounts", pins.unpin)


async def mute(request: web.Request) -> web.Response:
    return await _apply(
        request, "write:mutes", conversation_mutes.mute, unwrap_boost=True
    )


async def unmute(request: web.Request) -> web.Response:
    return await _apply(
        request, "write:mutes", conversation_mutes.unmute, unwrap_boost=True
    )


async def bookmarks_list(request: web.Request) -> web.Response:
    """The signed-in account's bookmarks, newest bookmark first (paged on its id)."""
    return await marked_statuses(request, Bookmark, "read:bookmarks")
