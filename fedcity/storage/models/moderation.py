"""Reports (Mastodon's reports, ActivityPub `Flag`): filed by local accounts, or
received from other servers, for the instance's moderators to act on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc

REPORT_CATEGORIES = ("spam", "legal", "violation", "other")


class Report(SnowflakeIdMixin, CreatedAtMixin, Base):
    __tablename__ = "reports"

    # The reporting account; for a report from another server, the actor that sent
    # the Flag (usually that server's instance actor).
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    status_ids: Mapped[list[int]] = mapped_column(JSONDoc, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(16), default="other")
    # Ids of `[instance] rules` cited (their positions, as strings).
    rule_ids: Mapped[list[str] | None] = mapped_column(JSONDoc)
    forwarded: Mapped[bool] = mapped_column(default=False)
    # The Flag's id: ours when forwarded, the sender's for a received report (one
    # Flag naming several local accounts makes one report each).
    uri: Mapped[str | None] = mapped_column(String(2048), index=True)
    action_taken_at: Mapped[datetime | None]
