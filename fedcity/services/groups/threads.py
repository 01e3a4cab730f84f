"""What a remote group's announces change here (issue 13): the threads it
carries, the posts in them, removals, locks, pins and bans, as its member's
instance keeps them (`storage.models.groups`). federation.groups.inbound reads
the wire and decides what is trusted; these rules write the rows.

A thread is known by its root post, not by the `context` its posts carry: Lemmy
gives every comment a context URL of its own, so the root (found by following
`inReplyTo`) is the one key every server agrees on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.social import follows
from fedcity.services.statuses import boosts
from fedcity.services.statuses.posts import tombstone
from fedcity.storage.models import (
    Actor,
    GroupBan,
    GroupPost,
    GroupThread,
    Post,
    Visibility,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as q
from fedcity.storage.queries import posts as post_q
from fedcity.storage.types import utcnow


async def record_group_post(
    session: AsyncSession,
    group: Actor,
    post: Post,
    root: Post,
    *,
    context_uri: str | None = None,
    announce_uri: str | None = None,
) -> GroupPost:
    """Record that `group` carries `post` in the thread rooted at `root` (made
    when new); a post new to the thread bumps its count and its last activity.
    Idempotent: a group announcing the same post again changes nothing."""
    thread = await _thread(session, group, root, context_uri)
    carried = await q.get_group_post(session, group.id, post.id)
    if carried is not None:
        if carried.announce_uri is None and announce_uri is not None:
            carried.announce_uri = announce_uri
        return carried
    carried = GroupPost(
        group_actor_id=group.id,
        thread_id=thread.id,
        post_id=post.id,
        announce_uri=announce_uri,
    )
    session.add(carried)
    if post.id != root.id:  # the root is the thread's first post, counted at birth
        thread.posts_count += 1
    moment = post.published_at or utcnow()
    thread.last_activity_at = max(thread.last_activity_at, moment)
    await session.flush()
    return carried


async def _thread(
    session: AsyncSession, group: Actor, root: Post, context_uri: str | None
) -> GroupThread:
    thread = await q.get_thread_by_root(session, group.id, root.id)
    if thread is None:
        thread = GroupThread(
            group_actor_id=group.id,
            root_post_id=root.id,
            context_uri=context_uri,
            last_activity_at=root.published_at or utcnow(),
            posts_count=1,
        )
        session.add(thread)
        await session.flush()
    elif thread.context_uri is None and context_uri is not None:
        thread.context_uri = context_uri
    return thread


async def boost_once(
    session: AsyncSession,
    group: Actor,
    post: Post,
    announce_uri: str,
    visibility: Visibility,
) -> Post | None:
    """The group's announce as a boost by the group, which is how Mastodon apps
    show it in members' home timelines; once per group and post, however many
    times and in whatever shapes (Announce(Create(Note)), Announce(Note)) the
    group sends it. A members group's announce of a post addressed to it (not
    public) is the group's own audience: it is kept as a boost its members see
    (visibility.can_view lets a group's members see the posts it carries)."""
    if await post_q.get_reblog(session, group.id, post.id) is not None:
        return None
    if post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        return await boosts.receive_boost(
            session, group, post, announce_uri, visibility
        )
    if await post_q.get_post_by_uri(session, announce_uri) is not None:
        return None
    return await boosts.store_boost(
        session, group, post, announce_uri, Visibility.PRIVATE
    )


async def thread_of(
    session: AsyncSession, group: Actor, post: Post
) -> GroupThread | None:
    """The thread of `group` that holds `post`, None when the group does not
    carry it: only the group that carries a thread may lock, pin or remove in it."""
    return await q.get_thread_of_post(session, group.id, post.id)


@dataclass(frozen=True)
class Removal:
    """A post taken out of a group: by its author or by a moderator."""

    by: Actor | None  # None when the remover is not known here
    reason: str = ""


async def remove_post(
    session: AsyncSession, carried: GroupPost, post: Post, removal: Removal
) -> None:
    """The group removed (or relayed the deletion of) a post it carries: marked
    removed in the thread, and gone from this instance. A remote post is
    tombstoned, as its group and author want it gone for every member; a local
    account's own post stays its own, only the group's boost of it goes."""
    by_id = removal.by.id if removal.by is not None else None
    await q.mark_removed(session, carried, by_id, removal.reason)
    if not post.local:
        await tombstone(session, post)
        return
    boost = await post_q.get_reblog(session, carried.group_actor_id, post.id)
    if boost is not None:
        await tombstone(session, boost)


def set_locked(thread: GroupThread, locked: bool) -> None:
    """Lock (no more replies, Lemmy's `Lock`) or unlock the thread."""
    if locked:
        thread.locked_at = thread.locked_at or utcnow()
    else:
        thread.locked_at = None


def set_pinned(thread: GroupThread, pinned: bool) -> None:
    """Pin the thread (in the group's `featured` collection) or unpin it."""
    if pinned:
        thread.pinned_at = thread.pinned_at or utcnow()
    else:
        thread.pinned_at = None


@dataclass(frozen=True)
class Ban:
    """A group's `Block` of an account: `reason` from its `summary`, `expires_at`
    from `endTime` (None: for good)."""

    reason: str = ""
    expires_at: datetime | None = None
    block_uri: str | None = None
    by: Actor | None = None


async def record_ban(
    session: AsyncSession, group: Actor, target: Actor, ban: Ban
) -> GroupBan:
    """Keep the group's ban of `target` (local or remote, so that the pages can
    show it); a repeated Block replaces the reason and the end. A banned local
    account is no member any more: its follow of the group goes, as the group
    dropped it on its side."""
    if target.is_local:
        follow = await actor_q.get_follow(session, target.id, group.id)
        if follow is not None:
            await follows.remove(session, follow)
    row = await q.get_ban(session, group.id, target.id)
    if row is None:
        row = GroupBan(group_actor_id=group.id, actor_id=target.id)
        session.add(row)
    row.reason = ban.reason
    row.expires_at = ban.expires_at
    row.block_uri = ban.block_uri
    row.banned_by_id = ban.by.id if ban.by is not None else None
    await session.flush()
    return row


async def lift_ban(session: AsyncSession, group: Actor, target: Actor) -> None:
    """The group's `Undo(Block)`: the ban goes."""
    row = await q.get_ban(session, group.id, target.id)
    if row is not None:
        await session.delete(row)
