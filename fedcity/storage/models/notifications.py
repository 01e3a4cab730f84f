"""Notifications, how a local account filters those from strangers (Mastodon 4.3's
notification policy), the requests that gather what was filtered, the senders whose
notifications the account accepted, and the Web Push subscriptions that carry them
to apps."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc, utcnow


class NotificationType(StrEnum):
    MENTION = "mention"
    FOLLOW = "follow"
    FOLLOW_REQUEST = "follow_request"
    FAVOURITE = "favourite"
    REBLOG = "reblog"
    STATUS = "status"
    UPDATE = "update"
    POLL = "poll"  # a poll the account voted in or wrote has ended
    MODERATION_WARNING = "moderation_warning"  # a moderator acted on the account


class Notification(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`group_key` is set when the notification is created (Mastodon's
    `Notification#set_group_key!`: favourites and boosts of one post, and follows,
    within a span of hours share one); None means the notification stands alone.
    `filtered` notifications were held back by the recipient's notification policy:
    kept, but out of the normal list until their request is accepted."""

    __tablename__ = "notifications"

    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE")
    )
    from_actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE")
    )
    type: Mapped[str] = mapped_column(String(32))
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE")
    )
    group_key: Mapped[str | None] = mapped_column(String(255))
    # For `moderation_warning`: the warning the account is shown.
    account_warning_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_warnings.id", ondelete="CASCADE")
    )
    filtered: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        Index("ix_notifications_recipient_id_id", "recipient_id", "id"),
        Index("ix_notifications_recipient_id_group_key", "recipient_id", "group_key"),
        Index("ix_notifications_post_id", "post_id"),
        Index(
            "ix_notifications_recipient_id_from_actor_id",
            "recipient_id",
            "from_actor_id",
        ),
    )


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


class WebPushSubscription(SnowflakeIdMixin, CreatedAtMixin, Base):
    """Where to push an account's notifications for one access token (one each).

    `access_token` is the plain bearer token the subscription was made with: Mastodon's
    push payload carries it so that an app holding several accounts can tell whose
    notification arrived. It is the only place fedcity keeps a token in the clear,
    and it goes with the subscription (or with the token's row)."""

    __tablename__ = "web_push_subscriptions"

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    access_token_id: Mapped[int] = mapped_column(
        ForeignKey("access_tokens.id", ondelete="CASCADE"), unique=True
    )
    access_token: Mapped[str] = mapped_column(String(255))
    endpoint: Mapped[str] = mapped_column(String(2048))
    key_p256dh: Mapped[str] = mapped_column(String(255))
    key_auth: Mapped[str] = mapped_column(String(255))
    # True: RFC 8291 aes128gcm and RFC 8292 `vapid` auth; False: the drafts
    # (aesgcm, `WebPush` auth) that Mastodon still speaks to older apps.
    standard: Mapped[bool] = mapped_column(default=False)
    alerts: Mapped[dict[str, bool]] = mapped_column(JSONDoc, default=dict)
    policy: Mapped[str] = mapped_column(String(16), default="all")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
