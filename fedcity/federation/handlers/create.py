"""Create, Update and Delete: posts and actors changed by their own server."""

from __future__ import annotations

import logging

from fedcity.errors import Forbidden, Unprocessable
from fedcity.federation import polls as poll_wire
from fedcity.federation.attestations.inbound import on_delete_attestation
from fedcity.federation.attestations.schedule import schedule_check
from fedcity.federation.dispatch import Inbound, handles, resolves
from fedcity.federation.fetch import fetch_document
from fedcity.federation.groups.relay import relay_remote_post
from fedcity.federation.library import inbound as library
from fedcity.federation.parse.actors import parse_actor
from fedcity.federation.parse.statuses import attributed_to
from fedcity.federation.policy import parse_post_under
from fedcity.federation.vocab import (
    ACTOR_TYPES,
    POST_TYPES,
    Document,
    same_origin,
)
from fedcity.services.accounts import remote_actors
from fedcity.services.groups import relay
from fedcity.services.statuses import remote_posts
from fedcity.storage.models import Post
from fedcity.storage.queries import posts as q

log = logging.getLogger(__name__)


@resolves("Create", "Update")
async def _object_document(inbound: Inbound) -> Document:
    """The embedded object, or the one fetched from its origin when only an id came."""
    obj = inbound.object
    if isinstance(obj, dict) and len(obj) > 2:
        return obj
    object_id = inbound.object_id
    if object_id is None:
        raise Unprocessable("activity without an object")
    return await fetch_document(inbound.fed, object_id)


def _check_authorship(inbound: Inbound, doc: Document) -> None:
    object_id = str(doc.get("id") or "")
    if not same_origin(object_id, inbound.actor.uri):
        raise Forbidden("the object is not on its actor's origin")
    author = attributed_to(doc)
    if author is not None and author != inbound.actor.uri:
        raise Forbidden("the object is attributed to someone else")


async def _store_post(inbound: Inbound) -> Post | None:
    """Store a new post, and hand it to the local groups it is addressed to."""
    data = parse_post_under(inbound.fed.policy.current, inbound.resolved, inbound.actor)
    post = await remote_posts.store_remote_post(inbound.session, inbound.actor, data)
    await relay_remote_post(inbound, post)
    return post


@handles("Create", "Note")
async def on_create_note(inbound: Inbound) -> None:
    """A Note, or a vote in one of our polls (Mastodon sends votes as Notes)."""
    _check_authorship(inbound, inbound.resolved)
    if await poll_wire.apply_vote(inbound, inbound.resolved):
        return  # a vote in one of our polls, not a reply
    await _store_post(inbound)


@handles("Create", "Question")
async def on_create_question(inbound: Inbound) -> None:
    """A poll: the post, and its options and counts beside it."""
    _check_authorship(inbound, inbound.resolved)
    post = await _store_post(inbound)
    if post is not None:
        await poll_wire.store_question(inbound.session, post, inbound.resolved)


@handles("Create", *sorted(POST_TYPES - {"Note", "Question"}))
async def on_create_post(inbound: Inbound) -> None:
    """Article, Page, Event and the other post types: stored as posts; an
    Article carrying a library item with its item (federation.library)."""
    _check_authorship(inbound, inbound.resolved)
    if library.carries_item(inbound.resolved):
        post = await library.accept_item(
            inbound.fed, inbound.session, inbound.actor, inbound.resolved, edit=False
        )
        await relay_remote_post(inbound, post)
        return
    await _store_post(inbound)


@handles("Update", *sorted(POST_TYPES))
async def on_update_post(inbound: Inbound) -> None:
    """An edit of a post, or new counts of a poll (not recorded as an edit). An
    edit of a post never seen here changes nothing, except for a library item,
    stored then: this instance may have subscribed to its author's since."""
    doc = inbound.resolved
    _check_authorship(inbound, doc)
    post = await q.get_post_by_uri(inbound.session, str(doc["id"]))
    if library.carries_item(doc):
        edited = await library.accept_item(
            inbound.fed, inbound.session, inbound.actor, doc, edit=True
        )
        post = post if edited is not None else None
    elif post is not None:
        data = parse_post_under(inbound.fed.policy.current, doc, inbound.actor)
        if await poll_wire.refresh_question(inbound, post, doc, data):
            return  # new poll counts only: not an edit
        await remote_posts.update_remote_post(
            inbound.session, inbound.actor, post, data
        )
    if post is not None:
        await relay.relay_change(
            inbound.session,
            post,
            "Update",
            document={**inbound.activity, "object": doc},
        )


@handles("Update", *sorted(ACTOR_TYPES))
async def on_update_actor(inbound: Inbound) -> None:
    """A profile change: an actor may only update itself."""
    doc = inbound.resolved
    if doc.get("id") != inbound.actor.uri:
        raise Forbidden("an actor may only update itself")
    actor = await remote_actors.upsert_remote_actor(inbound.session, parse_actor(doc))
    inbound.fed.keys.remember(actor)
    await library.author_changed(inbound.session, actor)
    await schedule_check(inbound.session, actor)  # every Update re-checks


@handles("Delete")
async def on_delete(inbound: Inbound) -> None:
    object_id = inbound.object_id
    if object_id is None:
        return
    if object_id == inbound.actor.uri:
        await remote_actors.delete_remote_actor(inbound.session, inbound.actor)
        if inbound.actor.key_id:
            inbound.fed.keys.forget(inbound.actor.key_id)
        return
    if await on_delete_attestation(inbound, object_id):
        return
    post = await q.get_post_by_uri(inbound.session, object_id)
    if post is None:
        return
    await remote_posts.delete_remote_post(inbound.session, inbound.actor, post)
    if post.deleted_at is not None:  # it was the author's to delete
        await relay.relay_change(
            inbound.session, post, "Delete", document=inbound.activity
        )
