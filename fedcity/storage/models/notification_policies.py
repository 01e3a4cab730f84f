"""How a local account filters notifications from strangers (Mastodon 4.3's
notification policy), the requests that gather what was filtered, and the senders
whose notifications the account accepted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import utcnow


class PolicyAction(StrEnum):
    ACCEPT = "accept"
    FILTER = "filter"  # kept, marked filtered, shown only on request
    DROP = "drop"  # never stored


# Mastodon's defaults: strangers' private mentions and limited accounts filtered.
POLICY_DEFAULTS: dict[str, PolicyAction] = {
    "for_not_following": PolicyAction.ACCEPT,
    "for_not_followers": PolicyAction.ACCEPT,
    "for_new_accounts": PolicyAction.ACCEPT,
    "for_private_mentions": PolicyAction.FILTER,
    "for_limited_accounts": PolicyAction.FILTER,
}


def _policy_column() -> Mapped[str]:
    return mapped_column(String(8))


class NotificationPolicy(SnowflakeIdMixin, CreatedAtMixin, Base):
    """One account's policy; an account without a row has `POLICY_DEFAULTS`."""

    __tablename__ = "notification_policies"

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), unique=True
    )
    for_not_following: Mapped[str] = _policy_column()
    for_not_followers: Mapped[str] = _policy_column()
    for_new_accounts: Mapped[str] = _policy_column()
    for_private_mentions: Mapped[str] = _policy_column()
    for_limited_accounts: Mapped[str] = _policy_column()


class NotificationRequest(SnowflakeIdMixin, CreatedAtMixin, Base):
    """Filtered mentions from one sender, waiting for the recipient to accept or
    dismiss them. `notifications_count` is recounted whenever they change."""

    __tablename__ = "notification_requests"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    from_actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE")
    )
    last_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL")
    )
    notifications_count: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("actor_id", "from_actor_id"),
        Index("ix_notification_requests_actor_id_id", "actor_id", "id"),
    )


class NotificationPermission(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`actor` accepted a request from `from_actor`: the policy no longer filters
    or drops that sender's notifications."""

    __tablename__ = "notification_permissions"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    from_actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE")
    )

    __table_args__ = (UniqueConstraint("actor_id", "from_actor_id"),)
