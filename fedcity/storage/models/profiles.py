"""What an account shows or keeps about other accounts and hashtags on its profile:
endorsed (featured) accounts, featured hashtags, private notes, and the follow
suggestions it dismissed."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin


class Endorsement(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`actor` features `target` (an account it follows) on its profile."""

    __tablename__ = "endorsements"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("actor_id", "target_id"),)


class FeaturedTag(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A hashtag `actor` features on its profile (the `featuredTags` collection)."""

    __tablename__ = "featured_tags"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("actor_id", "tag_id"),)


class AccountNote(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A private comment `actor` keeps about `target`; only `actor` sees it."""

    __tablename__ = "account_notes"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    comment: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("actor_id", "target_id"),)


class SuggestionDismissal(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`actor` asked not to be suggested `target` to follow again."""

    __tablename__ = "suggestion_dismissals"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("actor_id", "target_id"),)
