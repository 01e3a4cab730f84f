"""Lists of followed accounts and followed hashtags: how a person shapes the home feed;
and where the person stopped reading it (timeline markers, conversation states)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import utcnow


class RepliesPolicy(StrEnum):
    """Which replies a list timeline shows (Mastodon's `replies_policy`)."""

    FOLLOWED = "followed"
    LIST = "list"
    NONE = "none"


class UserList(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A list owned by a local account. `exclusive` lists keep their members' posts
    out of the owner's home timeline."""

    __tablename__ = "lists"

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(255))
    replies_policy: Mapped[str] = mapped_column(String(16), default=RepliesPolicy.LIST)
    exclusive: Mapped[bool] = mapped_column(default=False)


class ListMember(SnowflakeIdMixin, CreatedAtMixin, Base):
    """An account in a list. It hangs on the owner's follow (as Mastodon's
    list_accounts do), so unfollowing or blocking removes it from the owner's lists."""

    __tablename__ = "list_members"

    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    follow_id: Mapped[int | None] = mapped_column(
        ForeignKey("follows.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("list_id", "actor_id"),)


class TagFollow(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A local account follows a hashtag: its public posts join the home timeline."""

    __tablename__ = "tag_follows"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("actor_id", "tag_id"),)


class Marker(SnowflakeIdMixin, Base):
    """Where an account stopped reading a timeline (`home` or `notifications`)."""

    __tablename__ = "markers"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    timeline: Mapped[str] = mapped_column(String(32))
    last_read_id: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("actor_id", "timeline"),)


class ConversationState(SnowflakeIdMixin, Base):
    """An account's state in one direct-message conversation (keyed by its
    conversation URI): read up to `last_read_id`, hidden up to `hidden_up_to_id`."""

    __tablename__ = "conversation_states"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    conversation_uri: Mapped[str] = mapped_column(String(2048))
    last_read_id: Mapped[int] = mapped_column(BigInteger, default=0)
    hidden_up_to_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (UniqueConstraint("actor_id", "conversation_uri"),)
