"""Notifications for local accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import (
    Actor,
    Follow,
    FollowState,
    Notification,
    NotificationType,
    Post,
    Visibility,
)


async def notify(
    session: AsyncSession,
    recipient: Actor,
    sender: Actor,
    kind: NotificationType,
    post_id: int | None = None,
) -> None:
    """Notify a local recipient; remote recipients and self-actions are not notified."""
    if not recipient.is_local or recipient.id == sender.id:
        return
    session.add(
        Notification(
            recipient_id=recipient.id,
            from_actor_id=sender.id,
            type=kind,
            post_id=post_id,
        )
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
