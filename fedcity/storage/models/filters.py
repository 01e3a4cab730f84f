"""Content filters (Mastodon's v2 filters): keywords and single statuses."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc


class FilterAction(StrEnum):
    WARN = "warn"
    HIDE = "hide"


FILTER_CONTEXTS = ("home", "notifications", "public", "thread", "account")


class Filter(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A named filter of a local account, applied in the listed `contexts`."""

    __tablename__ = "filters"

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(255))
    contexts: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    action: Mapped[str] = mapped_column(String(8), default=FilterAction.WARN)
    expires_at: Mapped[datetime | None]


class FilterKeyword(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "filter_keywords"

    filter_id: Mapped[int] = mapped_column(
        ForeignKey("filters.id", ondelete="CASCADE"), index=True
    )
    keyword: Mapped[str] = mapped_column(String(255))
    whole_word: Mapped[bool] = mapped_column(default=True)


class FilterStatus(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "filter_statuses"

    filter_id: Mapped[int] = mapped_column(ForeignKey("filters.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("filter_id", "post_id"),)
