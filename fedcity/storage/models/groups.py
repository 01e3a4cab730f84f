"""Discussion groups (issue 13): a group is a local `Group` actor (a row of
`actors`, as the instance actor is an `Application` one) plus its settings and its
moderators. Members are its accepted followers (`follows`), as on Lemmy."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
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


class GroupModerator(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`account` moderates `group` (the group's `attributedTo`)."""

    __tablename__ = "group_moderators"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("group_id", "account_id"),)
