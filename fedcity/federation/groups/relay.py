"""A local group's announces of its members' activities (FEP-1b12), and the
inbound side that hands a remote member's post to the group.

Every announce goes to the group's followers, in two forms chosen per server: the
FEP-1b12 `Announce(Create(Note))` (and `Announce` of Update, Delete and Like) that
Lemmy, Mbin, NodeBB, PieFed and fedcity read, and the plain `Announce(Note)` that
Mastodon shows as a boost by the group. A server whose software is not known yet
gets both (group-aware servers keep one copy by the object's id) and is asked
(federation.software), so that later announces take one form.

Addressing (what Lemmy and Mbin accept): `audience` is the group and the group's
followers are addressed; a public group's announces also go to Public, a members
group's never do.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.dispatch import Inbound
from fedcity.federation.outbox.publish import Built, Outgoing, builds
from fedcity.federation.outbox.social import stored_activity, undo
from fedcity.federation.outbox.statuses import post_activity
from fedcity.federation.render.common import render_activity
from fedcity.federation.software import learn_later
from fedcity.federation.vocab import AS_PUBLIC, Document, get_id, ids_of, origin_of
from fedcity.jobs.verbs import GroupRelay, Verb
from fedcity.services.groups import relay
from fedcity.storage.models import (
    Actor,
    Favourite,
    GroupPost,
    GroupThread,
    GroupVisibility,
    Post,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as q

# Servers that read an announced activity (FEP-1b12), and servers that read only
# an announced object (a boost), by their NodeInfo software name.
GROUP_AWARE = frozenset(
    {"fedcity", "lemmy", "mbin", "kbin", "piefed", "nodebb", "discourse", "lotide"}
)
MICROBLOG = frozenset(
    {
        "mastodon",
        "hometown",
        "glitchsoc",
        "pleroma",
        "akkoma",
        "misskey",
        "sharkey",
        "iceshrimp",
        "firefish",
        "gotosocial",
        "snac",
    }
)


# --- inbound: a remote member's activity reaches a local group -----------------


def addressed_uris(*docs: Document) -> list[str]:
    """Everyone a document addresses: `audience`, `to`, `cc` and its mentions."""
    found: list[str] = []
    for doc in docs:
        for key in ("audience", "to", "cc"):
            found += ids_of(doc.get(key))
        for tag in doc.get("tag") or []:
            if isinstance(tag, dict) and tag.get("type") == "Mention":
                found += ids_of(tag.get("href"))
    return found


async def relay_remote_post(inbound: Inbound, post: Post | None) -> None:
    """Hand a remote member's new post to the local groups it is addressed to (or
    whose thread it answers); each announces it if its rules allow."""
    if post is None:
        return
    session, doc = inbound.session, inbound.resolved
    targets = await relay.addressed_groups(
        session, post, addressed_uris(doc, inbound.activity)
    )
    for target in targets:
        relayed = await relay.relay_post(
            session,
            inbound.fed.urls,
            target,
            post,
            inbound.actor,
            document={**inbound.activity, "object": doc},
        )
        await relay.tell_refusal(
            session, inbound.fed.urls, relayed, inbound.actor, post
        )


# --- outbound: the group's announces --------------------------------------------


@builds(Verb.GROUP_RELAY)
async def build_group_relay(
    fed: Federation, session: AsyncSession, payload: GroupRelay
) -> Built:
    """The group's announces of one member activity, in the forms its followers'
    servers read."""
    group_actor = await session.get(Actor, payload.group_actor_id)
    group = await actor_q.get_group_by_actor_id(session, payload.group_actor_id)
    post = await session.get(Post, payload.post_id) if payload.post_id else None
    if group_actor is None or group is None or post is None:
        return None
    inner = payload.document or await _local_activity(fed, session, payload, post)
    if inner is None:
        return None
    public = group.visibility == GroupVisibility.PUBLIC
    carried = await q.get_group_post(session, group_actor.id, post.id)
    thread = await session.get(GroupThread, carried.thread_id) if carried else None
    inner = _in_group(inner, group_actor, thread)
    aware, plain = await _inboxes_by_form(session, group_actor)
    announce_id = _announce_id(fed, payload, carried.announce_uri if carried else None)
    built = [
        Outgoing(
            group_actor,
            _announce(announce_id, group_actor, inner, public),
            aware,
        )
    ]
    boost = _boost_form(fed, group_actor, payload, post, carried, public)
    if boost is not None and plain:
        built.append(Outgoing(group_actor, boost, plain))
    return built


async def _local_activity(
    fed: Federation, session: AsyncSession, payload: GroupRelay, post: Post
) -> Document | None:
    """A local member's activity, rendered as its author's server sent it."""
    if payload.activity in ("Create", "Update"):
        return (await post_activity(fed, session, post.id, payload.activity)).activity
    author = await session.get(Actor, post.actor_id)
    assert author is not None
    if payload.activity == "Delete":
        tombstone: Document = {"id": post.uri, "type": "Tombstone"}
        return render_activity("Delete", f"{post.uri}#delete", author, tombstone)
    if payload.activity == "Like" and payload.favourite_id is not None:
        fav = await session.get(Favourite, payload.favourite_id)
        liker = await session.get(Actor, fav.actor_id) if fav else None
        if fav is None or liker is None:
            return None
        return render_activity("Like", fav.uri, liker, post.uri)
    return None


def _in_group(inner: Document, group: Actor, thread: GroupThread | None) -> Document:
    """The member's activity with the group as its `audience`, and its object
    with the thread's `context` (FEP-7888) where the group minted one."""
    inner = {k: v for k, v in inner.items() if k != "@context"} | {
        "audience": group.uri
    }
    obj = inner.get("object")
    # A signed object (a library item's Article, FEP-8b32) goes as its author's
    # server signed it, so that the group's followers can check its proof.
    signed = isinstance(obj, dict) and "proof" in obj
    posting = inner.get("type") in ("Create", "Update")
    if isinstance(obj, dict) and not signed and posting:
        obj = {**obj, "audience": group.uri}
        if thread is not None and thread.context_uri:
            obj["context"] = thread.context_uri
        inner["object"] = obj
    return inner


