"""Web Push: the instance's VAPID key and the subscriptions apps register.

Both live in the database so that every `serve` and `worker` process signs with the
same key and sends to the same subscriptions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc, utcnow


class InstanceKey(CreatedAtMixin, Base):
    """A key pair that belongs to the instance itself, by purpose ("vapid").

    Generated once, by whichever process starts first (an insert that ignores a
    conflict, then a read), and never rotated: push services bind subscriptions to
    the VAPID public key, so a new key would orphan every subscription."""

    __tablename__ = "instance_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(String(255))  # base64url, unpadded


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
