"""ActivityPub endpoints: actors, their collections, objects, activities and inboxes.

Handlers are thin: they read the request, call one service or federation entry point,
and render. Objects that are not public are served only to a signed request from an
actor allowed to see them (authorized fetch), else they do not exist (404).
"""

from __future__ import annotations

import orjson
from aiohttp import web
from sqlalchemy import func, select

from fedcity.appkeys import DB, FEDERATION, INBOX_WRITER
from fedcity.errors import Gone, NotFound, UnsupportedMediaType
from fedcity.federation.groups.addressing import post_groups
from fedcity.federation.inbox import InboundRequest, receive
from fedcity.federation.library.outbound import library_object
from fedcity.federation.render.actors import render_actor, render_suspended_actor
from fedcity.federation.render.collections import (
    render_collection,
    render_collection_page,
    render_featured_tags,
)
from fedcity.federation.render.common import render_activity, with_context
from fedcity.federation.render.statuses import (
    audience,
    render_note,
    render_tombstone,
)
from fedcity.federation.vocab import Document
from fedcity.ids import parse_id, require_id
from fedcity.services.accounts import featured_tags
from fedcity.services.social import pins
from fedcity.storage.models import (
    Actor,
    Follow,
    FollowState,
    OutboxActivity,
    Post,
    Visibility,
)
from fedcity.storage.queries import actors as q
from fedcity.storage.queries import media as media_q
from fedcity.storage.queries import polls as poll_q
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries.posts import Page
from fedcity.web import emojis
from fedcity.web.accounts import profile_page
from fedcity.web.groups import collections as group_collections
from fedcity.web.groups import group_page
from fedcity.web.groups import threads as group_threads
from fedcity.web.negotiation import activity_response, wants_activity_json
from fedcity.web.signed_fetch import readable, signed_viewer
from fedcity.web.statuses import thread

PAGE_SIZE = 20
ACCEPTED_CONTENT_TYPES = (
    "application/activity+json",
    "application/ld+json",
    "application/json",
)


async def _local_actor(request: web.Request, *, suspended: bool = False) -> Actor:
    """The local actor named in the path; with `suspended`, a suspended or deleted
    one too (its id then serves a Tombstone)."""
    async with request.app[DB].session() as session:
        actor = await q.get_actor_by_handle(
            session, request.match_info["username"], None
        )
    if actor is None or actor.actor_type == "Application":
        raise NotFound("no such account here")
    if actor.deleted_at is not None and not suspended:
        raise NotFound("no such account here")
    if actor.suspended_at is not None and not suspended:
        raise Gone("This account is suspended")
    return actor


async def actor_get(request: web.Request) -> web.StreamResponse:
    if not wants_activity_json(request):
        shown = await profile_page.shown_actor(request)
        if shown.actor_type == "Group":  # a group's page: its threads, joining
            return await group_page.group_page(request, shown)
        return await profile_page.profile_page(request, shown)
    actor = await _local_actor(request, suspended=True)
    if actor.suspended_at or actor.deleted_at:  # a Tombstone, 410: Mastodon's answer
        return activity_response(render_suspended_actor(actor), status=410)
    return activity_response(render_actor(actor, request.app[FEDERATION].urls))


# --- inbox ------------------------------------------------------------------------


async def inbox_post(request: web.Request) -> web.Response:
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in ACCEPTED_CONTENT_TYPES:
        raise UnsupportedMediaType("inbox accepts application/activity+json")
    body = await request.read()  # bounded by client_max_size: 413 beyond it
    recipient = request.match_info.get("username")
    inbound = InboundRequest(
        method=request.method,
        path_qs=request.raw_path,
        headers=request.headers,
        body=body,
        host=request.host,
        recipient=recipient,
    )
    await receive(request.app[FEDERATION], request.app[INBOX_WRITER], inbound)
    return web.Response(status=202)


# --- objects -----------------------------------------------------------------------


async def _visible_post(request: web.Request) -> tuple[Actor, Post]:
    actor = await _local_actor(request)
    post_id = require_id(request.match_info["post_id"])
    async with request.app[DB].session() as session:
        post = await post_q.get_post_by_id(session, post_id)
    if post is None or post.actor_id != actor.id or post.reblog_of_id is not None:
        raise NotFound()
    if post.deleted_at is not None:
        return actor, post
    public = post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED)
    if not public and not await readable(request, post, await signed_viewer(request)):
        raise NotFound()
    return actor, post


