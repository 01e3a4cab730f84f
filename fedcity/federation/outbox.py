"""Publishing: render an activity once, store it, and plan one delivery per inbox.

Runs in the worker (the `federate` job), so API requests never wait for fan-out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.domains import is_blocked
from fedcity.federation.context import Federation
from fedcity.federation.render.actors import render_actor
from fedcity.federation.render.common import render_activity
from fedcity.federation.render.statuses import audience, render_note
from fedcity.federation.vocab import AS_PUBLIC, Document, origin_of
from fedcity.ids import new_id
from fedcity.jobs.queue import NewJob, enqueue_many
from fedcity.storage.models import (
    Actor,
    Block,
    Favourite,
    Follow,
    OutboxActivity,
    Post,
    Visibility,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import media as media_q
from fedcity.storage.queries import polls as poll_q
from fedcity.storage.queries import posts as post_q
from fedcity.storage.types import utcnow


@dataclass
class Outgoing:
    actor: Actor
    activity: Document
    inboxes: set[str]


Builder = Callable[
    [Federation, AsyncSession, dict[str, Any]], Awaitable[Outgoing | None]
]
BUILDERS: dict[str, Builder] = {}


def builds(verb: str) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        BUILDERS[verb] = fn
        return fn

    return register


async def federate(fed: Federation, payload: dict[str, Any]) -> None:
    """Job handler for `federate`."""
    builder = BUILDERS[payload["verb"]]
    async with fed.db.session() as session:
        outgoing = await builder(fed, session, payload)
        if outgoing is None:
            return
        await publish(fed, session, outgoing)
    fed.wake_worker()


async def publish(
    fed: Federation, session: AsyncSession, outgoing: Outgoing
) -> OutboxActivity:
    activity = outgoing.activity
    row = OutboxActivity(
        uri=activity["id"],
        actor_id=outgoing.actor.id,
        activity_type=activity["type"],
        public=AS_PUBLIC in [*activity.get("to", []), *activity.get("cc", [])],
        document=orjson.dumps(activity).decode(),
    )
    session.add(row)
    await session.flush()
    own, blocked = fed.origin, fed.settings.federation.blocked_domains
    inboxes = sorted(
        i
        for i in outgoing.inboxes
        if i and origin_of(i) != own and not is_blocked(i, blocked)
    )
    await enqueue_many(
        session,
        [
            NewJob(
                kind="deliver",
                payload={"activity_id": row.id, "inbox": inbox},
                dedupe_key=f"deliver:{row.id}:{inbox}",
                host=origin_of(inbox),
            )
            for inbox in inboxes
        ],
    )
    return row


# --- audiences -----------------------------------------------------------------


async def _post_inboxes(
    session: AsyncSession, post: Post, author: Actor, mentioned: Iterable[Actor]
) -> set[str]:
    inboxes = {a.inbox_uri for a in mentioned if not a.is_local and a.inbox_uri}
    if post.visibility != Visibility.DIRECT:
        inboxes.update(await actor_q.list_follower_inboxes(session, author.id))
        if post.in_reply_to_actor_id is not None:
            parent_author = await session.get(Actor, post.in_reply_to_actor_id)
            if parent_author is not None and parent_author.delivery_inbox:
                inboxes.add(parent_author.delivery_inbox)
    return {i for i in inboxes if i}


async def _load_post(
    session: AsyncSession, post_id: int
) -> tuple[Post, Actor, list[Actor], list[str]]:
    post = await session.get(Post, post_id)
    assert post is not None
    author = await session.get(Actor, post.actor_id)
    assert author is not None
    mentioned = await post_q.list_mentioned_actors(session, post.id)
    tags = (await post_q.list_tags(session, [post.id])).get(post.id, [])
    return post, author, mentioned, tags


# --- builders -------------------------------------------------------------------


@builds("Create")
async def _create(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing:
    post, author, mentioned, tags = await _load_post(session, payload["post_id"])
    media = await media_q.list_media_for_post(session, post.id)
    poll = await poll_q.get_poll_by_post_id(session, post.id)
    note = render_note(post, author, mentioned, tags, fed.urls, media, poll)
    doc = render_activity(
        "Create",
        f"{post.uri}/activity",
        author,
        note,
        note["to"],
        note["cc"],
        post.published_at,
    )
    return Outgoing(author, doc, await _post_inboxes(session, post, author, mentioned))


@builds("Update")
async def _update(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing:
    post, author, mentioned, tags = await _load_post(session, payload["post_id"])
    media = await media_q.list_media_for_post(session, post.id)
    poll = await poll_q.get_poll_by_post_id(session, post.id)
    note = render_note(post, author, mentioned, tags, fed.urls, media, poll)
    stamp = int((post.edited_at or utcnow()).timestamp())
    doc = render_activity(
        "Update",
        f"{post.uri}#updates/{stamp}",
        author,
        note,
        note["to"],
        note["cc"],
        post.edited_at,
    )
    return Outgoing(author, doc, await _post_inboxes(session, post, author, mentioned))


@builds("Delete")
async def _delete(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing:
    post, author, mentioned, _ = await _load_post(session, payload["post_id"])
    to, cc = audience(post, author, mentioned)
    tombstone = {"id": post.uri, "type": "Tombstone"}
    doc = render_activity("Delete", f"{post.uri}#delete", author, tombstone, to, cc)
    return Outgoing(author, doc, await _post_inboxes(session, post, author, mentioned))


async def _boost_parts(
    session: AsyncSession, boost_id: int
) -> tuple[Post, Post, Actor, Actor]:
    boost = await session.get(Post, boost_id)
    assert boost is not None
    assert boost.reblog_of_id is not None
    original = await session.get(Post, boost.reblog_of_id)
    actor = await session.get(Actor, boost.actor_id)
    assert original is not None
    assert actor is not None
    original_author = await session.get(Actor, original.actor_id)
    assert original_author is not None
    return boost, original, actor, original_author


async def _boost_inboxes(
    session: AsyncSession, actor: Actor, original_author: Actor
) -> set[str]:
    inboxes = set(await actor_q.list_follower_inboxes(session, actor.id))
    if original_author.delivery_inbox:
        inboxes.add(original_author.delivery_inbox)
    return inboxes


def _announce(
    boost: Post, original: Post, actor: Actor, original_author: Actor
) -> Document:
    to, cc = audience(boost, actor, [])
    cc = [*cc, original_author.uri]
    return render_activity(
        "Announce", boost.uri, actor, original.uri, to, cc, boost.published_at
    )


@builds("Announce")
async def _announce_builder(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing:
    boost, original, actor, original_author = await _boost_parts(
        session, payload["post_id"]
    )
    doc = _announce(boost, original, actor, original_author)
    return Outgoing(actor, doc, await _boost_inboxes(session, actor, original_author))


@builds("UndoAnnounce")
async def _undo_announce(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing:
    boost, original, actor, original_author = await _boost_parts(
        session, payload["post_id"]
    )
    inner = _announce(boost, original, actor, original_author)
    inner.pop("@context", None)
    doc = render_activity(
        "Undo",
        f"{boost.uri}#undo",
        actor,
        inner,
        inner.get("to", []),
        inner.get("cc", []),
    )
    return Outgoing(actor, doc, await _boost_inboxes(session, actor, original_author))


async def _pair(
    session: AsyncSession, actor_id: int, target_id: int
) -> tuple[Actor, Actor]:
    actor = await session.get(Actor, actor_id)
    target = await session.get(Actor, target_id)
    assert actor is not None
    assert target is not None
    return actor, target


def _direct(target: Actor) -> set[str]:
    return {target.inbox_uri} if target.inbox_uri else set()


@builds("Follow")
async def _follow(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing | None:
    row = await session.get(Follow, payload["follow_id"])
    if row is None:
        return None  # withdrawn before it was sent
    actor, target = await _pair(session, row.actor_id, row.target_id)
    doc = render_activity("Follow", row.uri, actor, target.uri, [target.uri])
    return Outgoing(actor, doc, _direct(target))


@builds("Accept")
async def _accept(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing | None:
    row = await session.get(Follow, payload["follow_id"])
    if row is None:
        return None
    follower, actor = await _pair(session, row.actor_id, row.target_id)
    inner = {
        "id": row.uri,
        "type": "Follow",
        "actor": follower.uri,
        "object": actor.uri,
    }
    doc = render_activity(
        "Accept", fed.urls.activity(new_id()), actor, inner, [follower.uri]
    )
    return Outgoing(actor, doc, _direct(follower))


@builds("Reject")
async def _reject(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing:
    actor, follower = await _pair(session, payload["actor_id"], payload["follower_id"])
    inner = {
        "id": payload["follow_uri"],
        "type": "Follow",
        "actor": follower.uri,
        "object": actor.uri,
    }
    doc = render_activity(
        "Reject", fed.urls.activity(new_id()), actor, inner, [follower.uri]
    )
    return Outgoing(actor, doc, _direct(follower))


@builds("UndoFollow")
async def _undo_follow(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing:
    actor, target = await _pair(session, payload["actor_id"], payload["target_id"])
    inner = {
        "id": payload["follow_uri"],
        "type": "Follow",
        "actor": actor.uri,
        "object": target.uri,
    }
    doc = render_activity(
        "Undo", f"{payload['follow_uri']}#undo", actor, inner, [target.uri]
    )
    return Outgoing(actor, doc, _direct(target))


@builds("Like")
async def _like(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing | None:
    fav = await session.get(Favourite, payload["favourite_id"])
    if fav is None:
        return None
    post = await session.get(Post, fav.post_id)
    assert post is not None
    actor, author = await _pair(session, fav.actor_id, post.actor_id)
    doc = render_activity("Like", fav.uri, actor, post.uri, [author.uri])
    return Outgoing(actor, doc, _direct(author))


@builds("UndoLike")
async def _undo_like(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing:
    post = await session.get(Post, payload["post_id"])
    assert post is not None
    actor, author = await _pair(session, payload["actor_id"], post.actor_id)
    inner = {
        "id": payload["like_uri"],
        "type": "Like",
        "actor": actor.uri,
        "object": post.uri,
    }
    doc = render_activity(
        "Undo", f"{payload['like_uri']}#undo", actor, inner, [author.uri]
    )
    return Outgoing(actor, doc, _direct(author))


@builds("Block")
async def _block(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing | None:
    row = await session.get(Block, payload["block_id"])
    if row is None:
        return None
    actor, target = await _pair(session, row.actor_id, row.target_id)
    doc = render_activity("Block", row.uri, actor, target.uri, [target.uri])
    return Outgoing(actor, doc, _direct(target))


@builds("UndoBlock")
async def _undo_block(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing:
    actor, target = await _pair(session, payload["actor_id"], payload["target_id"])
    inner = {
        "id": payload["block_uri"],
        "type": "Block",
        "actor": actor.uri,
        "object": target.uri,
    }
    doc = render_activity(
        "Undo", f"{payload['block_uri']}#undo", actor, inner, [target.uri]
    )
    return Outgoing(actor, doc, _direct(target))


@builds("UpdateActor")
async def _update_actor(
    fed: Federation, session: AsyncSession, payload: dict[str, Any]
) -> Outgoing | None:
    actor = await session.get(Actor, payload["actor_id"])
    if actor is None or actor.deleted_at is not None:
        return None
    doc = render_actor(actor, fed.urls)
    doc.pop("@context", None)
    stamp = int((actor.updated_at or utcnow()).timestamp())
    update = render_activity(
        "Update",
        f"{actor.uri}#updates/{stamp}",
        actor,
        doc,
        [AS_PUBLIC],
        [actor.followers_uri or ""],
    )
    return Outgoing(
        actor, update, set(await actor_q.list_follower_inboxes(session, actor.id))
    )
