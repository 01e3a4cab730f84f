"""Relations between actors and posts: follows, favourites, blocks, notifications."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin


class FollowState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"


class Follow(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`actor` follows `target`. Undone or rejected follows are deleted (Mastodon)."""

    __tablename__ = "follows"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default=FollowState.PENDING)
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    show_reblogs: Mapped[bool] = mapped_column(default=True)
    notify: Mapped[bool] = mapped_column(default=False)
    # The languages whose posts by `target` reach the home timeline (Mastodon's
    # follow `languages`), as ",en,es," so that one portable LIKE tests a post's
    # language; None for all. `services.follows` reads and writes it.
    languages: Mapped[str | None] = mapped_column(String(255), default=None)

    __table_args__ = (UniqueConstraint("actor_id", "target_id"),)


class Favourite(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "favourites"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(String(2048), unique=True)

    __table_args__ = (UniqueConstraint("actor_id", "post_id"),)


class Block(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "blocks"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(String(2048), unique=True)

    __table_args__ = (UniqueConstraint("actor_id", "target_id"),)


class NotificationType(StrEnum):
    MENTION = "mention"
    FOLLOW = "follow"
    FOLLOW_REQUEST = "follow_request"
    FAVOURITE = "favourite"
    REBLOG = "reblog"
    STATUS = "status"
    UPDATE = "update"
    POLL = "poll"  # a poll the account voted in or wrote has ended


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
