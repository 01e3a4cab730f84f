"""Media attachments uploaded by local accounts (images, video, audio), and the
instance's custom emoji.

Remote posts keep their attachments in `Post.attachments` (JSON); a row here is a
file this instance stores. `post_id` stays NULL until a status is posted with it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import utcnow


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


# Custom emoji that the instance's admins add (`fedcity emoji add`). Posts and
# profiles do not point at these rows: each keeps the emoji its text used when it
# was written (`Post.emojis`, `Actor.emojis`, see `services.custom_emojis`), so
# remote emoji need no table and a timeline needs no extra query.
class CustomEmoji(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "custom_emojis"

    shortcode: Mapped[str] = mapped_column(String(64), unique=True)
    file_path: Mapped[str] = mapped_column(String(255))  # under the media root
    static_path: Mapped[str] = mapped_column(String(255))  # a still PNG
    content_type: Mapped[str] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(64))
    visible_in_picker: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
