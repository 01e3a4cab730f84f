"""A group's moderation (issue 13): its settings, and what its moderators do to its
threads and posts (remove a post, lock and pin a thread). Members (pending, bans,
moderators) are in `members`, proposed groups in `proposals`.

Only a moderator of the group or an admin of this instance may act
(`moderated_group`). Every action is written in the action log
(services.moderation.action_log, target type `Group`, `target_id` the group's
actor), so that the moderators' pages can list removals and bans, and is federated
as the threadiverse does (federation/groups/moderation.py): a removal is the
moderator's `Delete`, a lock `Lock` / `Undo(Lock)`, a pin `Add` / `Remove` to the
group's `featured` collection, each announced by the group to its followers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import text
from fedcity.errors import Forbidden, NotFound
from fedcity.i18n import N_
from fedcity.jobs.verbs import (
    GroupPostRef,
    GroupThreadAction,
    PostRef,
    Verb,
    enqueue_federate,
)
from fedcity.services.accounts.accounts import announce_profile_change
from fedcity.services.groups.groups import GroupView, NewGroup, check_settings
from fedcity.services.groups.groups import get_group as find_group
from fedcity.services.limits import (
    MAX_GROUP_DESCRIPTION,
    MAX_GROUP_DISPLAY_NAME,
    MAX_GROUP_REASON,
    MAX_GROUP_RULES,
    check_length,
)
from fedcity.services.moderation import action_log
from fedcity.services.statuses.posts import tombstone
from fedcity.storage.models import (
    Actor,
    AdminAction,
    Group,
    GroupPost,
    GroupThread,
    GroupVisibility,
    Post,
)
from fedcity.storage.queries import actors as q
from fedcity.storage.queries import groups as groups_q
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

# The roles that may moderate every group of the instance (Mastodon's admin API
# admits the same).
ADMIN_ROLES: Final = ("admin", "owner")
NOT_IN_GROUP = N_("This post is not in the group")


async def is_admin(session: AsyncSession, actor: Actor) -> bool:
    """Whether `actor` is an admin (or the owner) of this instance."""
    user = await q.get_user_by_actor_id(session, actor.id)
    return user is not None and user.role in ADMIN_ROLES


async def may_moderate(session: AsyncSession, group: Group, actor: Actor) -> bool:
    """Whether `actor` moderates `group`, or is an admin here."""
    if await q.get_group_moderator(session, group.id, actor.id) is not None:
        return True
    return await is_admin(session, actor)


async def moderated_group(
    session: AsyncSession, by: Actor, name: str
) -> tuple[Group, Actor]:
    """Group `name` and its actor, when `by` may moderate it.

    Raises:
        NotFound: no such group.
        Forbidden: `by` neither moderates it nor is an admin.
    """
    group, actor = await find_group(session, name)
    if not await may_moderate(session, group, by):
        raise Forbidden("Only the group's moderators may do this")
    return group, actor


async def log(
    session: AsyncSession,
    by: Actor,
    group_actor: Actor,
    action: str,
    what: str = "",
    reason: str | None = None,
) -> AdminAction:
    """Write a group moderation action in the action log; `what` names what it
    was done to (an account's handle, a post's URL)."""
    return await action_log.record(
        session,
        by,
        action,
        action_log.Target.GROUP,
        target=f"{group_actor.username}: {what}" if what else group_actor.username,
        target_id=group_actor.id,
        reason=reason,
    )


async def group_log(
    session: AsyncSession, by: Actor, name: str, page: Page
) -> list[AdminAction]:
    """The group's moderation log, newest first, for its moderators and admins.

    Raises:
        NotFound, Forbidden: as `moderated_group`.
    """
    _, actor = await moderated_group(session, by, name)
    return await action_log.list_entries(
        session, page, target_type=action_log.Target.GROUP, target_id=actor.id
    )


# --- settings --------------------------------------------------------------------


@dataclass(frozen=True)
class GroupChanges:
    """What a moderator changes; None leaves a setting as it is."""

    display_name: str | None = None
    description: str | None = None  # plain text, stored as HTML as a bio is
    rules: str | None = None
    visibility: str | None = None
    policy: str | None = None
    quorum_guard: str | None = None


async def update_group(
    session: AsyncSession, urls: Urls, by: Actor, name: str, changes: GroupChanges
) -> GroupView:
    """Change a group's settings. A change its actor document shows (name,
    description, visibility) is sent to its followers as an Update of the group.

    Raises:
        NotFound, Forbidden: as `moderated_group`.
        Unprocessable: a bad setting, or a text past its bound.
    """
    group, actor = await moderated_group(session, by, name)
    check_settings(
        NewGroup(
            actor.username,
            visibility=changes.visibility or group.visibility,
            policy=changes.policy or group.policy,
            quorum_guard=changes.quorum_guard or "",
        )
    )
    check_length(N_("Display name"), changes.display_name, MAX_GROUP_DISPLAY_NAME)
    check_length(N_("Description"), changes.description, MAX_GROUP_DESCRIPTION)
    check_length(N_("Rules"), changes.rules, MAX_GROUP_RULES)
    shown_before = (actor.display_name, actor.summary, actor.locked)
    if changes.display_name is not None:
        actor.display_name = changes.display_name.strip() or actor.username
    if changes.description is not None:
        actor.summary = description_html(urls, changes.description)
    if changes.visibility:
        group.visibility = changes.visibility
        show_visibility(actor, changes.visibility)
    group.rules = group.rules if changes.rules is None else changes.rules.strip()
    group.policy = changes.policy or group.policy
    group.quorum_guard = changes.quorum_guard or group.quorum_guard
    if (actor.display_name, actor.summary, actor.locked) != shown_before:
        await announce_profile_change(session, actor)
    await session.flush()
    await log(session, by, actor, "update")
    return GroupView(group, actor, await q.list_group_moderators(session, group.id))


def description_html(urls: Urls, description: str) -> str:
    """A group's description as the HTML its actor's `summary` carries."""
    return text.render_plain_text(
        description, mention_url=lambda _: None, tag_url=urls.tag
    )


def show_visibility(actor: Actor, visibility: str) -> None:
    """A `members` group approves its followers by hand (Lemmy reads it as a
    private group) and stays out of directories and search; a public one not."""
    public = visibility == GroupVisibility.PUBLIC
    actor.locked = not public
    actor.discoverable = actor.indexable = public


# --- threads ---------------------------------------------------------------------


def is_locked(thread: GroupThread) -> bool:
    """Whether a thread takes no new replies (a moderator locked it)."""
    return thread.locked_at is not None


def stamp(moment: datetime) -> int:
    """A moment in milliseconds: what names a lock's or a pin's activities."""
    return int(moment.timestamp() * 1000)


async def find_thread(
    session: AsyncSession, group_actor: Actor, post_id: int
) -> GroupThread:
    """The group's thread that holds post `post_id`, its root or a reply.

    Raises:
        NotFound: the group carries no such post.
    """
    thread = await groups_q.get_thread_by_root(session, group_actor.id, post_id)
    if thread is None:
        carried = await groups_q.get_group_post(session, group_actor.id, post_id)
        if carried is not None:
            thread = await session.get(GroupThread, carried.thread_id)
    if thread is None:
        raise NotFound(NOT_IN_GROUP)
    return thread


@dataclass(frozen=True)
class ThreadMark:
    column: str  # "locked_at" or "pinned_at"
    on: bool
    action: str  # in the action log
    verb: Verb


LOCK: Final = ThreadMark("locked_at", True, "lock", Verb.GROUP_LOCK)
UNLOCK: Final = ThreadMark("locked_at", False, "unlock", Verb.GROUP_UNLOCK)
PIN: Final = ThreadMark("pinned_at", True, "pin", Verb.GROUP_PIN)
UNPIN: Final = ThreadMark("pinned_at", False, "unpin", Verb.GROUP_UNPIN)


async def mark_thread(
    session: AsyncSession, by: Actor, name: str, post_id: int, mark: ThreadMark
) -> GroupThread:
    """Lock (`LOCK`: it takes no new replies, `is_locked`), unlock, pin (`PIN`:
    its root is listed in the group's `featured`) or unpin the thread holding
    post `post_id`; a thread already so is left alone (nothing is sent again).
    The activity is named by the moment of the lock or pin: an Undo(Lock)
    names the Lock it undoes.

    Raises:
        NotFound, Forbidden: as `moderated_group`; NotFound for a post the group
        does not carry.
    """
    _, group_actor = await moderated_group(session, by, name)
    thread = await find_thread(session, group_actor, post_id)
    current: datetime | None = getattr(thread, mark.column)
    if (current is not None) == mark.on:
        return thread
    moment = utcnow() if current is None else current
    setattr(thread, mark.column, moment if mark.on else None)
    await session.flush()
    await enqueue_federate(
        session, mark.verb, GroupThreadAction(thread.id, by.id, stamp(moment))
    )
    root = await session.get(Post, thread.root_post_id)
    await log(session, by, group_actor, mark.action, _post_text(root))
    return thread


async def pinned_posts(session: AsyncSession, group_actor: Actor) -> list[Post]:
    """The root posts of the group's pinned threads, most recently pinned first."""
    return await groups_q.list_pinned_roots(session, group_actor.id)


def _post_text(post: Post | None) -> str:
    return "" if post is None else (post.url or post.uri)


# --- removals --------------------------------------------------------------------


async def remove_post(
    session: AsyncSession, by: Actor, name: str, post_id: int, reason: str = ""
) -> GroupPost:
    """Remove a post from the group: the group keeps the row (the thread knows a
    post was there) and relays it no more; a local author's post is deleted, as
    when an admin deletes it; the group's own boost of it goes. Removing it again
    changes nothing.

    Raises:
        NotFound, Forbidden: as `moderated_group`; NotFound for a post the group
        does not carry.
        Unprocessable: a reason past its bound.
    """
    _, group_actor = await moderated_group(session, by, name)
    check_length(N_("Reason"), reason, MAX_GROUP_REASON)
    carried = await groups_q.get_group_post(session, group_actor.id, post_id)
    post = await session.get(Post, post_id)
    if carried is None or post is None:
        raise NotFound(NOT_IN_GROUP)
    if not await groups_q.mark_removed(session, carried, by.id, reason.strip()):
        return carried
    for boost in await groups_q.list_boosts_by(session, group_actor.id, post.id):
        await tombstone(session, boost)
    if post.local and post.deleted_at is None:
        await tombstone(session, post)
        await enqueue_federate(session, Verb.DELETE, PostRef(post.id))
    await session.flush()
    await enqueue_federate(session, Verb.GROUP_REMOVE_POST, GroupPostRef(carried.id))
    await log(session, by, group_actor, "remove_post", _post_text(post), reason)
    return carried
