"""Create, Update and Delete of a local post, to its audience."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.groups.addressing import post_groups
from fedcity.federation.library.outbound import library_object, subscriber_inboxes
from fedcity.federation.outbox.publish import Outgoing, builds
from fedcity.federation.render.common import render_activity
from fedcity.federation.render.statuses import audience, render_note
from fedcity.federation.vocab import Document
from fedcity.jobs.verbs import PostRef, Verb
from fedcity.storage.models import Actor, Post, Visibility
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import media as media_q
from fedcity.storage.queries import polls as poll_q
from fedcity.storage.queries import posts as post_q
from fedcity.storage.types import utcnow


async def post_inboxes(
    session: AsyncSession,
    post: Post,
    author: Actor,
    mentioned: Iterable[Actor],
    groups: Iterable[Actor] = (),
) -> set[str]:
    """Who hears of a post: the mentioned and the remote groups it goes to, and
    unless it is direct, the author's followers and the author of the post it
    answers."""
    inboxes = {a.inbox_uri for a in mentioned if not a.is_local and a.inbox_uri}
    inboxes.update(g.inbox_uri or "" for g in groups if not g.is_local)
    if post.visibility != Visibility.DIRECT:
        inboxes.update(await actor_q.list_follower_inboxes(session, author.id))
        if post.in_reply_to_actor_id is not None:
            parent_author = await session.get(Actor, post.in_reply_to_actor_id)
            if parent_author is not None and parent_author.delivery_inbox:
                inboxes.add(parent_author.delivery_inbox)
    return {i for i in inboxes if i}


@dataclass(frozen=True)
class _Loaded:
    post: Post
    author: Actor
    mentioned: list[Actor]
    tags: list[str]
    groups: list[Actor]  # the groups it goes to (federation.groups.addressing)


async def _load_post(session: AsyncSession, post_id: int) -> _Loaded:
    post = await session.get(Post, post_id)
    assert post is not None
    author = await session.get(Actor, post.actor_id)
    assert author is not None
    mentioned = await post_q.list_mentioned_actors(session, post.id)
    tags = (await post_q.list_tags(session, [post.id])).get(post.id, [])
    groups = await post_groups(session, post, mentioned)
    return _Loaded(post, author, mentioned, tags, groups)


async def _inboxes(fed: Federation, session: AsyncSession, loaded: _Loaded) -> set[str]:
    """The post's audience, and for a library item the subscribed instances."""
    inboxes = await post_inboxes(
        session, loaded.post, loaded.author, loaded.mentioned, loaded.groups
    )
    return inboxes | await subscriber_inboxes(fed, session, loaded.post)


async def _render(
    fed: Federation, session: AsyncSession, loaded: _Loaded, verb: str
) -> Document:
    """A Create or Update carrying the post as it is now (with media and poll; a
    library item's post as its signed Article, whose @context the activity takes)."""
    post, author = loaded.post, loaded.author
    media = await media_q.list_media_for_post(session, post.id)
    poll = await poll_q.get_poll_by_post_id(session, post.id)
    note = render_note(
        post,
        author,
        loaded.mentioned,
        loaded.tags,
        fed.urls,
        media,
        poll,
        loaded.groups,
    )
    note = await library_object(fed, session, post, note)
    if verb == "Create":
        activity_id, when = f"{post.uri}/activity", post.published_at
    else:  # each edit is its own activity
        stamp = int((post.edited_at or utcnow()).timestamp())
        activity_id, when = f"{post.uri}#updates/{stamp}", post.edited_at
    doc = render_activity(verb, activity_id, author, note, note["to"], note["cc"], when)
    if "@context" in note:
        doc["@context"] = note["@context"]
    return doc


async def post_activity(
    fed: Federation, session: AsyncSession, post_id: int, verb: str
) -> Outgoing:
    """A Create or Update carrying the post as it is now, to its audience."""
    loaded = await _load_post(session, post_id)
    doc = await _render(fed, session, loaded, verb)
    return Outgoing(loaded.author, doc, await _inboxes(fed, session, loaded))


async def create_activity(
    fed: Federation, session: AsyncSession, post_id: int
) -> Document:
    """The Create of a local post as it is now, as an outbox serves it."""
    return await _render(fed, session, await _load_post(session, post_id), "Create")


@builds(Verb.CREATE)
async def build_create(
    fed: Federation, session: AsyncSession, payload: PostRef
) -> Outgoing:
    """Create{Note | Question | …} of a new local post."""
    return await post_activity(fed, session, payload.post_id, "Create")


@builds(Verb.UPDATE)
async def build_update(
    fed: Federation, session: AsyncSession, payload: PostRef
) -> Outgoing:
    """Update{Note} of an edited local post (polls reuse it for new counts)."""
    return await post_activity(fed, session, payload.post_id, "Update")


@builds(Verb.DELETE)
async def build_delete(
    fed: Federation, session: AsyncSession, payload: PostRef
) -> Outgoing:
    """Delete{Tombstone} of a local post, to everyone who was sent it."""
    loaded = await _load_post(session, payload.post_id)
    post, author = loaded.post, loaded.author
    to, cc = audience(post, author, loaded.mentioned, loaded.groups)
    tombstone: Document = {"id": post.uri, "type": "Tombstone"}
    doc = render_activity("Delete", f"{post.uri}#delete", author, tombstone, to, cc)
    return Outgoing(author, doc, await _inboxes(fed, session, loaded))
