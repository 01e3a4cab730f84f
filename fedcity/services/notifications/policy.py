"""Notification policies (Mastodon 4.3): whether a notification from a stranger is
accepted, filtered (kept, out of the normal list until its request is accepted) or
dropped (never stored). Meant for accounts that many people mention, such as the
accounts of public officials.

The rules follow Mastodon's `NotifyService` Drop/FilterCondition: only some types are
filterable; a sender whose request was accepted, or a staff member mentioning a
lower-ranked account, passes; otherwise each policy whose condition holds votes, and
`drop` wins over `filter`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.storage.models import (
    POLICY_DEFAULTS,
    Actor,
    FollowState,
    Mention,
    NotificationPermission,
    NotificationPolicy,
    NotificationRequest,
    NotificationType,
    PolicyAction,
    Post,
    Visibility,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.types import utcnow


class Verdict(StrEnum):
    ACCEPT = "accept"
    FILTER = "filter"
    DROP = "drop"


POLICY_FIELDS = tuple(POLICY_DEFAULTS)
# Mastodon's Notification::PROPERTIES[type][:filterable]; status, update and poll
# notifications are never filtered.
FILTERABLE = frozenset(
    {
        NotificationType.MENTION,
        NotificationType.REBLOG,
        NotificationType.FOLLOW,
        NotificationType.FOLLOW_REQUEST,
        NotificationType.FAVOURITE,
    }
)
NEW_ACCOUNT_AGE = timedelta(days=30)
NEW_FOLLOWER_AGE = timedelta(days=3)  # a follower this recent still counts as none
THREAD_DEPTH = 100  # how far up a thread a private mention is looked for
_ROLE_RANK = {"user": 0, "moderator": 1, "admin": 2, "owner": 3}


@dataclass(frozen=True)
class PolicySummary:
    pending_requests_count: int
    pending_notifications_count: int


async def get_policy(session: AsyncSession, actor: Actor) -> NotificationPolicy:
    """The account's policy; an unsaved one with the defaults if it never set one."""
    row = await session.scalar(
        select(NotificationPolicy).where(NotificationPolicy.actor_id == actor.id)
    )
    if row is not None:
        return row
    return NotificationPolicy(actor_id=actor.id, **POLICY_DEFAULTS)


async def update_policy(
    session: AsyncSession, actor: Actor, changes: Mapping[str, str]
) -> NotificationPolicy:
    """Set the named policies to accept, filter or drop.

    Raises:
        Unprocessable: a value other than accept, filter or drop.
    """
    row = await get_policy(session, actor)
    for name, value in changes.items():
        if name not in POLICY_FIELDS:
            continue
        if value not in set(PolicyAction):
            raise Unprocessable(
                "Validation failed: {name} is not a valid policy", name=name
            )
        setattr(row, name, value)
    if row not in session:
        session.add(row)
    await session.flush()
    return row


async def summarize(session: AsyncSession, actor: Actor) -> PolicySummary:
    """Pending requests, and the filtered notifications they hold."""
    count, total = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(NotificationRequest.notifications_count), 0),
            ).where(NotificationRequest.actor_id == actor.id)
        )
    ).one()
    return PolicySummary(int(count), int(total))


async def judge(
    session: AsyncSession,
    recipient: Actor,
    sender: Actor,
    kind: str,
    post_id: int | None,
) -> Verdict:
    """What the recipient's policy does with a notification from `sender`, decided
    before anything is stored (a dropped one leaves no row; a filtered one is
    neither streamed nor pushed)."""
    if kind not in FILTERABLE:
        return Verdict.ACCEPT
    policy = await get_policy(session, recipient)
    wanted = {
        name: action
        for name in POLICY_FIELDS
        if (action := getattr(policy, name)) != PolicyAction.ACCEPT
    }
    facts = _Facts(session, recipient, sender, kind, post_id)
    votes = {
        action for name, action in wanted.items() if await _CONDITIONS[name](facts)
    }
    if not votes or await _exempt(session, recipient, sender, kind):
        return Verdict.ACCEPT
    return Verdict.DROP if PolicyAction.DROP in votes else Verdict.FILTER


