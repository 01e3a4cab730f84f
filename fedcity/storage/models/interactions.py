"""What an account does with a status besides replying or boosting: favourites,
bookmarks and pins."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin


class Favourite(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`actor` favourited `post` (an ActivityPub `Like`, whose id is `uri`)."""

    __tablename__ = "favourites"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(String(2048), unique=True)

    __table_args__ = (UniqueConstraint("actor_id", "post_id"),)


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
