"""A local group relays its members' posts (FEP-1b12): a post addressed to the
group (in `audience`, `to` or `cc`, or by a mention, as Mastodon users do), or a
reply in one of its threads, is checked against the group's rules; an accepted one
joins a thread and the group announces it to its followers. Edits, likes and
deletes of a carried post are announced the same way.

The group's announce is also a boost by the group here (a `Post` with
`reblog_of_id`), so that its local members see it in their home timelines and the
group's account timeline lists its threads, as on Mastodon. The wire forms are
federation.groups.relay's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.ids import new_id
from fedcity.jobs.verbs import GroupRelay, Verb, enqueue_federate
from fedcity.services.groups import notices, rules
from fedcity.storage.models import (
    Actor,
    Group,
    GroupPost,
    GroupThread,
    GroupVisibility,
    Post,
    Visibility,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LocalGroup:
    group: Group
    actor: Actor


@dataclass(frozen=True)
class Relayed:
    """What a group did with a post: carried it in `thread`, or refused it."""

    group: LocalGroup
    thread: GroupThread | None = None
    refusal: rules.Refusal | None = None


async def addressed_groups(
    session: AsyncSession, post: Post, addressed: Iterable[str]
) -> list[LocalGroup]:
    """The local groups a post goes to: those among `addressed` (the uris of its
    audience, to, cc and mentions) and those that carry the post it answers."""
    found: dict[int, LocalGroup] = {}
    for uri in set(addressed):
        actor = await actor_q.get_actor_by_uri(session, uri)
        if actor is not None and actor.is_local and actor.actor_type == "Group":
            await _add_group(session, found, actor)
    if post.in_reply_to_id is not None:
        for carried in await q.list_group_posts_of_post(session, post.in_reply_to_id):
            actor = await session.get(Actor, carried.group_actor_id)
            if actor is not None and actor.is_local:
                await _add_group(session, found, actor)
    return list(found.values())


async def _add_group(
    session: AsyncSession, found: dict[int, LocalGroup], actor: Actor
) -> None:
    if actor.deleted_at is not None or actor.id in found:
        return
    group = await actor_q.get_group_by_actor_id(session, actor.id)
    if group is not None:
        found[actor.id] = LocalGroup(group, actor)


async def relay_post(
    session: AsyncSession,
    urls: Urls,
    target: LocalGroup,
    post: Post,
    author: Actor,
    *,
    document: dict[str, Any] | None = None,
    via: Actor | None = None,
    today: date | None = None,
) -> Relayed:
    """Carry `post` in `target`'s thread and announce it, or refuse it (logged;
    the reason is returned). `document` is a remote member's Create as received,
    announced as it is; a local post is rendered by the builder. `via` is a
    group that `target` follows and that carried the post (a hub group relays
    what the groups it follows carry, once per post)."""
    if await q.get_group_post(session, target.actor.id, post.id) is not None:
        return Relayed(target)  # already carried: a replay, or a second group
    parent_thread = await _parent_thread(session, target, post)
    refusal = await rules.refusal_to_post(
        session,
        target.group,
        target.actor,
        author,
        post,
        parent_thread,
        via=via,
        today=today,
    )
    if refusal is not None:
        log.info(
            "group %s does not relay %s: %s",
            target.actor.uri,
            post.uri,
            refusal.reason,
            extra={"group": target.actor.uri, "actor": author.uri},
        )
        return Relayed(target, refusal=refusal)
    thread = parent_thread or await _new_thread(session, urls, target, post)
    boost = await _group_boost(session, urls, target, post)
    session.add(
        GroupPost(
            group_actor_id=target.actor.id,
            thread_id=thread.id,
            post_id=post.id,
            announce_uri=boost.uri,
        )
    )
    if parent_thread is not None:
        thread.posts_count += 1
    thread.last_activity_at = utcnow()
    if post.conversation_uri is None and thread.context_uri:
        post.conversation_uri = thread.context_uri
    await session.flush()
    await enqueue_federate(
        session,
        Verb.GROUP_RELAY,
        GroupRelay(target.actor.id, "Create", post_id=post.id, document=document),
    )
    await relay_from_followed_group(
        session, urls, target.actor, post, author, document=document, today=today
    )
    return Relayed(target, thread)


async def relay_from_followed_group(
    session: AsyncSession,
    urls: Urls,
    group_actor: Actor,
    post: Post,
    author: Actor,
    *,
    document: dict[str, Any] | None = None,
    today: date | None = None,
) -> None:
    """The local groups that follow `group_actor` (a league's hub group following
    city groups) relay what it carries to their own members."""
    for hub, hub_actor in await q.list_local_groups_following(session, group_actor.id):
        await relay_post(
            session,
            urls,
            LocalGroup(hub, hub_actor),
            post,
            author,
            document=document,
            via=group_actor,
            today=today,
        )


async def tell_refusal(
    session: AsyncSession, urls: Urls, relayed: Relayed, author: Actor, post: Post
) -> None:
    """Tell a remote author, by a direct message from the group, why it did not
    relay their post, when they meant to post in it (see rules.TOLD_AT_ONCE);
    a local author hears it as the error of the post itself."""
    refusal = relayed.refusal
    if refusal is None or not refusal.told_at_once:
        return
    await notices.send(
        session,
        urls,
        relayed.group.actor,
        author,
        refusal.text,
        language=await notices.language_of(session, author),
        about={"refused": post.uri},
    )


async def _parent_thread(
    session: AsyncSession, target: LocalGroup, post: Post
) -> GroupThread | None:
    """The thread of the post `post` answers, when this group carries it."""
    if post.in_reply_to_id is None:
        return None
    carried = await q.get_group_post(session, target.actor.id, post.in_reply_to_id)
    if carried is None:
        return None
    return await session.get(GroupThread, carried.thread_id)


async def _new_thread(
    session: AsyncSession, urls: Urls, target: LocalGroup, post: Post
) -> GroupThread:
    """A thread rooted at `post`, with its context collection minted here."""
    thread_id = new_id()
    thread = GroupThread(
        id=thread_id,
        group_actor_id=target.actor.id,
        root_post_id=post.id,
        context_uri=urls.thread_context(target.actor.username, thread_id),
        last_activity_at=utcnow(),
        posts_count=1,
    )
    session.add(thread)
    await session.flush()
    return thread


async def _group_boost(
    session: AsyncSession, urls: Urls, target: LocalGroup, post: Post
) -> Post:
    """The group's boost of `post`: what its local members' timelines show."""
    from fedcity.services.statuses.boosts import store_boost

    public = target.group.visibility == GroupVisibility.PUBLIC
    boost_id = new_id()
    return await store_boost(
        session,
        target.actor,
        post,
        urls.activity(boost_id),
        Visibility.PUBLIC if public else Visibility.PRIVATE,
        boost_id=boost_id,
    )


async def relay_change(
    session: AsyncSession,
    post: Post,
    activity: str,
    *,
    document: dict[str, Any] | None = None,
    favourite_id: int | None = None,
) -> int:
    """Announce an Update, Delete or Like of a post to every local group that
    carries it (and has not removed it); returns how many groups do. A Delete
    also ends the post's place in its threads. A remote activity comes as
    received (`document`); a local Like names its `favourite_id`."""
    count = 0
    for carried in await q.list_group_posts_of_post(session, post.id):
        group_actor = await session.get(Actor, carried.group_actor_id)
        if group_actor is None or not group_actor.is_local:
            continue
        if carried.removed_at is not None:
            continue
        if activity == "Delete":
            await q.mark_removed(session, carried)
        await enqueue_federate(
            session,
            Verb.GROUP_RELAY,
            GroupRelay(
                group_actor.id,
                activity,
                post_id=post.id,
                document=document,
                favourite_id=favourite_id,
            ),
        )
        count += 1
    return count