def _announce(
    announce_id: str, group: Actor, obj: Document | str, public: bool
) -> Document:
    followers = group.followers_uri or ""
    to, cc = ([AS_PUBLIC], [followers]) if public else ([followers], [])
    doc = render_activity("Announce", announce_id, group, obj, to, cc)
    doc["audience"] = group.uri
    return doc


def _announce_id(fed: Federation, payload: GroupRelay, boost_uri: str | None) -> str:
    """The FEP-1b12 announce's id: from the group's boost for a Create (so that a
    replay is the same activity), else from the announced activity's own id."""
    if payload.activity == "Create" and boost_uri:
        return f"{boost_uri}#create"
    inner_id = get_id(payload.document) if payload.document else None
    stamp = inner_id or f"{payload.activity}/{payload.post_id}/{payload.favourite_id}"
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:32]
    group = fed.urls.actor(str(payload.group_actor_id))
    return f"{group}/announces/{digest}"


def _boost_form(
    fed: Federation,
    group: Actor,
    payload: GroupRelay,
    post: Post,
    carried: GroupPost | None,
    public: bool,
) -> Document | None:
    """What a microblogging server reads of the same event: the group's boost of
    the post (`Announce(Note)`) for a Create, its `Undo` for a Delete; nothing for
    an edit or a like, which such servers take from the author alone."""
    if carried is None or not carried.announce_uri:
        return None
    if payload.activity == "Create":
        return _announce(carried.announce_uri, group, post.uri, public)
    if payload.activity == "Delete":
        boost = stored_activity("Announce", carried.announce_uri, group, post.uri)
        followers = group.followers_uri or ""
        return undo(group, boost, [AS_PUBLIC] if public else [followers], [followers])
    return None


async def _inboxes_by_form(
    session: AsyncSession, group: Actor
) -> tuple[set[str], set[str]]:
    """The followers' inboxes that get the FEP-1b12 form, and those that get the
    boost form, by what their server runs (both when it is not known)."""
    inboxes = await actor_q.list_follower_inboxes(session, group.id)
    origins = {origin_of(inbox) for inbox in inboxes}
    software = await q.software_by_origin(session, origins)
    await learn_later(session, origins - software.keys())
    aware, plain = set(), set()
    for inbox in inboxes:
        name = software.get(origin_of(inbox))
        if name not in MICROBLOG:
            aware.add(inbox)
        if name not in GROUP_AWARE:
            plain.add(inbox)
    return aware, plain
