"""Instances: this one's own key pairs, the delivery health of its peers, and the
federation policy (which domains are blocked or allowed, and the allow lists
subscribed to).

All live in the database so that every `serve` and `worker` process signs with the
same key, sees the same peer as unavailable and applies the same policy.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc, utcnow


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


# Mastodon's DomainBlock severities; "noop" is what `--severity reject-media` stores
# (nothing but the media flag).
DOMAIN_BLOCK_SEVERITIES = ("silence", "suspend", "noop")


class DomainBlock(SnowflakeIdMixin, CreatedAtMixin, Base):
    """An instance-wide block of a domain (Mastodon's Admin::DomainBlock). `domain`
    is a host, covering its subdomains, or host:port, covering that port only."""

    __tablename__ = "domain_blocks"

    domain: Mapped[str] = mapped_column(String(255), unique=True)
    severity: Mapped[str] = mapped_column(String(16), default="suspend")
    reject_media: Mapped[bool] = mapped_column(default=False)
    reject_reports: Mapped[bool] = mapped_column(default=False)
    private_comment: Mapped[str | None] = mapped_column(Text)  # the reason
    public_comment: Mapped[str | None] = mapped_column(Text)
    obfuscate: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DomainAllow(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A domain this instance federates with in allowlist mode (Mastodon's
    DomainAllow); same matching as `DomainBlock`."""

    __tablename__ = "domain_allows"

    domain: Mapped[str] = mapped_column(String(255), unique=True)


class AllowListSubscription(SnowflakeIdMixin, CreatedAtMixin, Base):
    """An allow list another instance (a league) publishes, fetched daily; the
    domains it lists count as allowed here while subscribed."""

    __tablename__ = "allow_list_subscriptions"

    url: Mapped[str] = mapped_column(String(2048), unique=True)
    # The publisher's instance actor, whose assertionMethod key signs the list.
    publisher: Mapped[str | None] = mapped_column(String(2048))
    domains: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    fetched_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class DomainPolicyState(Base):
    """One row: a counter bumped by every change of the federation policy, which
    every process polls to reload its in-memory snapshot; and the config's
    `blocked_domains` already copied into `domain_blocks` (so that an unblock is
    not undone by the next start)."""

    __tablename__ = "domain_policy_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    seeded: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
