"""Who may join a group: a `Follow` of a group is a request to join, which the
group's policy accepts, leaves pending for a moderator or refuses (FEP-1b12: joining
is following; Accept and Reject come from the group).

The group's visibility does not enter here: a `members` group only says
`manuallyApprovesFollowers` in its actor document (services.groups.groups).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.i18n import N_
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue_daily
from fedcity.services.groups import quorum
from fedcity.services.offices.status import actor_views, views
from fedcity.storage.models import Actor, Group, GroupBan, GroupPolicy
from fedcity.storage.queries import actors as q
from fedcity.storage.queries import groups as groups_q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

log = logging.getLogger(__name__)

Outcome = Literal["accept", "pending", "reject"]
# Why a group refuses a follower (stable codes, logged and shown to moderators).
NOT_AN_OFFICIAL: Final = "not_an_official"
NOT_A_GROUP: Final = "not_a_group"
BANNED: Final = "banned"
NOT_APPROVED: Final = "not_approved"
# What a local follower is told when refused, per reason.
REFUSALS = {
    NOT_AN_OFFICIAL: N_("Only accounts holding a verified office may join this group"),
    NOT_A_GROUP: N_("This group cannot be joined"),
    BANNED: N_("You are banned from this group"),
    NOT_APPROVED: N_("This group is waiting for an administrator's approval"),
}


@dataclass(frozen=True)
class JoinDecision:
    outcome: Outcome
    reason: str | None = None  # for a refusal: a key of REFUSALS


ACCEPT: Final = JoinDecision("accept")
PENDING: Final = JoinDecision("pending")


def decide_follow(
    group: Group, follower: Actor, *, moderator: bool = False, today: date | None = None
) -> JoinDecision:
    """Whether `follower` joins `group` now, waits for a moderator, or is refused.

    `open` accepts anyone; `approval` leaves every request pending for a moderator
    (a moderator joins at once); `officials` accepts only an account holding an
    office whose status is verified today (services.offices.status): a candidate,
    a campaign account, a former or an unverified office does not count."""
    if moderator or group.policy == GroupPolicy.OPEN:
        return ACCEPT
    if group.policy == GroupPolicy.APPROVAL:
        return PENDING
    if is_verified_official(follower, today):
        return ACCEPT
    return JoinDecision("reject", NOT_AN_OFFICIAL)


def is_verified_official(actor: Actor, today: date | None = None) -> bool:
    """Whether `actor` holds at least one office that reads as verified today."""
    return any(view.status == "verified" for view in actor_views(actor, today))


def holds_verified_office(
    offices: list[dict[str, Any]], capacity: str, today: date
) -> bool:
    """`is_verified_official` of a member read without its whole actor
    (storage.queries.groups.list_member_offices)."""
    return any(view.status == "verified" for view in views(offices, capacity, today))


def ban_in_force(ban: GroupBan | None, now: datetime | None = None) -> bool:
    """Whether a ban still holds: one whose `expires_at` has passed counts no more
    (its row stays until lifted or replaced)."""
    if ban is None:
        return False
    return ban.expires_at is None or ban.expires_at > (now or utcnow())


async def is_banned(session: AsyncSession, group_actor_id: int, actor_id: int) -> bool:
    """Whether `actor_id` is banned from the group now (local or remote group): a
    banned member may not join, and the group relays none of its posts."""
    return ban_in_force(await groups_q.get_ban(session, group_actor_id, actor_id))


async def decide_follow_of(
    session: AsyncSession, group_actor: Actor, follower: Actor
) -> JoinDecision:
    """`decide_follow` for the local group whose actor is `group_actor`; a `Group`
    actor without settings (never made by `create_group`) cannot be joined, nor a
    proposed group an admin has not approved, and a banned account is refused."""
    group = await q.get_group_by_actor_id(session, group_actor.id)
    if group is None:
        return JoinDecision("reject", NOT_A_GROUP)
    if group.approved_at is None:
        decision = JoinDecision("reject", NOT_APPROVED)
    elif await is_banned(session, group_actor.id, follower.id):
        decision = JoinDecision("reject", BANNED)
    else:
        moderator = await q.get_group_moderator(session, group.id, follower.id)
        decision = decide_follow(group, follower, moderator=moderator is not None)
    if decision.outcome == "reject":
        # The reason goes to the log: the Reject on the wire carries none.
        log.info(
            "group %s refuses %s: %s",
            group_actor.uri,
            follower.uri,
            decision.reason,
            extra={"group": group_actor.uri, "actor": follower.uri},
        )
    return decision


async def member_joined(
    session: AsyncSession, urls: Urls, group_actor: Actor, member: Actor
) -> None:
    """What follows a member's acceptance into local group `group_actor`, by the
    group's policy or a moderator: an `officials` group checks its members'
    offices daily from now on (services.groups.membership), and the quorum guard
    tells the member and the moderators when the group now holds a quorum of one
    of the member's bodies (services.groups.quorum)."""
    group = await q.get_group_by_actor_id(session, group_actor.id)
    if group is None:
        return
    if group.policy == GroupPolicy.OFFICIALS:
        await enqueue_daily(session, JobKind.GROUP_LAPSES)
    await quorum.warn_on_join(session, urls, group, group_actor, member)
