"""Durable jobs, their states, and the activities they deliver (rendered once)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc


class JobState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # gave up: attempts or age exhausted, or a permanent error
    HELD = (
        "held"  # a delivery to an unavailable instance, released when it answers again
    )


JOB_TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    JobState.PENDING: frozenset({JobState.DONE, JobState.FAILED, JobState.HELD}),
    JobState.HELD: frozenset({JobState.PENDING}),
    JobState.DONE: frozenset(),
    JobState.FAILED: frozenset({JobState.PENDING}),  # an operator may retry by hand
}


class Job(SnowflakeIdMixin, CreatedAtMixin, Base):
    """Durable work: inbound activities to apply, fan-outs to plan, deliveries to send.

    A row is claimed by setting `locked_until` (a lease); a worker that dies leaves
    the lease to expire, and the row is claimed again.
    """

    __tablename__ = "jobs"

    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    dedupe_key: Mapped[str | None] = mapped_column(String(2048), unique=True)
    host: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default=JobState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_jobs_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_jobs_host_state", "host", "state"),
    )


class OutboxActivity(SnowflakeIdMixin, CreatedAtMixin, Base):
    """An activity rendered once: every recipient gets these bytes, GET serves them."""

    __tablename__ = "outbox_activities"

    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    activity_type: Mapped[str] = mapped_column(String(32))
    public: Mapped[bool] = mapped_column(default=False)
    document: Mapped[str] = mapped_column(Text)
