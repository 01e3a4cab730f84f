"""What an account keeps about statuses beyond posting them: bookmarks, pins,
muted conversations, idempotency keys of recent posts, and scheduled statuses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc


class Bookmark(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A status saved by a local account; private to that account."""

    __tablename__ = "bookmarks"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("actor_id", "post_id"),)


class Pin(SnowflakeIdMixin, CreatedAtMixin, Base):
    """An own status featured on the profile (the `featured` collection)."""

    __tablename__ = "pins"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("actor_id", "post_id"),)


class ConversationMute(SnowflakeIdMixin, CreatedAtMixin, Base):
    """No notifications from this thread for this account. `conversation` is the
    thread's key: the root's `conversation_uri`, or the root post's uri."""

    __tablename__ = "conversation_mutes"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    conversation: Mapped[str] = mapped_column(String(2048))

    __table_args__ = (UniqueConstraint("actor_id", "conversation"),)


class IdempotencyKey(SnowflakeIdMixin, CreatedAtMixin, Base):
    """The `Idempotency-Key` of a recent POST /api/v1/statuses: a repeat within an
    hour answers with the same status. `post_id` is NULL only while the first
    request is still creating its post."""

    __tablename__ = "idempotency_keys"

    account_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE")
    )

    __table_args__ = (UniqueConstraint("account_id", "key"),)


class ScheduledStatus(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A status to publish at `scheduled_at` (by a `publish_scheduled` job).

    `params` holds what the client sent, as Mastodon's ScheduledStatus shows it,
    plus `mention_ids` ({handle: actor id}, resolved when it was scheduled)."""

    __tablename__ = "scheduled_statuses"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    scheduled_at: Mapped[datetime]
    params: Mapped[dict[str, Any]] = mapped_column(JSONDoc)

    __table_args__ = (
        Index(
            "ix_scheduled_statuses_actor_id_scheduled_at", "actor_id", "scheduled_at"
        ),
    )
