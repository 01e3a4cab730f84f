"""Notifications for local accounts."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, Notification, NotificationType


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