async def status_get(request: web.Request) -> web.StreamResponse:
    if not wants_activity_json(request):
        return await thread.status_page(request)
    actor, post = await _visible_post(request)
    if post.deleted_at is not None:
        if not wants_activity_json(request):
            # A person's browser gets the error page, as on Mastodon; peers the
            # Tombstone.
            raise Gone("This post has been deleted")
        return activity_response(render_tombstone(post), status=410)
    return activity_response(with_context(await _note(request, actor, post)))


async def replies_get(request: web.Request) -> web.Response:
    """A post's public replies known here, oldest first, paged (Mastodon reads
    a thread's replies through this collection)."""
    _, post = await _visible_post(request)
    base = f"{post.uri}/replies"
    page = _page_number(request)
    if page is None:
        return activity_response(
            render_collection(base, post.replies_count, f"{base}?page=1")
        )
    async with request.app[DB].session() as session:
        items = await post_q.list_reply_uris(
            session, post.id, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1
        )
    next_page = f"{base}?page={page + 1}" if len(items) > PAGE_SIZE else None
    prev_page = f"{base}?page={page - 1}" if page > 1 else None
    return activity_response(
        render_collection_page(
            f"{base}?page={page}", base, items[:PAGE_SIZE], next_page, prev_page
        )
    )


async def _note(request: web.Request, actor: Actor, post: Post) -> Document:
    async with request.app[DB].session() as session:
        mentioned = await post_q.list_mentioned_actors(session, post.id)
        tags = (await post_q.list_tags(session, [post.id])).get(post.id, [])
        media = await media_q.list_media_for_post(session, post.id)
        poll = await poll_q.get_poll_by_post_id(session, post.id)
        groups = await post_groups(session, post, mentioned)
        fed = request.app[FEDERATION]
        note = render_note(post, actor, mentioned, tags, fed.urls, media, poll, groups)
        # A library item's post is its signed Article (federation.library).
        return await library_object(fed, session, post, note)


async def status_activity_get(request: web.Request) -> web.Response:
    _, post = await _visible_post(request)
    if post.deleted_at is not None:
        # The Create of a deleted post must not keep serving what it said.
        return activity_response(render_tombstone(post), status=410)
    return await _stored_activity(request, f"{post.uri}/activity", require_public=False)


async def activity_get(request: web.Request) -> web.Response:
    activity_id = require_id(request.match_info["activity_id"])
    uri = request.app[FEDERATION].urls.activity(activity_id)
    return await _stored_activity(request, uri, require_public=True)


async def _stored_activity(
    request: web.Request, uri: str, *, require_public: bool
) -> web.Response:
    async with request.app[DB].session() as session:
        row = await session.scalar(
            select(OutboxActivity).where(OutboxActivity.uri == uri)
        )
        # A boost's Announce has the boost's id; once unboosted it is gone.
        withdrawn = await session.scalar(
            select(Post.id).where(Post.uri == uri, Post.deleted_at.is_not(None))
        )
    if row is None or withdrawn is not None or (require_public and not row.public):
        raise NotFound()
    return activity_response(orjson.loads(row.document))


# --- collections -------------------------------------------------------------------


def _page_number(request: web.Request) -> int | None:
    """`?page=N` of a followers or following collection; a page that cannot be
    one (`page=true`, "²") is the first."""
    raw = request.query.get("page")
    if raw is None:
        return None
    return max(1, parse_id(raw) or 1)


async def followers_get(request: web.Request) -> web.Response:
    if "is_follower" in request.query:  # a group asked about one member
        return await group_threads.is_follower_get(request)
    return await _follow_collection(request, followers=True)


async def following_get(request: web.Request) -> web.Response:
    return await _follow_collection(request, followers=False)


async def _follow_collection(request: web.Request, *, followers: bool) -> web.Response:
    actor = await _local_actor(request)
    base = actor.followers_uri if followers else actor.following_uri
    assert base is not None
    mine, theirs = (
        (Follow.target_id, Follow.actor_id)
        if followers
        else (Follow.actor_id, Follow.target_id)
    )
    where = (mine == actor.id, Follow.state == FollowState.ACCEPTED)
    page = _page_number(request)
    async with request.app[DB].session() as session:
        total = int(
            await session.scalar(select(func.count()).select_from(Follow).where(*where))
            or 0
        )
        if actor.hide_collections:  # the count stays public, the members do not
            return activity_response(render_collection(base, total, None))
        if page is None:
            return activity_response(render_collection(base, total, f"{base}?page=1"))
        offset = (page - 1) * PAGE_SIZE
        stmt = (
            select(Actor.uri)
            .join(Follow, theirs == Actor.id)
            .where(*where)
            .order_by(Follow.id.desc())
            .offset(offset)
            .limit(PAGE_SIZE)
        )
        # Past the end the page is empty: no query, whose OFFSET could overflow.
        items = list((await session.scalars(stmt)).all()) if offset < total else []
    next_page = f"{base}?page={page + 1}" if page * PAGE_SIZE < total else None
    prev_page = f"{base}?page={page - 1}" if page > 1 else None
    doc = render_collection_page(
        f"{base}?page={page}", base, items, next_page, prev_page
    )
    doc["totalItems"] = total
    return activity_response(doc)


