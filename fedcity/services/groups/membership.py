"""Who may post in a local group, and the `officials` policy kept after joining:
a member whose verified office lapsed (its term ended, its attestation was revoked
or no longer checks) leaves the group, and is told why by the group.

The relay asks `may_post` for each post a member sends the group. Office changes
queue a `group_lapses` job for the account (`recheck_offices`, called whenever
its offices summary is rewritten), and the same job runs daily for every member
of every `officials` group, since a term ends with no change to any record.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import i18n
from fedcity.i18n import N_
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue, enqueue_daily
from fedcity.services.groups import notices
from fedcity.services.groups.joining import (
    holds_verified_office,
    is_banned,
    is_verified_official,
)
from fedcity.services.social.follows import remove_follower
from fedcity.storage.models import Actor, Group, GroupPolicy
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

# Why a group does not relay a post (its author is told in its language).
NOT_APPROVED: Final = N_("This group is waiting for an administrator's approval")
BANNED: Final = N_("You are banned from this group")
NOT_A_MEMBER: Final = N_("Only members of this group may post in it")
NOT_AN_OFFICIAL: Final = N_(
    "Only accounts holding a verified office may post in this group"
)
LAPSED: Final = N_(
    "You are no longer a member of the group {group}: only accounts holding a "
    "verified office may take part in it, and none of your offices reads as "
    "verified any more (a term that ended, or an attestation revoked or no "
    "longer verified). Once an office of yours is verified again, you may "
    "join again."
)


async def may_post(
    session: AsyncSession, group: Group, author: Actor, today: date | None = None
) -> str | None:
    """Why `author` may not post in local group `group` now, in the author's
    language; None when it may. In order: a group still awaiting approval, a ban
    that has not expired, no membership (an accepted follow; a moderator need
    none), and in an `officials` group no office verified `today` (moderators
    excepted, as when they join)."""
    reason = await refusal_reason(session, group, author, today)
    if reason is None:
        return None
    return i18n.translate(await notices.language_of(session, author), reason)


async def refusal_reason(
    session: AsyncSession, group: Group, author: Actor, today: date | None
) -> str | None:
    if group.approved_at is None:
        return NOT_APPROVED
    if await is_banned(session, group.actor_id, author.id):
        return BANNED
    if await actor_q.get_group_moderator(session, group.id, author.id) is not None:
        return None
    if not await actor_q.is_follower(session, author.id, group.actor_id):
        return NOT_A_MEMBER
    if group.policy == GroupPolicy.OFFICIALS and not is_verified_official(
        author, today
    ):
        return NOT_AN_OFFICIAL
    return None


async def recheck_offices(session: AsyncSession, subject: Actor) -> None:
    """`subject`'s offices changed: if it holds no verified office now and is a
    member of an `officials` group here, its memberships are checked off the
    caller's path (a `group_lapses` job, which writes to it as the group)."""
    if subject.id is None or is_verified_official(subject):
        return
    if await q.list_officials_groups(session, subject.id):
        await enqueue(session, JobKind.GROUP_LAPSES, {"actor_id": subject.id})


async def daily_lapse_check(
    session: AsyncSession, urls: Urls, today: date | None = None
) -> list[Actor]:
    """The daily pass: every `officials` group drops its lapsed members; the next
    pass is queued for tomorrow while such a group has members."""
    removed = await drop_lapsed(session, urls, today=today)
    if await q.has_officials_group_members(session):
        await enqueue_daily(session, JobKind.GROUP_LAPSES)
    return removed


async def drop_lapsed(
    session: AsyncSession,
    urls: Urls,
    *,
    member_id: int | None = None,
    today: date | None = None,
) -> list[Actor]:
    """Each `officials` group (only those `member_id` belongs to, when given)
    removes its members who hold no office verified `today`, moderators excepted,
    as an account removes a follower (a remote member's server hears `Reject`),
    and tells each why. Returns the members removed (once per group)."""
    day = today or utcnow().date()
    removed: list[Actor] = []
    for group, group_actor in await q.list_officials_groups(session, member_id):
        moderators = {
            m.id for m in await actor_q.list_group_moderators(session, group.id)
        }
        lapsed = [
            id_
            for id_, capacity, offices in await q.list_member_offices(
                session, group_actor.id, member_id
            )
            if id_ not in moderators
            and not holds_verified_office(offices, capacity, day)
        ]
        members = await actor_q.list_actors_by_ids(session, lapsed)
        for member in members.values():
            await _remove(session, urls, group_actor, member)
            removed.append(member)
    return removed


async def _remove(
    session: AsyncSession, urls: Urls, group_actor: Actor, member: Actor
) -> None:
    await remove_follower(session, group_actor, member)
    language = await notices.language_of(session, member)
    text = i18n.translate(language, LAPSED, {"group": notices.group_name(group_actor)})
    await notices.send(
        session,
        urls,
        group_actor,
        member,
        text,
        language=language,
        about={"lapsed": utcnow().date().isoformat()},
    )
