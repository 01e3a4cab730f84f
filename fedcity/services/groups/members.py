"""A group's members as its moderators manage them (issue 13): requests to join
waiting for approval, bans, and the moderators themselves.

A request to join is a pending `Follow` of the group (services.groups.joining);
approving it is accepting the follow (`Accept` to a remote member), rejecting it
removes it (`Reject`). A ban is a `GroupBan` row: the member's follow goes, the
group sends `Block` (with the reason as `summary` and the end as `endTime`) to the
member and its followers, and the member may not join again while the ban holds
(`joining.decide_follow_of`). Lifting it sends `Undo(Block)`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.i18n import N_
from fedcity.ids import new_id
from fedcity.jobs.verbs import GroupBanRef, GroupBanUndone, Verb, enqueue_federate
from fedcity.services.accounts.accounts import account_by_id
from fedcity.services.groups import groups
from fedcity.services.groups.moderation import log, moderated_group
from fedcity.services.limits import MAX_GROUP_REASON, check_length
from fedcity.services.moderation.audit import acct
from fedcity.services.social import follows
from fedcity.storage.models import Actor, FollowState, GroupBan
from fedcity.storage.queries import actors as q
from fedcity.storage.queries import groups as groups_q
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

# --- requests to join --------------------------------------------------------------


async def pending_members(
    session: AsyncSession, by: Actor, name: str, page: Page
) -> list[Row[int, Actor]]:
    """(follow id, account) of those asking to join, newest first.

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`.
    """
    _, group_actor = await moderated_group(session, by, name)
    return await groups_q.list_pending_members(session, group_actor.id, page)


async def _pending(
    session: AsyncSession, by: Actor, name: str, account_id: int
) -> tuple[Actor, Actor]:
    _, group_actor = await moderated_group(session, by, name)
    follower = await account_by_id(session, account_id)
    row = await q.get_follow(session, follower.id, group_actor.id)
    if row is None or row.state != FollowState.PENDING:
        raise Unprocessable("No follow request from this account")
    return group_actor, follower


async def approve_member(
    session: AsyncSession, by: Actor, name: str, account_id: int
) -> Actor:
    """Accept a request to join: the account is a member (a remote one hears
    Accept from the group).

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`.
        Unprocessable: the account asked nothing.
    """
    group_actor, follower = await _pending(session, by, name, account_id)
    await follows.authorize_request(session, group_actor, follower)
    await log(session, by, group_actor, "approve_member", acct(follower))
    return follower


async def reject_member(
    session: AsyncSession, by: Actor, name: str, account_id: int
) -> Actor:
    """Refuse a request to join: it is removed (a remote account hears Reject)."""
    group_actor, follower = await _pending(session, by, name, account_id)
    await follows.reject_request(session, group_actor, follower)
    await log(session, by, group_actor, "reject_member", acct(follower))
    return follower


# --- bans --------------------------------------------------------------------------


async def bans(
    session: AsyncSession, by: Actor, name: str, page: Page
) -> list[Row[GroupBan, Actor]]:
    """The group's bans with the banned accounts, newest first."""
    _, group_actor = await moderated_group(session, by, name)
    return await groups_q.list_bans(session, group_actor.id, page)


async def ban(
    session: AsyncSession,
    urls: Urls,
    by: Actor,
    name: str,
    account_id: int,
    reason: str = "",
    expires_at: datetime | None = None,
) -> GroupBan:
    """Ban an account from the group until `expires_at` (None: until lifted).
    Banning it again replaces the ban (reason, end) and sends a new Block.

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`; NotFound for an
        unknown account.
        Unprocessable: a moderator, an end in the past, a reason past its bound.
    """
    group, group_actor = await moderated_group(session, by, name)
    target = await account_by_id(session, account_id)
    if target.id == group_actor.id:
        raise NotFound("Record not found")
    if await q.get_group_moderator(session, group.id, target.id) is not None:
        raise Unprocessable("A moderator of the group cannot be banned")
    if expires_at is not None and expires_at <= utcnow():
        raise Unprocessable("Validation failed: a ban must end in the future")
    check_length(N_("Reason"), reason, MAX_GROUP_REASON)
    row = await groups_q.get_ban(session, group_actor.id, target.id)
    if row is None:
        row = GroupBan(group_actor_id=group_actor.id, actor_id=target.id)
        session.add(row)
    row.reason = reason.strip()
    row.expires_at = expires_at
    row.banned_by_id = by.id
    row.block_uri = urls.activity(new_id())
    await session.flush()
    membership = await q.get_follow(session, target.id, group_actor.id)
    if membership is not None:
        await follows.remove(session, membership)
    await enqueue_federate(session, Verb.GROUP_BAN, GroupBanRef(row.id))
    await log(session, by, group_actor, "ban", acct(target), reason)
    return row


async def unban(session: AsyncSession, by: Actor, name: str, account_id: int) -> None:
    """Lift a ban (an expired one too): the group sends Undo(Block).

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`.
        Unprocessable: the account is not banned.
    """
    _, group_actor = await moderated_group(session, by, name)
    target = await account_by_id(session, account_id)
    row = await groups_q.get_ban(session, group_actor.id, target.id)
    if row is None:
        raise Unprocessable("This account is not banned from the group")
    if row.block_uri:
        await enqueue_federate(
            session,
            Verb.GROUP_UNBAN,
            GroupBanUndone(group_actor.id, target.id, row.block_uri),
        )
    await session.delete(row)
    await session.flush()
    await log(session, by, group_actor, "unban", acct(target))


# --- moderators --------------------------------------------------------------------


async def add_moderator(
    session: AsyncSession, by: Actor, name: str, account_id: int
) -> list[Actor]:
    """Make a local account a moderator of the group; its moderators after.

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`.
        Unprocessable: an account of another server.
    """
    group, group_actor = await moderated_group(session, by, name)
    account = await account_by_id(session, account_id)
    if not account.is_local:
        raise Unprocessable("Only accounts of this server may moderate a group")
    await groups.add_moderator(session, group_actor.username, account.username)
    await log(session, by, group_actor, "add_moderator", acct(account))
    return await q.list_group_moderators(session, group.id)


async def remove_moderator(
    session: AsyncSession, by: Actor, name: str, account_id: int
) -> list[Actor]:
    """An account moderates the group no more; its moderators after. The last
    one stays: a group without moderators could only be run by admins.

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`.
        Unprocessable: not a moderator, or the last one.
    """
    group, group_actor = await moderated_group(session, by, name)
    account = await account_by_id(session, account_id)
    moderators = await q.list_group_moderators(session, group.id)
    if account.id not in {m.id for m in moderators}:
        raise Unprocessable("This account does not moderate the group")
    if len(moderators) == 1:
        raise Unprocessable("A group keeps at least one moderator")
    await groups.remove_moderator(session, group_actor.username, account.username)
    await log(session, by, group_actor, "remove_moderator", acct(account))
    return await q.list_group_moderators(session, group.id)