async def _exempt(
    session: AsyncSession, recipient: Actor, sender: Actor, kind: str
) -> bool:
    """Senders the policy lets through whatever it says: one whose request the
    recipient accepted, and staff mentioning a lower-ranked account."""
    if await _permitted(session, recipient, sender):
        return True
    return kind == NotificationType.MENTION and await _from_staff(
        session, recipient, sender
    )


async def _permitted(session: AsyncSession, recipient: Actor, sender: Actor) -> bool:
    """The recipient accepted a request from this sender before."""
    found = await session.scalar(
        select(NotificationPermission.id).where(
            NotificationPermission.actor_id == recipient.id,
            NotificationPermission.from_actor_id == sender.id,
        )
    )
    return found is not None


async def _from_staff(session: AsyncSession, recipient: Actor, sender: Actor) -> bool:
    """A local moderator or administrator writing to a lower-ranked account (their
    mentions are not filtered, as in Mastodon)."""
    if not sender.is_local:
        return False
    sender_user = await actor_q.get_user_by_actor_id(session, sender.id)
    recipient_user = await actor_q.get_user_by_actor_id(session, recipient.id)
    if sender_user is None:
        return False
    theirs = _ROLE_RANK.get(recipient_user.role, 0) if recipient_user else 0
    return _ROLE_RANK.get(sender_user.role, 0) > theirs


class _Facts:
    """What the conditions ask about sender and notification, each read once and
    only when a policy needs it."""

    def __init__(
        self,
        session: AsyncSession,
        recipient: Actor,
        sender: Actor,
        kind: str,
        post_id: int | None,
    ) -> None:
        self.session = session
        self.recipient = recipient
        self.sender = sender
        self.kind = kind
        self.post_id = post_id
        self._following: bool | None = None

    async def not_following(self) -> bool:
        if self._following is None:
            self._following = await actor_q.is_follower(
                self.session, self.recipient.id, self.sender.id
            )
        return not self._following

    async def not_follower(self) -> bool:
        follow = await actor_q.get_follow(
            self.session, self.sender.id, self.recipient.id
        )
        return (
            follow is None
            or follow.state != FollowState.ACCEPTED
            or follow.created_at > utcnow() - NEW_FOLLOWER_AGE
        )

    async def new_account(self) -> bool:
        created = self.sender.published_at or self.sender.created_at
        return created > utcnow() - NEW_ACCOUNT_AGE and await self.not_following()

    async def private_mention(self) -> bool:
        """A direct mention that does not answer a private mention of the sender by
        the recipient further up the thread."""
        if self.kind != NotificationType.MENTION or self.post_id is None:
            return False
        if not await self.not_following():
            return False
        post = await self.session.get(Post, self.post_id)
        if post is None or post.visibility != Visibility.DIRECT:
            return False
        return not await self._answers_recipient(post)

    async def _answers_recipient(self, post: Post) -> bool:
        parent_id = post.in_reply_to_id
        seen: set[int] = set()
        while parent_id is not None and parent_id not in seen:
            if len(seen) >= THREAD_DEPTH:
                return False
            seen.add(parent_id)
            parent = await self.session.get(Post, parent_id)
            if parent is None:
                return False
            if (
                parent.actor_id == self.recipient.id
                and parent.visibility == Visibility.DIRECT
                and await self._mentions_sender(parent.id)
            ):
                return True
            parent_id = parent.in_reply_to_id
        return False

    async def _mentions_sender(self, post_id: int) -> bool:
        found = await self.session.scalar(
            select(Mention.post_id).where(
                Mention.post_id == post_id, Mention.actor_id == self.sender.id
            )
        )
        return found is not None

    async def limited(self) -> bool:
        # Mastodon's "limited" accounts are those a moderator silenced. fedcity has
        # no such moderation state yet, so this policy never applies.
        return False


_CONDITIONS: dict[str, Callable[[_Facts], Awaitable[bool]]] = {
    "for_not_following": _Facts.not_following,
    "for_not_followers": _Facts.not_follower,
    "for_new_accounts": _Facts.new_account,
    "for_private_mentions": _Facts.private_mention,
    "for_limited_accounts": _Facts.limited,
}
