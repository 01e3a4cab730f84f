"""Notifications for local accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.ids import new_id
from fedcity.services.events import record
from fedcity.services.push import enqueue_web_push
from fedcity.storage.models import (
    Actor,
    Follow,
    FollowState,
    Notification,
    NotificationType,
    Post,
    Visibility,
)
from fedcity.storage.queries.feeds import is_silenced_for_notifications
from fedcity.storage.queries.status_extras import is_conversation_muted


async def notify(
    session: AsyncSession,
    recipient: Actor,
    sender: Actor,
    kind: NotificationType,
    post_id: int | None = None,
) -> None:
    """Notify a local recipient; remote recipients and self-actions are not notified,
    nor is anyone of what an account they muted (with notifications) or a domain they
    blocked did."""
    if not recipient.is_local or recipient.id == sender.id:
        return
    if post_id is not None and await is_conversation_muted(
        session, recipient.id, post_id
    ):
        return  # the recipient muted this thread
    if await is_silenced_for_notifications(session, recipient.id, sender):
        return
    notification_id = new_id()
    session.add(
        Notification(
            id=notification_id,
            recipient_id=recipient.id,
            from_actor_id=sender.id,
            type=kind,
            post_id=post_id,
        )
    )
    await enqueue_web_push(session, recipient, sender, kind, notification_id)
    record(
        session,
        "notification",
        notification_id=notification_id,
        recipient_id=recipient.id,
    )


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
