"""Polls attached to posts (AS2 `Question`) and the votes cast in them.

A local poll's counts are tallied from its votes here; a remote poll's counts are
what its server last said (`Question` oneOf/anyOf `replies.totalItems`), plus the
votes local accounts cast since. Votes are sentiment, not a ballot: nothing proves
where a voter lives.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc


class Poll(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "polls"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), unique=True
    )
    # Option titles, in order; a vote's `choice` is an index into this list.
    options: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    # Votes per option, same order as `options`.
    votes_counts: Mapped[list[int]] = mapped_column(JSONDoc, default=list)
    multiple: Mapped[bool] = mapped_column(default=False)
    hide_totals: Mapped[bool] = mapped_column(default=False)
    # Distinct voters; None when a remote server did not say (votersCount).
    voters_count: Mapped[int | None]
    expires_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # When a remote poll's state was last read from its server.
    fetched_at: Mapped[datetime | None]


class PollVote(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "poll_votes"

    # Indexed by the unique (poll_id, actor_id, choice) constraint.
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    choice: Mapped[int]
    # The vote `Note`'s id: the remote voter's, or `<voter>#votes/<id>` for ours.
    uri: Mapped[str | None] = mapped_column(String(2048), unique=True)

    __table_args__ = (UniqueConstraint("poll_id", "actor_id", "choice"),)
