"""/api/v1/statuses/…: post, read, edit, delete, thread, favourite, boost."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from multidict import MultiDict
from sqlalchemy import select
from sqlalchemy.orm import aliased

from fedcity.api import params
from fedcity.api.accounts.accounts import account_page
from fedcity.api.auth import AUTH, api_session, optional_account, require_account
from fedcity.api.entities.statuses import serialize_one_status, serialize_statuses
from fedcity.api.feeds.filters import filtered_statuses
from fedcity.api.pagination import paged_response
from fedcity.api.statuses import polls as poll_params
from fedcity.api.statuses import scheduled
from fedcity.api.statuses.media import storage_of
from fedcity.appkeys import FEDERATION
from fedcity.errors import Unprocessable
from fedcity.federation.actors import mention_resolver
from fedcity.ids import parse_id
from fedcity.services.feeds import timelines
from fedcity.services.statuses import media, posts, publishing
from fedcity.services.statuses.actions import Action, act, acted_on
from fedcity.services.statuses.visibility import can_view, get_visible_post
from fedcity.storage.models import (
    Actor,
    Bookmark,
    Favourite,
    Post,
    ScheduledStatus,
    Visibility,
)
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries.lists import paged_rows


def _command(request: web.Request, p: MultiDict[Any]) -> publishing.PublishStatus:
    """The status the client sent; what it leaves out is left to the use-case
    (the author's posting defaults, or for an edit the post itself)."""
    auth = request.get(AUTH)
    return publishing.PublishStatus(
        text=str(p.get("status") or ""),
        visibility=params.visibility(p) if p.get("visibility") else None,
        in_reply_to_id=params.reference_id(p, "in_reply_to_id"),
        spoiler_text=str(p.get("spoiler_text") or ""),
        sensitive=params.optional_bool(p, "sensitive"),
        language=str(p["language"]) if p.get("language") else None,
        media_ids=_media_ids(p),
        poll=poll_params.new_poll(p),
        idempotency_key=request.headers.get("Idempotency-Key"),
        application_id=auth.token.app_id if auth else None,
    )


def _media_ids(p: MultiDict[Any]) -> tuple[int, ...] | None:
    """`media_ids[]` (form) or `media_ids` (JSON array); None when not sent."""
    if "media_ids[]" not in p and "media_ids" not in p:
        return None
    return tuple(params.id_list(p, "media_ids"))


async def create(request: web.Request) -> web.Response:
    p = await params.read_params(request)
    fed = request.app[FEDERATION]
    async with api_session(request) as session:
        me = await require_account(request, session, "write:statuses")
        cmd = replace(_command(request, p), scheduled_at=scheduled.scheduled_at(p))
        done = await publishing.publish_status(
            session, fed.urls, me, cmd, resolve=mention_resolver(fed)
        )
        if isinstance(done, ScheduledStatus):
            body = await scheduled.serialize_scheduled(session, done, fed.urls)
        else:
            body = await serialize_one_status(session, done, me, fed.urls)
    return web.json_response(body)


MAX_IDS = 20  # Mastodon's DEFAULT_STATUSES_LIMIT bounds GET /api/v1/statuses


async def index(request: web.Request) -> web.Response:
    """GET /api/v1/statuses?id[]=…: those the viewer may see, in the order asked,
    serialised as one batch."""
    p = await params.read_params(request)
    ids = params.lookup_ids(p, "id", MAX_IDS)
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        found = await post_q.list_posts_by_ids(session, ids)
        visible = [
            found[i]
            for i in ids
            if i in found and await can_view(session, viewer, found[i])
        ]
        body = await serialize_statuses(
            session, visible, viewer, request.app[FEDERATION].urls
        )
    return web.json_response(body)


async def show(request: web.Request) -> web.Response:
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        post = await get_visible_post(session, viewer, params.path_id(request))
        body = await serialize_one_status(
            session, post, viewer, request.app[FEDERATION].urls
        )
    return web.json_response(body)


async def edit(request: web.Request) -> web.Response:
    """An edit carries the whole status again: a poll that is not sent is removed
    (as Mastodon does); `media_attributes[]` describe or refocus its media."""
    p = await params.read_params(request)
    fed = request.app[FEDERATION]
    async with api_session(request) as session:
        me = await require_account(request, session, "write:statuses")
        post = await get_visible_post(session, me, params.path_id(request))
        cmd = replace(_command(request, p), media_edits=_media_edits(p))
        await publishing.edit_status(
            session, fed.urls, me, post, cmd, resolve=mention_resolver(fed)
        )
        body = await serialize_one_status(session, post, me, fed.urls)
    return web.json_response(body)


def _media_edits(p: MultiDict[Any]) -> tuple[media.MediaEdit, ...]:
    edits = []
    for item in params.attribute_list(p, "media_attributes"):
        media_id = parse_id(item.get("id"))
        if media_id is None:
            raise Unprocessable("media_attributes must name media ids")
        description, focus = item.get("description"), item.get("focus")
        edits.append(
            media.MediaEdit(
                media_id,
                None if description is None else str(description),
                None if focus is None else str(focus),
            )
        )
    return tuple(edits)


async def delete(request: web.Request) -> web.Response:
    """With `delete_media`, the status's media and their files go too (Mastodon);
    without, they stay for a redraft."""
    urls = request.app[FEDERATION].urls
    delete_media = params.boolean(await params.read_params(request), "delete_media")
    async with api_session(request) as session:
        me = await require_account(request, session, "write:statuses")
        post = await get_visible_post(session, me, params.path_id(request))
        source = post.source or ""
        body = await serialize_one_status(session, post, me, urls)
        discarded = await posts.delete_local_post(
            session, me, post, delete_media=delete_media
        )
    await media.discard_files(storage_of(request), discarded)
    body["text"] = (
        source  # Mastodon returns the source so clients can "delete & redraft"
    )
    return web.json_response(body)


async def context(request: web.Request) -> web.Response:
    """The thread around a status, with the viewer's `thread` filters applied."""
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        post = await get_visible_post(session, viewer, params.path_id(request))
        ancestors, descendants = await timelines.context(session, viewer, post)
        body = {
            "ancestors": await filtered_statuses(
                session, ancestors, viewer, "thread", urls
            ),
            "descendants": await filtered_statuses(
                session, descendants, viewer, "thread", urls
            ),
        }
    return web.json_response(body)


async def _act(request: web.Request, action: Action) -> web.Response:
    urls = request.app[FEDERATION].urls
    p = await params.read_params(request)
    async with api_session(request) as session:
        me = await require_account(request, session, f"write:{_scope_of(action)}")
        post = await acted_on(session, me, params.path_id(request))
        visibility = params.visibility(p) if action == "reblog" else Visibility.PUBLIC
        boost = await act(session, urls, me, post, action, visibility)
        if boost is not None:
            return web.json_response(
                await serialize_one_status(session, boost, me, urls)
            )
        await session.flush()
        await session.refresh(post)
        body = await serialize_one_status(session, post, me, urls)
    return web.json_response(body)


def _scope_of(action: str) -> str:
    return "favourites" if "favourite" in action else "statuses"


def _acting(action: Action) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return await _act(request, action)

    return handler


favourite = _acting("favourite")
unfavourite = _acting("unfavourite")
reblog = _acting("reblog")
unreblog = _acting("unreblog")


async def favourited_by(request: web.Request) -> web.Response:
    return await _who(request, Favourite.id, Favourite.actor_id, Favourite.post_id)


async def reblogged_by(request: web.Request) -> web.Response:
    boost = aliased(Post)
    return await _who(
        request,
        boost.id,
        boost.actor_id,
        boost.reblog_of_id,
        boost.deleted_at.is_(None),
        # Mastodon lists public and unlisted boosts only: not an author's boost of
        # their own followers-only post.
        boost.visibility.in_((Visibility.PUBLIC, Visibility.UNLISTED)),
    )


async def _who(
    request: web.Request, key: Any, actor_col: Any, post_col: Any, *extra: Any
) -> web.Response:
    p = await params.read_params(request)
    async with api_session(request) as session:
        viewer = await optional_account(request, session)
        post = await get_visible_post(session, viewer, params.path_id(request))
        stmt = (
            select(key, Actor)
            .join(Actor, Actor.id == actor_col)
            .where(post_col == post.id, *extra)
        )
        rows = await paged_rows(session, stmt, key, params.page(p, 40, 80))
    return account_page(request, rows)


async def favourites(request: web.Request) -> web.Response:
    """The signed-in account's favourites, newest favourite first."""
    return await marked_statuses(request, Favourite, "read:favourites")


async def marked_statuses(
    request: web.Request, mark: type[Favourite | Bookmark], scope: str
) -> web.Response:
    """Statuses the signed-in account marked (favourites, bookmarks): paged on the
    mark's id, as Mastodon pages them, so order is when they were marked."""
    p = await params.read_params(request)
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, scope)
        stmt = (
            select(mark.id, Post)
            .join(Post, Post.id == mark.post_id)
            .where(mark.actor_id == me.id, Post.deleted_at.is_(None))
        )
        rows = await paged_rows(session, stmt, mark.id, params.page(p))
        items = await serialize_statuses(session, [post for _, post in rows], me, urls)
    return paged_response(request, items, [mark_id for mark_id, _ in rows])
