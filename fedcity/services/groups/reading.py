"""Who may read what of a group (issue 13), for the web pages: the directory, a
group's page with its threads, a thread's posts.

- The directory lists this instance's approved groups that are not deleted.
- A `public` group's threads are shown to anyone; a `members` group's only to its
  members (accepted followers), its moderators and this instance's admins (the
  admins only for groups of this instance: a remote group's posts reach here for
  its members, not for the staff).
- A remote group's visibility is read from its actor: one that approves its
  followers by hand (`manuallyApprovesFollowers`) is treated as members-only, as
  Lemmy treats a private community.
- A group waiting for an admin's approval is shown only to its proposer, its
  moderators and the admins; it has no members yet.
- Removed posts are never shown (a thread keeps their place, without content); a
  thread whose root was removed or deleted is not listed.
- In a `public` group, each post keeps its own visibility too (a followers-only
  post is shown only to whom it is addressed); in a `members` group whoever may
  read the group reads every post the group carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound
from fedcity.storage.models import (
    Actor,
    FollowState,
    Group,
    GroupPost,
    GroupThread,
    GroupVisibility,
    Post,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as q
from fedcity.storage.queries.posts import visible_to

PAGE_SIZE: Final = 20
# The roles that read any group of this instance (web.accounts.guard's admins).
STAFF_ROLES: Final = ("admin", "owner")

Membership = Literal["none", "pending", "member"]


@dataclass(frozen=True)
class GroupInfo:
    """A group this instance knows: its actor, and for a local one its settings
    and moderators (a remote group's are its server's)."""

    actor: Actor
    group: Group | None
    moderators: list[Actor]

    @property
    def visibility(self) -> str:
        if self.group is not None:
            return self.group.visibility
        return GroupVisibility.MEMBERS if self.actor.locked else GroupVisibility.PUBLIC

    @property
    def policy(self) -> str | None:
        """Who may join and post; unknown (None) for a remote group."""
        return self.group.policy if self.group is not None else None

    @property
    def approved(self) -> bool:
        return self.group is None or self.group.approved_at is not None


@dataclass(frozen=True)
class Standing:
    """Where the viewer stands with a group."""

    membership: Membership
    moderator: bool = False
    staff: bool = False  # an admin of this instance, for one of its groups
    proposer: bool = False


NOBODY: Final = Standing("none")


@dataclass(frozen=True)
class ThreadsPage:
    """A page of a group's threads with their root posts: the pinned ones on the
    first page only, then by newest activity."""

    pinned: list[tuple[GroupThread, Post]]
    threads: list[tuple[GroupThread, Post]]
    more: bool


@dataclass(frozen=True)
class ShownPost:
    """A post of a thread as the page shows it: None for one a moderator
    removed (its place is kept, its content is not shown)."""

    row: GroupPost
    post: Post | None


async def group_info(session: AsyncSession, actor: Actor) -> GroupInfo:
    """The group whose actor is `actor`, local or remote.

    Raises:
        NotFound: `actor` is not a group, or a local `Group` actor without
            settings (never made by `create_group`).
    """
    if actor.actor_type != "Group":
        raise NotFound("No group {name} is known here", name=actor.username)
    if not actor.is_local:
        return GroupInfo(actor, None, [])
    group = await actor_q.get_group_by_actor_id(session, actor.id)
    if group is None:
        raise NotFound("No group {name} is known here", name=actor.username)
    return GroupInfo(
        actor, group, await actor_q.list_group_moderators(session, group.id)
    )


async def standing_of(
    session: AsyncSession, info: GroupInfo, viewer: Actor | None
) -> Standing:
    """The viewer's membership (their follow of the group), and whether they
    moderate it, proposed it or run this instance (for a local group)."""
    if viewer is None:
        return NOBODY
    follow = await actor_q.get_follow(session, viewer.id, info.actor.id)
    membership: Membership = "none"
    if follow is not None:
        membership = "member" if follow.state == FollowState.ACCEPTED else "pending"
    if info.group is None:
        return Standing(membership)
    user = await actor_q.get_user_by_actor_id(session, viewer.id)
    return Standing(
        membership,
        moderator=any(m.id == viewer.id for m in info.moderators),
        staff=user is not None and user.role in STAFF_ROLES,
        proposer=info.group.created_by_id == viewer.id,
    )


async def visit(
    session: AsyncSession, actor: Actor, viewer: Actor | None
) -> tuple[GroupInfo, Standing]:
    """The group whose actor is `actor` and where the viewer stands with it.

    Raises:
        NotFound: not a group, or one awaiting approval the viewer may not see.
    """
    info = await group_info(session, actor)
    standing = await standing_of(session, info, viewer)
    if not may_see_group(info, standing):
        raise NotFound("No group {name} is known here", name=actor.username)
    return info, standing


async def joinable_group(session: AsyncSession, actor_id: int, viewer: Actor) -> Actor:
    """The group whose actor is `actor_id`, loaded in `session`, that `viewer` may
    ask to join (its policy then decides, services.social.follows).

    Raises:
        NotFound: no such group for the viewer, or one awaiting approval: it
            takes no members until an admin approves it.
    """
    actor = await actor_q.get_actor_by_id(session, actor_id)
    if actor is None or actor.deleted_at is not None:
        raise NotFound()
    info, _ = await visit(session, actor, viewer)
    if not info.approved:
        raise NotFound("No group {name} is known here", name=actor.username)
    return actor


def may_see_group(info: GroupInfo, standing: Standing) -> bool:
    """Whether the group's page exists for the viewer: an approved group for
    anyone, one awaiting approval for its proposer, moderators and the admins."""
    return info.approved or standing.moderator or standing.staff or standing.proposer


def may_read_threads(info: GroupInfo, standing: Standing) -> bool:
    """Whether the viewer reads the group's threads (see the module's docstring)."""
    if not may_see_group(info, standing):
        return False
    if info.visibility == GroupVisibility.PUBLIC:
        return True
    return standing.membership == "member" or standing.moderator or standing.staff


def _posts_where(info: GroupInfo, viewer: Actor | None) -> ColumnElement[bool] | None:
    """The posts of a public group the viewer may see by their own visibility;
    None for a members group, whose readers read all it carries."""
    if info.visibility == GroupVisibility.MEMBERS:
        return None
    return visible_to(viewer.id if viewer is not None else None)


async def threads_page(
    session: AsyncSession,
    info: GroupInfo,
    viewer: Actor | None,
    standing: Standing,
    page: int = 1,
) -> ThreadsPage:
    """Page `page` (from 1) of the group's threads; empty for a viewer who may
    not read them."""
    if not may_read_threads(info, standing):
        return ThreadsPage([], [], more=False)
    where = _posts_where(info, viewer)
    group_id = info.actor.id
    pinned = (
        await q.list_group_threads(session, group_id, pinned=True, posts_where=where)
        if page == 1
        else []
    )
    rows = await q.list_group_threads(
        session,
        group_id,
        pinned=False,
        posts_where=where,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE + 1,
    )
    return ThreadsPage(pinned, rows[:PAGE_SIZE], more=len(rows) > PAGE_SIZE)


async def thread_posts(
    session: AsyncSession,
    info: GroupInfo,
    viewer: Actor | None,
    standing: Standing,
    root_post_id: int,
) -> tuple[GroupThread, list[ShownPost]]:
    """The thread of the group that starts with post `root_post_id`, and its
    posts in order, the root first (removed ones without their post).

    Raises:
        NotFound: no such thread in this group, or the viewer may not read it.
    """
    if not may_read_threads(info, standing):
        raise NotFound()
    thread = await q.get_thread_by_root(session, info.actor.id, root_post_id)
    if thread is None:
        raise NotFound()
    rows = await q.list_thread_posts(
        session, thread, posts_where=_posts_where(info, viewer)
    )
    shown = [
        ShownPost(row, None if row.removed_at is not None else post)
        for row, post in rows
    ]
    return thread, shown


async def directory(session: AsyncSession) -> list[GroupInfo]:
    """This instance's listed groups (approved, not deleted), by name."""
    return [
        GroupInfo(actor, group, [])
        for group, actor in await q.list_directory_groups(session)
    ]


async def groups_of(
    session: AsyncSession, viewer: Actor
) -> list[tuple[Actor, Membership]]:
    """The groups, local and remote, the viewer belongs to or asked to join."""
    return [
        (actor, "member" if follow.state == FollowState.ACCEPTED else "pending")
        for actor, follow in await q.list_followed_groups(session, viewer.id)
    ]
