"""Follows between actors: who follows whom, and whether it was accepted."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
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
