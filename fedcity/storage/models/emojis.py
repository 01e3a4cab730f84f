"""Custom emoji that the instance's admins add (`fedcity emoji add`).

Posts and profiles do not point at these rows: each keeps the emoji its text used
when it was written (`Post.emojis`, `Actor.emojis`, see `services.custom_emojis`),
so remote emoji need no table and a timeline needs no extra query.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import utcnow


class CustomEmoji(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "custom_emojis"

    shortcode: Mapped[str] = mapped_column(String(64), unique=True)
    file_path: Mapped[str] = mapped_column(String(255))  # under the media root
    static_path: Mapped[str] = mapped_column(String(255))  # a still PNG
    content_type: Mapped[str] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(64))
    visible_in_picker: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
