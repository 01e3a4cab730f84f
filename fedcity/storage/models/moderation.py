"""How accounts keep unwanted content away (Mastodon's user guide groups them as
"moderating"): blocks, mutes, per-account domain blocks, muted conversations,
replies an author removed from its threads, the audit log of official-capacity
accounts' moderation, and reports. Reports (Mastodon's reports, ActivityPub `Flag`) are filed by local
accounts, or received from other servers, for the instance's moderators to act on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc


class Block(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`actor` blocks `target` (an ActivityPub `Block`, whose id is `uri`); it
    severs the follows between them."""

    __tablename__ = "blocks"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(String(2048), unique=True)

    __table_args__ = (UniqueConstraint("actor_id", "target_id"),)


class Mute(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`actor` mutes `target`: its posts leave timelines; with `notifications`, its
    notifications are not created either. `expires_at` None means until unmuted."""

    __tablename__ = "mutes"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    notifications: Mapped[bool] = mapped_column(default=True)
    expires_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("actor_id", "target_id"),)


class AccountDomainBlock(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A user-level domain block: posts and notifications from `domain` are hidden
    from `actor` (not an instance-wide moderation block)."""

    __tablename__ = "account_domain_blocks"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(255))

    __table_args__ = (UniqueConstraint("actor_id", "domain"),)


class ConversationMute(SnowflakeIdMixin, CreatedAtMixin, Base):
    """No notifications from this thread for this account. `conversation` is the
    thread's key: the root's `conversation_uri`, or the root post's uri."""

    __tablename__ = "conversation_mutes"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    conversation: Mapped[str] = mapped_column(String(2048))

    __table_args__ = (UniqueConstraint("actor_id", "conversation"),)


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


class RemovedReply(SnowflakeIdMixin, CreatedAtMixin, Base):
    """The author of `parent` removed the reply `post` from its thread: the reply
    and what answers it are no longer shown under the parent, for anyone here (the
    reply itself stays at its own address, as Threads' and Bluesky's hidden
    replies)."""

    __tablename__ = "removed_replies"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), unique=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str | None] = mapped_column(Text)


class OfficialAction(SnowflakeIdMixin, CreatedAtMixin, Base):
    """One moderation action of an official-capacity account (issue 11: public
    officials' blocks, mutes and removed replies can be state action), for admins.

    The target is kept as text too (`target`: a handle, a domain or a post's URL),
    so that an entry still says what it was about after the account or the post is
    gone; the ids are set null then, and the account's own id too."""

    __tablename__ = "official_actions"

    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL")
    )
    account: Mapped[str] = mapped_column(String(512))  # the official's handle
    action: Mapped[str] = mapped_column(String(32))
    target_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True
    )
    # A post's id is kept without a foreign key: the entry outlives the post.
    target_status_id: Mapped[int | None] = mapped_column(BigInteger)
    target_domain: Mapped[str | None] = mapped_column(String(255))
    target: Mapped[str] = mapped_column(Text)
    target_url: Mapped[str | None] = mapped_column(String(2048))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_official_actions_actor_id_id", "actor_id", "id"),)
