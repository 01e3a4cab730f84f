"""Posts (statuses, boosts, later case studies), their mentions, tags and edits; the
statuses scheduled for later, and the idempotency keys of recent posts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc


class Visibility(StrEnum):
    PUBLIC = "public"
    UNLISTED = "unlisted"
    PRIVATE = "private"
    DIRECT = "direct"


class Post(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A status. A boost is a Post too, with `reblog_of_id` set and an id of its own."""

    __tablename__ = "posts"

    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    object_type: Mapped[str] = mapped_column(String(32), default="Note")
    content: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str | None] = mapped_column(Text)
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.PUBLIC)
    in_reply_to_uri: Mapped[str | None] = mapped_column(String(2048))
    in_reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )
    in_reply_to_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL")
    )
    reblog_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE")
    )
    conversation_uri: Mapped[str | None] = mapped_column(String(2048))
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    # The custom emoji its text uses (services.custom_emojis); None when none.
    emojis: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    replies_count: Mapped[int] = mapped_column(default=0)
    reblogs_count: Mapped[int] = mapped_column(default=0)
    favourites_count: Mapped[int] = mapped_column(default=0)
    local: Mapped[bool] = mapped_column(default=True)
    published_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    # What full-text search matches: content warning, the content's plain text,
    # poll options and media descriptions (Mastodon's `searchable_text`); None for
    # boosts and deleted posts. Set by `services.search_index`; the index over it
    # is described in `storage/fulltext.py`.
    search_text: Mapped[str | None] = mapped_column(Text)
    # A seat account's post: who held the seat when it was written (issue 11,
    # services.offices.seats); None for every other post. No ON DELETE action: a
    # holder period is a public record and is never deleted on its own (it goes
    # with its seat account, as the seat's posts do), and SQLite cannot reflect
    # the action of a column added without rebuilding `posts` (revision 0024).
    holder_id: Mapped[int | None] = mapped_column(
        ForeignKey("seat_holders.id"), index=True
    )

    __table_args__ = (
        Index("ix_posts_actor_id_id", "actor_id", "id"),
        Index("ix_posts_visibility_id", "visibility", "id"),
        # Boosts only: an index holding NULLs lets SQLite take it for
        # `reblog_of_id IS NULL` and walk every original post (revision 0013).
        Index(
            "ix_posts_reblog_of_id_actor_id",
            "reblog_of_id",
            "actor_id",
            sqlite_where=text("reblog_of_id IS NOT NULL"),
            postgresql_where=text("reblog_of_id IS NOT NULL"),
        ),
        # PostgreSQL only; SQLite has its FTS5 table instead (made by migration).
        Index(
            "ix_posts_search_text",
            func.to_tsvector(literal_column("'simple'::regconfig"), search_text),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )


class Mention(Base):
    __tablename__ = "mentions"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Tag(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(255), unique=True)


class PostTag(Base):
    __tablename__ = "post_tags"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PostEdit(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A former version of a post, kept when it is edited (Mastodon's status edits)."""

    __tablename__ = "post_edits"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    content: Mapped[str] = mapped_column(Text, default="")
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(default=False)
    # What the version showed besides its text (services.posts._keep_version):
    # media ids and descriptions, a remote post's attachments, poll options and
    # custom emoji. None for versions kept before revision 0017.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)


class IdempotencyKey(SnowflakeIdMixin, CreatedAtMixin, Base):
    """The `Idempotency-Key` of a recent POST /api/v1/statuses: a repeat within an
    hour answers with the same status. `post_id` is NULL only while the first
    request is still creating its post."""

    __tablename__ = "idempotency_keys"

    account_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE")
    )

    __table_args__ = (UniqueConstraint("account_id", "key"),)


class ScheduledStatus(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A status to publish at `scheduled_at` (by a `publish_scheduled` job).

    `params` holds what the client sent, as Mastodon's ScheduledStatus shows it,
    plus `mention_ids` ({handle: actor id}, resolved when it was scheduled)."""

    __tablename__ = "scheduled_statuses"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    scheduled_at: Mapped[datetime]
    params: Mapped[dict[str, Any]] = mapped_column(JSONDoc)

    __table_args__ = (
        Index(
            "ix_scheduled_statuses_actor_id_scheduled_at", "actor_id", "scheduled_at"
        ),
    )
