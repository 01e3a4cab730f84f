"""Instances: this one's own key pairs, and the delivery health of its peers.

Both live in the database so that every `serve` and `worker` process signs with the
same key and sees the same peer as unavailable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin


class InstanceKey(CreatedAtMixin, Base):
    """A key pair that belongs to the instance itself, by purpose ("vapid").

    Generated once, by whichever process starts first (an insert that ignores a
    conflict, then a read), and never rotated: push services bind subscriptions to
    the VAPID public key, so a new key would orphan every subscription."""

    __tablename__ = "instance_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(String(255))  # base64url, unpadded


class PeerInstance(CreatedAtMixin, Base):
    """Delivery health of a peer origin (scheme://host:port)."""

    __tablename__ = "peer_instances"

    origin: Mapped[str] = mapped_column(String(512), primary_key=True)
    failure_days: Mapped[int] = mapped_column(default=0)
    last_failure_day: Mapped[str | None] = mapped_column(String(10))
    unavailable: Mapped[bool] = mapped_column(default=False)
    last_success_at: Mapped[datetime | None]
    software: Mapped[str | None] = mapped_column(String(64))
