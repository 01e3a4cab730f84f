"""Media attachments uploaded by local accounts (images, video, audio).

Remote posts keep their attachments in `Post.attachments` (JSON); a row here is a
file this instance stores. `post_id` stays NULL until a status is posted with it.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin


class MediaType(StrEnum):
    IMAGE = "image"
    GIFV = "gifv"
    VIDEO = "video"
    AUDIO = "audio"
    UNKNOWN = "unknown"


class MediaAttachment(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "media_attachments"

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )
    # Order among the post's attachments (the order of `media_ids`).
    position: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(16), default=MediaType.UNKNOWN)
    # Paths are relative to `[media] root`; None for a remote-only attachment.
    file_path: Mapped[str | None] = mapped_column(String(512))
    thumbnail_path: Mapped[str | None] = mapped_column(String(512))
    content_type: Mapped[str] = mapped_column(String(255))
    file_size: Mapped[int] = mapped_column(default=0)
    width: Mapped[int | None]
    height: Mapped[int | None]
    thumbnail_width: Mapped[int | None]
    thumbnail_height: Mapped[int | None]
    blurhash: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    focus_x: Mapped[float] = mapped_column(Float, default=0.0)
    focus_y: Mapped[float] = mapped_column(Float, default=0.0)
    remote_url: Mapped[str | None] = mapped_column(String(2048))
