"""/api/v1/statuses/:id/history|source|bookmark|pin|mute and /api/v1/bookmarks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api import params
from fedcity.api.auth import (
    api_session,
    optional_account,
    require_account,
    require_token,
)
from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.entities.statuses import (
    serialize_emojis,
    serialize_media,
    serialize_one_status,
    serialize_remote_attachment,
)
from fedcity.api.statuses.statuses import marked_statuses
from fedcity.appkeys import FEDERATION
from fedcity.services.social import bookmarks, conversation_mutes, pins
from fedcity.services.statuses.visibility import get_visible_post
from fedcity.storage.models import Actor, Bookmark, MediaAttachment, Post, PostEdit
from fedcity.storage.queries import media as media_q
from fedcity.storage.queries import posts as q
from fedcity.urls import Urls

Action = Callable[[AsyncSession, Actor, Post], Awaitable[None]]


async def history(request: web.Request) -> web.Response:
    """StatusEdit entities, oldest first; the current version is the last."""
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        post = await get_visible_post(session, viewer, params.path_id(request))
        current = await serialize_one_status(session, post, viewer, urls)
        edits = await q.list_post_edits(session, post.id)
        media = await media_q.list_media_by_ids(
            session,
            [m["id"] for e in edits if e.snapshot for m in e.snapshot["media"]],
        )
    versions = [_former_version(current, post, e, media, urls) for e in edits]
    poll = current["poll"]
    versions.append(
        {
            **_version(current, current["edited_at"] or current["created_at"]),
            "poll": _poll_options(o["title"] for o in poll["options"])
            if poll
            else None,
        }
    )
    return web.json_response(versions)


def _version(status: Entity, created_at: str | None) -> Entity:
    """A StatusEdit with the text, media and emoji of `status`."""
    return {
        "content": status["content"],
        "spoiler_text": status["spoiler_text"],
        "sensitive": status["sensitive"],
        "created_at": created_at,
        "account": status["account"],
        "media_attachments": status["media_attachments"],
        "emojis": status["emojis"],
        "poll": None,
    }


def _former_version(
    current: Entity,
    post: Post,
    edit: PostEdit,
    media: dict[int, MediaAttachment],
    urls: Urls,
) -> Entity:
    """A kept version: its own text, and its own media, poll options and emoji
    from its snapshot (a version kept before snapshots shows the current ones)."""
    version = {
        **_version(current, timestamp(edit.created_at)),
        "content": edit.content,
        "spoiler_text": edit.spoiler_text,
        "sensitive": edit.sensitive,
    }
    if edit.snapshot is None:
        return version
    shown = edit.snapshot
    attachments = []
    for item in shown["media"]:
        if (row := media.get(item["id"])) is not None:
            attachments.append(
                {**serialize_media(row, urls), "description": item["description"]}
            )
    attachments += [
        serialize_remote_attachment(post, i, a, urls)
        for i, a in enumerate(shown["attachments"])
    ]
    options = shown["poll_options"]
    return {
        **version,
        "media_attachments": attachments,
        "emojis": serialize_emojis(shown["emojis"], urls),
        "poll": _poll_options(options) if options else None,
    }


def _poll_options(titles: Iterable[str]) -> Entity:
    return {"options": [{"title": title} for title in titles]}


async def source(request: web.Request) -> web.Response:
    """The status's plain text (StatusSource), for whoever may see the status, as
    Mastodon serves it; a remote status's text is its HTML, as in Mastodon."""
    async with api_session(request) as session:
        auth = await require_token(request, session, "read:statuses")
        post = await get_visible_post(session, auth.account, params.path_id(request))
    return web.json_response(
        {
            "id": str(post.id),
            "text": (post.source if post.local else post.content) or "",
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
        post = await get_visible_post(session, me, params.path_id(request))
        if unwrap_boost and post.reblog_of_id is not None:
            post = await get_visible_post(session, me, post.reblog_of_id)
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
