"""Discussion groups (issue 13): a group is a local `Group` actor (a row of
`actors`, as the instance actor is an `Application` one) plus its settings and its
moderators. Members are its accepted followers (`follows`), as on Lemmy.

Threads, the posts a group carries and its bans are kept for every group this
instance knows, local or remote (`group_actor_id` is the group's actor): a remote
group's announces, `Lock`, `Add`/`Remove` (pins) and `Block` (bans) are applied to
the same rows a local group's moderators write."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin


class GroupVisibility(StrEnum):
    """Who may read: anyone (`public`), or only members (`members`)."""

    PUBLIC = "public"
    MEMBERS = "members"


class GroupPolicy(StrEnum):
    """Who may join and post: any follower, members a moderator approved, or
    accounts holding a verified office."""

    OPEN = "open"
    APPROVAL = "approval"
    OFFICIALS = "officials"


class QuorumGuard(StrEnum):
    """What the group does when its members hold a quorum of one council."""

    WARN = "warn"
    RESTRICT = "restrict"
    OFF = "off"


class Group(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A local group's settings; its name, keys and followers are its actor's."""

    __tablename__ = "groups"

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), unique=True
    )
    visibility: Mapped[str] = mapped_column(String(16), default=GroupVisibility.PUBLIC)
    policy: Mapped[str] = mapped_column(String(16), default=GroupPolicy.OPEN)
    quorum_guard: Mapped[str] = mapped_column(String(16), default=QuorumGuard.OFF)
    rules: Mapped[str] = mapped_column(Text, default="")
    # The account that made it; None for one made from the command line.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL")
    )
    # When an admin approved it; None while a proposed group waits
    # (`[groups] require_approval`). Groups made from the command line are approved.
    approved_at: Mapped[datetime | None]


class GroupModerator(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`account` moderates `group` (the group's `attributedTo`)."""

    __tablename__ = "group_moderators"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("group_id", "account_id"),)


class GroupThread(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A thread of a group: its root post and the FEP-7888 `context` collection
    that lists its posts (minted by a local group when it accepts the root, as
    received for a remote one)."""

    __tablename__ = "group_threads"

    group_actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE")
    )
    root_post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    context_uri: Mapped[str | None] = mapped_column(String(2048), index=True)
    locked_at: Mapped[datetime | None]
    pinned_at: Mapped[datetime | None]
    # The newest post's time: the group page lists threads by it.
    last_activity_at: Mapped[datetime]
    posts_count: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        UniqueConstraint("group_actor_id", "root_post_id"),
        Index("ix_group_threads_group_activity", "group_actor_id", "last_activity_at"),
    )


class GroupPost(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A post a group carries: accepted and announced by a local group, or
    announced by a remote one. A moderator's removal keeps the row (the thread
    still knows the post was there) and hides the post."""

    __tablename__ = "group_posts"

    group_actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE")
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("group_threads.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    # The group's Announce of the post's Create (None for a remote group's post
    # known only by its context).
    announce_uri: Mapped[str | None] = mapped_column(String(2048))
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL")
    )
    removal_reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("group_actor_id", "post_id"),)


class GroupBan(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`actor` may not post in the group until `expires_at` (None: for good). A
    local group's ban is sent as `Block` (`block_uri`); a remote group's `Block` of
    a local account is kept here too."""

    __tablename__ = "group_bans"

    group_actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE")
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None]
    block_uri: Mapped[str | None] = mapped_column(String(2048))
    banned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL")
    )

    __table_args__ = (UniqueConstraint("group_actor_id", "actor_id"),)
