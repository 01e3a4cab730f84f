"""Whether a local group carries a post: the checks a post passes before the
group announces it. Who may post at all is services.groups.membership's (approval,
bans, membership, the `officials` policy); this adds what depends on the post:
its visibility, the thread's lock, the quorum guard on replies, and posts that
come through a group a hub group follows.

A refusal has a stable reason (logged) and the text its author is told, in the
author's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import i18n
from fedcity.i18n import N_
from fedcity.services.groups import membership, notices, quorum
from fedcity.storage.models import (
    Actor,
    Group,
    GroupThread,
    GroupVisibility,
    Post,
    Visibility,
)
from fedcity.storage.queries import actors as actor_q

LOCKED: Final = N_("This thread is locked")
NOT_PUBLIC: Final = N_("A public group relays only public and unlisted posts")
QUORUM: Final = "quorum"
# Refusals a local author hears at once, as an error of the post itself: they
# meant to post in the group. A non-member's mention of a group, or a reply to a
# post a group carries, is an ordinary post that the group just does not relay.
TOLD_AT_ONCE: Final = frozenset(
    {membership.BANNED, membership.NOT_AN_OFFICIAL, LOCKED, QUORUM}
)


@dataclass(frozen=True)
class Refusal:
    reason: str  # a stable reason: a message id, or QUORUM
    text: str  # what the author is told, in the author's language

    @property
    def told_at_once(self) -> bool:
        return self.reason in TOLD_AT_ONCE


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
) -> Refusal | None:
    """Why `group` refuses `author`'s `post` (in `thread`, None for a new one), or
    None when it carries it. A post that comes `via` a group this group follows
    is the followed group's to judge: only this group's approval, visibility and
    locks apply."""
    if group.approved_at is None:
        return await _refusal(session, author, membership.NOT_APPROVED)
    if group.visibility == GroupVisibility.PUBLIC and post.visibility in (
        Visibility.PRIVATE,
        Visibility.DIRECT,
    ):
        # Announcing it to Public would widen its audience.
        return await _refusal(session, author, NOT_PUBLIC)
    if via is not None and await actor_q.is_follower(session, group_actor.id, via.id):
        return await _lock_refusal(session, author, thread)
    reason = await membership.refusal_reason(session, group, author, today)
    if reason is not None:
        return await _refusal(session, author, reason)
    if (locked := await _lock_refusal(session, author, thread)) is not None:
        return locked
    return await _quorum_refusal(session, group, author, post, today)


async def _refusal(session: AsyncSession, author: Actor, reason: str) -> Refusal:
    language = await notices.language_of(session, author)
    return Refusal(reason, i18n.translate(language, reason))


async def _lock_refusal(
    session: AsyncSession, author: Actor, thread: GroupThread | None
) -> Refusal | None:
    if thread is None or thread.locked_at is None:
        return None
    return await _refusal(session, author, LOCKED)


async def _quorum_refusal(
    session: AsyncSession, group: Group, author: Actor, post: Post, today: date | None
) -> Refusal | None:
    """The quorum guard on a reply to another member of the author's body."""
    if post.in_reply_to_actor_id is None:
        return None
    parent_author = await session.get(Actor, post.in_reply_to_actor_id)
    if parent_author is None:
        return None
    text = await quorum.reply_refusal(session, group, author, parent_author, today)
    return Refusal(QUORUM, text) if text is not None else None
