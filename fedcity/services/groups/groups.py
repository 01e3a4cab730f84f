"""Groups: create, list, moderators, delete.

A group is a local actor of type `Group` (named like an account, in the same
namespace: `@housing@city.example` may be either, never both) with a `groups` row
for its settings. A `members` group sets `locked`, which the actor document shows as
`manuallyApprovesFollowers` (Lemmy treats such a group as private).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.jobs.verbs import ActorRef, Verb, enqueue_federate
from fedcity.services.accounts.accounts import USERNAME_RE
from fedcity.storage.models import (
    Actor,
    Group,
    GroupModerator,
    GroupPolicy,
    GroupVisibility,
    QuorumGuard,
)
from fedcity.storage.queries import actors as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

VISIBILITIES = tuple(GroupVisibility)
POLICIES = tuple(GroupPolicy)
QUORUM_GUARDS = tuple(QuorumGuard)


@dataclass(frozen=True)
class NewGroup:
    name: str
    display_name: str = ""
    description: str = ""
    visibility: str = GroupVisibility.PUBLIC
    policy: str = GroupPolicy.OPEN
    # "" takes the instance's default (`[groups] quorum_guard`, see default_guard).
    quorum_guard: str = ""
    moderators: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class GroupView:
    """A group with its actor and moderators, as the command line lists it."""

    group: Group
    actor: Actor
    moderators: list[Actor]


def default_guard(visibility: str, configured: str) -> str:
    """The quorum guard of a group made without one: the instance's `[groups]
    quorum_guard`, else `warn` for a members-only group (its talk is out of public
    view, as open-meeting laws worry about) and `off` for a public one."""
    if configured:
        return configured
    return (
        QuorumGuard.WARN if visibility == GroupVisibility.MEMBERS else QuorumGuard.OFF
    )


async def create_group(
    session: AsyncSession,
    urls: Urls,
    cmd: NewGroup,
    keypair: tuple[str, str],
    *,
    configured_guard: str = "",
    created_by: Actor | None = None,
    awaiting_approval: bool = False,
) -> GroupView:
    """Make a local group and its actor (with its own keys); the moderators are
    local accounts. A group an account proposes on an instance whose groups need
    an admin's approval is made `awaiting_approval`: it has no members and
    relays nothing until approved.

    Raises:
        Unprocessable: a bad name or setting, or a name already taken.
        NotFound: a moderator who is no local account.
    """
    check_settings(cmd)
    if await q.get_actor_by_handle(session, cmd.name, None) is not None:
        raise Unprocessable("Username {username} is taken", username=cmd.name)
    moderators = [await _local_account(session, name) for name in cmd.moderators]
    actor = _group_actor(urls, cmd, keypair)
    session.add(actor)
    await session.flush()
    group = Group(
        actor_id=actor.id,
        visibility=cmd.visibility,
        policy=cmd.policy,
        quorum_guard=cmd.quorum_guard
        or default_guard(cmd.visibility, configured_guard),
        rules="",
        created_by_id=created_by.id if created_by is not None else None,
        approved_at=None if awaiting_approval else utcnow(),
    )
    session.add(group)
    await session.flush()
    for moderator in _unique(moderators):
        session.add(GroupModerator(group_id=group.id, account_id=moderator.id))
    await session.flush()
    return GroupView(group, actor, _unique(moderators))


def check_settings(cmd: NewGroup) -> None:
    """Refuse a bad name, visibility, policy or quorum guard."""
    if not USERNAME_RE.match(cmd.name):
        raise Unprocessable("Username must be 1-30 letters, digits or underscores")
    if cmd.visibility not in VISIBILITIES:
        raise Unprocessable(
            "Visibility must be one of: {choices}", choices=", ".join(VISIBILITIES)
        )
    if cmd.policy not in POLICIES:
        raise Unprocessable(
            "Policy must be one of: {choices}", choices=", ".join(POLICIES)
        )
    if cmd.quorum_guard and cmd.quorum_guard not in QUORUM_GUARDS:
        raise Unprocessable(
            "Quorum guard must be one of: {choices}",
            choices=", ".join(QUORUM_GUARDS),
        )


def _group_actor(urls: Urls, cmd: NewGroup, keypair: tuple[str, str]) -> Actor:
    private_pem, public_pem = keypair
    public = cmd.visibility == GroupVisibility.PUBLIC
    return Actor(
        uri=urls.actor(cmd.name),
        username=cmd.name,
        domain=None,
        actor_type="Group",
        display_name=cmd.display_name or cmd.name,
        summary=cmd.description,
        url=urls.profile_page(cmd.name),
        inbox_uri=urls.inbox(cmd.name),
        shared_inbox_uri=urls.shared_inbox,
        outbox_uri=urls.outbox(cmd.name),
        followers_uri=urls.followers(cmd.name),
        following_uri=urls.following(cmd.name),
        key_id=urls.key_id(cmd.name),
        public_key_pem=public_pem,
        private_key_pem=private_pem,
        locked=not public,
        discoverable=public,
        indexable=public,
        published_at=utcnow(),
        fields=[],
    )


def _unique(actors: list[Actor]) -> list[Actor]:
    return list({actor.id: actor for actor in actors}.values())


async def _local_account(session: AsyncSession, name: str) -> Actor:
    """A local person's account (not a group, not the instance actor)."""
    actor = await q.get_local_actor(session, name.lstrip("@"))
    if actor is None or actor.actor_type in ("Group", "Application"):
        raise NotFound("No account {account} is known here", account=name)
    return actor


async def get_group(session: AsyncSession, name: str) -> tuple[Group, Actor]:
    """The local group called `name`.

    Raises:
        NotFound: no such group (or it was deleted).
    """
    actor = await q.get_local_actor(session, name.lstrip("@"))
    group = (
        await q.get_group_by_actor_id(session, actor.id) if actor is not None else None
    )
    if actor is None or group is None:
        raise NotFound("No group {name} is known here", name=name)
    return group, actor


async def group_moderators(
    session: AsyncSession, name: str
) -> tuple[Actor, list[Actor]]:
    """The actor of group `name` and its moderators (its `moderators` collection).

    Raises:
        NotFound: no such group.
    """
    group, actor = await get_group(session, name)
    return actor, await q.list_group_moderators(session, group.id)


async def list_groups(
    session: AsyncSession, *, approved_only: bool = False
) -> list[GroupView]:
    """Every group of this instance, by name, with its moderators; with
    `approved_only`, not those waiting for an admin's approval (what a public
    directory lists)."""
    return [
        GroupView(group, actor, await q.list_group_moderators(session, group.id))
        for group, actor in await q.list_local_groups(session)
        if group.approved_at is not None or not approved_only
    ]


async def add_moderator(session: AsyncSession, name: str, account: str) -> Actor:
    """Make local `account` a moderator of group `name` (again is no error)."""
    group, _ = await get_group(session, name)
    moderator = await _local_account(session, account)
    if await q.get_group_moderator(session, group.id, moderator.id) is None:
        session.add(GroupModerator(group_id=group.id, account_id=moderator.id))
        await session.flush()
    return moderator


async def remove_moderator(session: AsyncSession, name: str, account: str) -> Actor:
    """`account` no longer moderates group `name`.

    Raises:
        Unprocessable: it did not.
    """
    group, _ = await get_group(session, name)
    moderator = await _local_account(session, account)
    row = await q.get_group_moderator(session, group.id, moderator.id)
    if row is None:
        raise Unprocessable(
            "{account} does not moderate {name}", account=account, name=name
        )
    await session.delete(row)
    await session.flush()
    return moderator


async def delete_group(session: AsyncSession, name: str) -> Actor:
    """Delete group `name`: its actor is marked deleted, so its id answers 410 and
    its name resolves no more; the row stays so the name is not reused. Its
    members' servers hear of it (a `Delete` of the actor), and drop it."""
    _, actor = await get_group(session, name)
    actor.deleted_at = utcnow()
    await session.flush()
    await enqueue_federate(session, Verb.DELETE_ACTOR, ActorRef(actor.id))
    return actor
