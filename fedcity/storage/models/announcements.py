"""Announcements that the instance's admins show to every local account, with each
account's reactions and the announcements it dismissed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import utcnow


class Announcement(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "announcements"

    text: Mapped[str] = mapped_column(Text)  # as the admin typed it
    content: Mapped[str] = mapped_column(Text)  # rendered HTML
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    all_day: Mapped[bool] = mapped_column(default=False)
    # An unpublished announcement is kept for the admins but shown to nobody.
    published: Mapped[bool] = mapped_column(default=True, server_default=true())
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnnouncementDismissal(Base):
    """An announcement a local account marked as read."""

    __tablename__ = "announcement_dismissals"

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )


class AnnouncementReaction(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "announcement_reactions"

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE")
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))  # a Unicode emoji

    __table_args__ = (UniqueConstraint("announcement_id", "actor_id", "name"),)
