"""A local group's moderation on the wire (issue 13), in the forms Lemmy 0.19,
NodeBB and Mbin send and read:

- a ban is a `Block` from the group (`object` the banned account, `target` the
  group, `summary` the reason, `endTime` when it ends), sent to the banned
  account and the group's followers; lifting it is `Undo(Block)`;
- a removal is the moderator's `Delete` of the post (`summary` the reason);
- a locked thread is the moderator's `Lock` of its root post, unlocked by
  `Undo(Lock)`;
- a pinned thread is the moderator's `Add` of its root post to the group's
  `featured` collection (`target`), unpinned by `Remove`.

A moderator's activity carries `audience` = the group and has the group in `to`
(Public too for a public group; the group's followers in `cc`), and reaches the
members as the group's `Announce` of it (`group_announce`), as a Lemmy community
announces its moderators' activities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.outbox.publish import Outgoing, builds
from fedcity.federation.outbox.social import undo
from fedcity.federation.render.common import iso, render_activity
from fedcity.federation.vocab import AS_PUBLIC, Document
from fedcity.ids import new_id
from fedcity.jobs.verbs import (
    GroupBanRef,
    GroupBanUndone,
    GroupPostRef,
    GroupThreadAction,
    Verb,
)
from fedcity.storage.models import (
    Actor,
    GroupBan,
    GroupPost,
    GroupThread,
    GroupVisibility,
    OutboxActivity,
    Post,
)
from fedcity.storage.queries import actors as actor_q


def group_announce(
    group_actor: Actor, inner: Document, public: bool, announce_id: str
) -> Document:
    """Announce{inner} by the group, to its followers (and Public for a public
    group): FEP-1b12's form, the activity embedded without its @context."""
    embedded = {key: value for key, value in inner.items() if key != "@context"}
    to = [group_actor.followers_uri or "", *([AS_PUBLIC] if public else [])]
    return render_activity("Announce", announce_id, group_actor, embedded, to)


def address(doc: Document, group_actor: Actor, public: bool, *cc: str) -> Document:
    """`doc` addressed as threadiverse servers expect of a group's activity: the
    group (and Public) in `to`, its followers in `cc`, the group as `audience`."""
    doc["to"] = [group_actor.uri, *([AS_PUBLIC] if public else [])]
    doc["cc"] = [group_actor.followers_uri or "", *cc]
    doc["audience"] = group_actor.uri
    return doc


@dataclass(frozen=True)
class LocalGroup:
    actor: Actor
    public: bool


async def _local_group(session: AsyncSession, actor_id: int) -> LocalGroup | None:
    """The group whose actor is `actor_id`, unless it was deleted since."""
    actor = await session.get(Actor, actor_id)
    if actor is None or actor.deleted_at is not None:
        return None
    group = await actor_q.get_group_by_actor_id(session, actor.id)
    return LocalGroup(
        actor, group is not None and group.visibility == GroupVisibility.PUBLIC
    )


async def _members(
    session: AsyncSession, group: LocalGroup, also: Iterable[Actor | None] = ()
) -> set[str]:
    """The group's followers' inboxes, and those of `also` (remote ones)."""
    inboxes = set(await actor_q.list_follower_inboxes(session, group.actor.id))
    inboxes.update(a.delivery_inbox for a in also if a and a.delivery_inbox)
    return inboxes


async def _announced(
    fed: Federation,
    session: AsyncSession,
    group: LocalGroup,
    inner: Document,
    also: Iterable[Actor | None] = (),
) -> Outgoing:
    announce = group_announce(
        group.actor, inner, group.public, fed.urls.activity(new_id())
    )
    return Outgoing(group.actor, announce, await _members(session, group, also))


async def _sent(session: AsyncSession, uri: str) -> bool:
    """Whether an activity of that id went out already (a ban replaced before its
    first Block was sent carries the new Block's id)."""
    found = await session.scalar(
        select(OutboxActivity.id).where(OutboxActivity.uri == uri)
    )
    return found is not None


# --- bans ----------------------------------------------------------------------------


def _block(group: LocalGroup, banned: Actor, uri: str) -> Document:
    block = render_activity("Block", uri, group.actor, banned.uri)
    block["target"] = group.actor.uri
    return address(block, group.actor, group.public, banned.uri)


@builds(Verb.GROUP_BAN)
async def build_group_ban(
    fed: Federation, session: AsyncSession, payload: GroupBanRef
) -> Outgoing | None:
    """Block{banned account} from the group, to it and the group's followers;
    nothing once the ban is lifted."""
    ban = await session.get(GroupBan, payload.ban_id)
    if ban is None or ban.block_uri is None or await _sent(session, ban.block_uri):
        return None
    group = await _local_group(session, ban.group_actor_id)
    banned = await session.get(Actor, ban.actor_id)
    if group is None or banned is None:
        return None
    block = _block(group, banned, ban.block_uri)
    if ban.reason:
        block["summary"] = ban.reason
    if ban.expires_at is not None:
        block["endTime"] = iso(ban.expires_at)
    return Outgoing(group.actor, block, await _members(session, group, [banned]))


