"""Link preview cards: what a linked page says about itself (OpenGraph, Twitter and
oEmbed meta), fetched once per URL and shared by every post that links it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin


class PreviewCard(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "preview_cards"

    url: Mapped[str] = mapped_column(String(2048), unique=True)
    type: Mapped[str] = mapped_column(String(16), default="link")  # link | video
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    author_name: Mapped[str] = mapped_column(Text, default="")
    author_url: Mapped[str] = mapped_column(String(2048), default="")
    provider_name: Mapped[str] = mapped_column(Text, default="")
    provider_url: Mapped[str] = mapped_column(String(2048), default="")
    # A sanitised <iframe> for video embeds found through oEmbed; "" otherwise.
    html: Mapped[str] = mapped_column(Text, default="")
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    image_url: Mapped[str | None] = mapped_column(String(2048))  # on the remote site
    language: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime | None]


class PostCard(Base):
    """The card of a post: the first link in it that is not a mention or hashtag."""

    __tablename__ = "post_cards"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    card_id: Mapped[int] = mapped_column(
        ForeignKey("preview_cards.id", ondelete="CASCADE"), index=True
    )
