"""Notifications for local accounts: whether one is created at all, and with what
group key and policy verdict."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.ids import new_id
from fedcity.services.events import record
from fedcity.services.notifications import requests as notification_requests
from fedcity.services.notifications.groups import group_key_for
from fedcity.services.notifications.policy import Verdict, judge
from fedcity.services.notifications.push import enqueue_web_push
from fedcity.storage.models import (
    AccountWarning,
    Actor,
    Follow,
    FollowState,
    Notification,
    NotificationType,
    Post,
    Visibility,
)
from fedcity.storage.queries import notifications as q
from fedcity.storage.queries.conversation_mutes import is_conversation_muted
from fedcity.storage.queries.feeds import is_silenced_for_notifications
from fedcity.storage.types import utcnow


async def notify(
    session: AsyncSession,
    recipient: Actor,
    sender: Actor,
    kind: NotificationType,
    post_id: int | None = None,
) -> Notification | None:
    """Notify a local recipient, unless the recipient's mutes, blocks or notification
    policy say no. A notification the policy filters is stored but not announced;
    only a shown one is recorded as an event (and so streamed)."""
    if await _unwanted(session, recipient, sender, kind, post_id):
        return None
    verdict = await judge(session, recipient, sender, kind, post_id)
    if verdict is Verdict.DROP:
        return None
    row = await _store(
        session, recipient, sender, kind, post_id, filtered=verdict is Verdict.FILTER
    )
    if row.filtered:
        await notification_requests.note_filtered(session, row)
        return row
    record(session, "notification", notification_id=row.id, recipient_id=recipient.id)
    await enqueue_web_push(session, recipient, sender, kind, row.id)
    return row


async def withdraw(
    session: AsyncSession,
    sender_id: int,
    kinds: Collection[NotificationType],
    *,
    recipient_id: int,
    post_id: int | None = None,
) -> None:
    """An undone action takes back its notification, as in Mastodon, where a
    notification belongs to its favourite, boost, follow or follow request and is
    destroyed with it."""
    conditions = [
        Notification.recipient_id == recipient_id,
        Notification.from_actor_id == sender_id,
        Notification.type.in_(list(kinds)),
    ]
    if post_id is not None:
        conditions.append(Notification.post_id == post_id)
    deleted = await q.delete_matching(session, *conditions)
    await notification_requests.forget_deleted(session, deleted)


async def withdraw_from_author(
    session: AsyncSession, sender_id: int, kind: NotificationType, post_id: int
) -> None:
    """Take back what `sender_id` did to a post (a favourite, a boost) from the
    notifications of the post's author."""
    post = await session.get(Post, post_id)
    if post is not None:
        await withdraw(
            session, sender_id, [kind], recipient_id=post.actor_id, post_id=post.id
        )


async def withdraw_for_post(session: AsyncSession, post_id: int) -> None:
    """A deleted post takes its notifications with it (mentions, favourites and
    boosts of it, poll results, edits)."""
    deleted = await q.delete_matching(session, Notification.post_id == post_id)
    await notification_requests.forget_deleted(session, deleted)


async def _unwanted(
    session: AsyncSession,
    recipient: Actor,
    sender: Actor,
    kind: NotificationType,
    post_id: int | None,
) -> bool:
    """Remote recipients are not notified, nor anyone of their own actions (except a
    poll of theirs ending), of a thread they muted, or of what an account they muted
    (with notifications) or a domain they blocked did."""
    if not recipient.is_local:
        return True
    if recipient.id == sender.id and kind != NotificationType.POLL:
        return True
    if post_id is not None and await is_conversation_muted(
        session, recipient.id, post_id
    ):
        return True
    return await is_silenced_for_notifications(session, recipient.id, sender)


async def _store(
    session: AsyncSession,
    recipient: Actor,
    sender: Actor,
    kind: NotificationType,
    post_id: int | None,
    *,
    filtered: bool,
) -> Notification:
    now = utcnow()
    row = Notification(
        id=new_id(),
        recipient_id=recipient.id,
        from_actor_id=sender.id,
        type=kind,
        post_id=post_id,
        created_at=now,
        filtered=filtered,
        # Filtered notifications stay ungrouped, even once accepted (Mastodon).
        group_key=None
        if filtered
        else await group_key_for(session, recipient.id, kind, post_id, now),
    )
    session.add(row)
    return row


async def notify_subscribers(session: AsyncSession, author: Actor, post: Post) -> None:
    """Followers who asked to be notified (follow with notify=true) hear of new posts;
    not of direct messages, nor of replies to other people."""
    if post.visibility == Visibility.DIRECT or (
        post.in_reply_to_actor_id not in (None, author.id)
    ):
        return
    subscribers = await session.scalars(
        select(Actor)
        .join(Follow, Follow.actor_id == Actor.id)
        .where(
            Follow.target_id == author.id,
            Follow.notify.is_(True),
            Follow.state == FollowState.ACCEPTED,
            Actor.domain.is_(None),
        )
    )
    for subscriber in subscribers:
        await notify(session, subscriber, author, NotificationType.STATUS, post.id)


async def notify_moderation_warning(
    session: AsyncSession, target: Actor, warning: AccountWarning
) -> Notification:
    """Tell a local account what a moderator did to it (`moderation_warning`,
    from the account itself, as Mastodon): never muted, filtered or grouped."""
    row = Notification(
        id=new_id(),
        recipient_id=target.id,
        from_actor_id=target.id,
        type=NotificationType.MODERATION_WARNING,
        account_warning_id=warning.id,
        created_at=utcnow(),
        filtered=False,
    )
    session.add(row)
    await session.flush()
    record(session, "notification", notification_id=row.id, recipient_id=target.id)
    return row