async def featured_get(request: web.Request) -> web.Response:
    """The pinned public and unlisted statuses, as Notes, most recently pinned
    first; a group's pinned threads."""
    actor = await _local_actor(request)
    if actor.actor_type == "Group":
        return await group_collections.featured_get(request, actor)
    async with request.app[DB].session() as session:
        pinned = await pins.pinned_posts(session, None, actor)
    notes = [await _note(request, actor, post) for post in pinned]
    doc = render_collection(
        request.app[FEDERATION].urls.featured(actor.username), len(notes), None
    )
    doc["orderedItems"] = notes
    return activity_response(doc)


async def featured_tags_get(request: web.Request) -> web.Response:
    """The featured hashtags (the actor's `featuredTags`), as Mastodon serves them."""
    actor = await _local_actor(request)
    urls = request.app[FEDERATION].urls
    async with request.app[DB].session() as session:
        items = await featured_tags.featured_tags(session, actor)
    return activity_response(
        render_featured_tags(
            urls.featured_tags(actor.username),
            [(i.name, urls.account_tag(actor.username, i.name)) for i in items],
        )
    )


async def outbox_get(request: web.Request) -> web.Response:
    actor = await _local_actor(request)
    base = actor.outbox_uri
    assert base is not None
    public = (
        Post.actor_id == actor.id,
        Post.visibility.in_([Visibility.PUBLIC, Visibility.UNLISTED]),
    )
    async with request.app[DB].session() as session:
        if "page" not in request.query:
            total = await session.scalar(
                select(func.count())
                .select_from(Post)
                .where(*public, Post.deleted_at.is_(None))
            )
            return activity_response(
                render_collection(base, int(total or 0), f"{base}?page=true")
            )
        page = Page(max_id=parse_id(request.query.get("max_id")), limit=PAGE_SIZE)
        posts = await post_q.list_page(session, select(Post).where(*public), page)
        items = [await _outbox_item(request, session, actor, p) for p in posts]
    next_page = (
        f"{base}?page=true&max_id={posts[-1].id}" if len(posts) == PAGE_SIZE else None
    )
    return activity_response(
        render_collection_page(
            request.app[FEDERATION].urls.base + request.path_qs,
            base,
            items,
            next_page,
            None,
        )
    )


async def _outbox_item(
    request: web.Request, session: object, actor: Actor, post: Post
) -> Document:
    if post.reblog_of_id is not None:
        async with request.app[DB].session() as s:
            original = await s.get(Post, post.reblog_of_id)
        to, cc = audience(post, actor, [])
        doc = render_activity(
            "Announce",
            post.uri,
            actor,
            original.uri if original else None,
            to,
            cc,
            post.published_at,
        )
    else:
        note = await _note(request, actor, post)
        doc = render_activity(
            "Create",
            f"{post.uri}/activity",
            actor,
            note,
            note["to"],
            note["cc"],
            post.published_at,
        )
    doc.pop("@context", None)
    return doc


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/users/{username}", actor_get)
    r.add_get("/users/{username}/outbox", outbox_get)
    r.add_get("/users/{username}/followers", followers_get)
    r.add_get("/users/{username}/following", following_get)
    r.add_get("/users/{username}/collections/featured", featured_get)
    r.add_get("/users/{username}/collections/tags", featured_tags_get)
    r.add_get("/users/{username}/statuses/{post_id}", status_get)
    r.add_get("/users/{username}/statuses/{post_id}/activity", status_activity_get)
    r.add_get("/users/{username}/statuses/{post_id}/replies", replies_get)
    r.add_post("/users/{username}/inbox", inbox_post)
    r.add_post("/inbox", inbox_post)
    r.add_post("/actor/inbox", inbox_post)
    r.add_get("/activities/{activity_id:[0-9]+}", activity_get)
    r.add_get("/emojis/{emoji_id:[0-9]{1,18}}", emojis.emoji_get)
    r.add_get("/@{username}", actor_get)
    r.add_get("/@{username}/{post_id:[0-9]+}", status_get)
    r.add_get("/@{username}/{post_id:[0-9]+}/embed", thread.embed_page)
