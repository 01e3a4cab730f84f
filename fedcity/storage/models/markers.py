"""Where an account stopped reading: timeline markers, and the read/hidden state of
its direct-message conversations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, SnowflakeIdMixin
from fedcity.storage.types import utcnow


class Marker(SnowflakeIdMixin, Base):
    """Where an account stopped reading a timeline (`home` or `notifications`)."""

    __tablename__ = "markers"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    timeline: Mapped[str] = mapped_column(String(32))
    last_read_id: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("actor_id", "timeline"),)


class ConversationState(SnowflakeIdMixin, Base):
    """An account's state in one direct-message conversation (keyed by its
    conversation URI): read up to `last_read_id`, hidden up to `hidden_up_to_id`."""

    __tablename__ = "conversation_states"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    conversation_uri: Mapped[str] = mapped_column(String(2048))
    last_read_id: Mapped[int] = mapped_column(BigInteger, default=0)
    hidden_up_to_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (UniqueConstraint("actor_id", "conversation_uri"),)