@builds(Verb.GROUP_UNBAN)
async def build_group_unban(
    fed: Federation, session: AsyncSession, payload: GroupBanUndone
) -> Outgoing | None:
    """Undo{Block} of a lifted ban, to the account and the group's followers."""
    group = await _local_group(session, payload.group_actor_id)
    banned = await session.get(Actor, payload.actor_id)
    if group is None or banned is None:
        return None
    block = _block(group, banned, payload.block_uri)
    block.pop("@context", None)
    lifted = undo(group.actor, block, [])
    return Outgoing(
        group.actor,
        address(lifted, group.actor, group.public, banned.uri),
        await _members(session, group, [banned]),
    )


# --- removals -----------------------------------------------------------------------


@builds(Verb.GROUP_REMOVE_POST)
async def build_group_remove_post(
    fed: Federation, session: AsyncSession, payload: GroupPostRef
) -> Outgoing | None:
    """Announce{Delete} of a removed post: the moderator's Delete with the reason
    as `summary`, to the group's followers and the post's author."""
    carried = await session.get(GroupPost, payload.group_post_id)
    if carried is None or carried.removed_at is None:
        return None
    group = await _local_group(session, carried.group_actor_id)
    post = await session.get(Post, carried.post_id)
    if group is None or post is None:
        return None
    moderator = await _moderator(session, carried.removed_by_id, group)
    delete = render_activity(
        "Delete", f"{group.actor.uri}#removals/{carried.id}", moderator, post.uri
    )
    if carried.removal_reason:
        delete["summary"] = carried.removal_reason
    author = await session.get(Actor, post.actor_id)
    return await _announced(
        fed, session, group, address(delete, group.actor, group.public), [author]
    )


async def _moderator(
    session: AsyncSession, moderator_id: int | None, group: LocalGroup
) -> Actor:
    """Who acted; the group itself when that account is gone."""
    moderator = None if moderator_id is None else await session.get(Actor, moderator_id)
    return moderator if moderator is not None else group.actor


# --- locks and pins -------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadScene:
    """A lock or pin of a thread, with what its activities name."""

    group: LocalGroup
    moderator: Actor
    thread: GroupThread
    root: Post
    stamp: int  # when it was locked or pinned (see GroupThreadAction)
    featured: str  # the group's `featured` collection

    def activity(self, kind: str, name: str, obj: object) -> Document:
        """The moderator's activity, its id made of the thread and the moment
        of the lock or pin: the Undo of a Lock names the Lock it undoes without
        it being kept anywhere."""
        uri = f"{self.group.actor.uri}#threads/{self.thread.id}/{name}/{self.stamp}"
        doc = render_activity(kind, uri, self.moderator, obj)
        return address(doc, self.group.actor, self.group.public)


async def _scene(
    fed: Federation, session: AsyncSession, payload: GroupThreadAction
) -> ThreadScene | None:
    thread = await session.get(GroupThread, payload.thread_id)
    if thread is None:
        return None
    group = await _local_group(session, thread.group_actor_id)
    root = await session.get(Post, thread.root_post_id)
    if group is None or root is None:
        return None
    moderator = await _moderator(session, payload.moderator_id, group)
    featured = fed.urls.featured(group.actor.username)
    return ThreadScene(group, moderator, thread, root, payload.stamp, featured)


def _lock(scene: ThreadScene) -> Document:
    return scene.activity("Lock", "lock", scene.root.uri)


def _unlock(scene: ThreadScene) -> Document:
    """Undo{Lock}, the Lock embedded as it was sent."""
    lock = _lock(scene)
    lock.pop("@context", None)
    return scene.activity("Undo", "lock/undo", lock)


def _featuring(scene: ThreadScene, kind: str, name: str) -> Document:
    """Add or Remove of the root post to or from the group's `featured`."""
    doc = scene.activity(kind, name, scene.root.uri)
    doc["target"] = scene.featured
    return doc


def _pin(scene: ThreadScene) -> Document:
    return _featuring(scene, "Add", "pin")


def _unpin(scene: ThreadScene) -> Document:
    return _featuring(scene, "Remove", "unpin")


async def _thread_activity(
    fed: Federation,
    session: AsyncSession,
    payload: GroupThreadAction,
    render: Callable[[ThreadScene], Document],
) -> Outgoing | None:
    """The group's Announce of the moderator's activity on a thread; nothing once
    the thread or the group is gone."""
    scene = await _scene(fed, session, payload)
    if scene is None:
        return None
    return await _announced(fed, session, scene.group, render(scene))


@builds(Verb.GROUP_LOCK)
async def build_group_lock(
    fed: Federation, session: AsyncSession, payload: GroupThreadAction
) -> Outgoing | None:
    """Announce{Lock} of a thread's root post."""
    return await _thread_activity(fed, session, payload, _lock)


@builds(Verb.GROUP_UNLOCK)
async def build_group_unlock(
    fed: Federation, session: AsyncSession, payload: GroupThreadAction
) -> Outgoing | None:
    """Announce{Undo{Lock}}."""
    return await _thread_activity(fed, session, payload, _unlock)


@builds(Verb.GROUP_PIN)
async def build_group_pin(
    fed: Federation, session: AsyncSession, payload: GroupThreadAction
) -> Outgoing | None:
    """Announce{Add} of a thread's root post to the group's `featured`."""
    return await _thread_activity(fed, session, payload, _pin)


@builds(Verb.GROUP_UNPIN)
async def build_group_unpin(
    fed: Federation, session: AsyncSession, payload: GroupThreadAction
) -> Outgoing | None:
    """Announce{Remove} of a thread's root post from the group's `featured`."""
    return await _thread_activity(fed, session, payload, _unpin)
