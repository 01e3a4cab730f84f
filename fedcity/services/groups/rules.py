"""Whether a group carries a post: the checks a post passes before the group
announces it (membership, bans, the `officials` policy, a locked thread).

Each refusal is a stable reason, logged by the relay and told to the author."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.i18n import N_
from fedcity.services.groups.joining import is_verified_official
from fedcity.storage.models import (
    Actor,
    Group,
    GroupPolicy,
    GroupThread,
    GroupVisibility,
    Post,
    Visibility,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as q
from fedcity.storage.types import utcnow

NOT_APPROVED = N_("This group is waiting for an admin's approval")
NOT_A_MEMBER = N_("Only members of this group may post in it")
BANNED = N_("You are banned from this group")
NOT_AN_OFFICIAL = N_("Only accounts holding a verified office may post in this group")
LOCKED = N_("This thread is locked")
NOT_PUBLIC = N_("A public group relays only public and unlisted posts")
# Refusals a local author hears at once, as an error of the post itself: they
# meant to post in the group. A non-member's mention of a group, or a reply to a
# post a group carries, is an ordinary post that the group just does not relay.
TOLD_AT_ONCE = frozenset({BANNED, NOT_AN_OFFICIAL, LOCKED})


async def refusal_to_post(
    session: AsyncSession,
    group: Group,
    group_actor: Actor,
    author: Actor,
    post: Post,
    thread: GroupThread | None,
    *,
    via: Actor | None = None,
    today: date | None = None,
) -> str | None:
    """Why `group` refuses `author`'s `post` (in `thread`, None for a new one), or
    None when it carries it. A moderator may post in any thread it moderates. A
    post that comes `via` a group this group follows is the followed group's to
    judge: only this group's own approval, visibility and locks apply."""
    if group.approved_at is None:
        return NOT_APPROVED
    if group.visibility == GroupVisibility.PUBLIC and post.visibility in (
        Visibility.PRIVATE,
        Visibility.DIRECT,
    ):
        return NOT_PUBLIC  # announcing it to Public would widen its audience
    if via is not None and await actor_q.is_follower(session, group_actor.id, via.id):
        return _lock_refusal(thread)
    moderator = await actor_q.get_group_moderator(session, group.id, author.id)
    if moderator is not None:
        return None
    if not await actor_q.is_follower(session, author.id, group_actor.id):
        return NOT_A_MEMBER
    if await is_banned(session, group_actor.id, author.id):
        return BANNED
    if group.policy == GroupPolicy.OFFICIALS and not is_verified_official(
        author, today
    ):
        return NOT_AN_OFFICIAL
    return _lock_refusal(thread)


def _lock_refusal(thread: GroupThread | None) -> str | None:
    return LOCKED if thread is not None and thread.locked_at is not None else None


async def is_banned(session: AsyncSession, group_actor_id: int, actor_id: int) -> bool:
    """Whether a ban of `actor_id` by the group holds now (an expired one does not)."""
    ban = await q.get_ban(session, group_actor_id, actor_id)
    return ban is not None and (ban.expires_at is None or ban.expires_at > utcnow())
