"""What an account shows or keeps about other accounts and hashtags on its profile:
endorsed (featured) accounts, featured hashtags, private notes, the follow
suggestions it dismissed, and the offices attested for it with their directory
index (kept here because the models folder is full)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc


class Endorsement(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`actor` features `target` (an account it follows) on its profile."""

    __tablename__ = "endorsements"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("actor_id", "target_id"),)


class FeaturedTag(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A hashtag `actor` features on its profile (the `featuredTags` collection)."""

    __tablename__ = "featured_tags"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("actor_id", "tag_id"),)


class AccountNote(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A private comment `actor` keeps about `target`; only `actor` sees it."""

    __tablename__ = "account_notes"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    comment: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("actor_id", "target_id"),)


class SuggestionDismissal(SnowflakeIdMixin, CreatedAtMixin, Base):
    """`actor` asked not to be suggested `target` to follow again."""

    __tablename__ = "suggestion_dismissals"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("actor_id", "target_id"),)


class Attestation(SnowflakeIdMixin, CreatedAtMixin, Base):
    """An office or a candidacy of `subject`, attested by `issuer` (issue 11).

    Local attestations are issued by this instance (`issuer_uri` is its instance
    actor, `uri` is {base}/attestations/{id}); remote ones keep the fetched document
    in `raw` and the outcome of the last trust check in `check_status`/`reason`.
    """

    __tablename__ = "attestations"

    kind: Mapped[str] = mapped_column(String(16))  # office | candidacy
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    issuer_uri: Mapped[str] = mapped_column(String(2048))
    local: Mapped[bool] = mapped_column(default=True)
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    role: Mapped[str] = mapped_column(String(32))  # candidacy: the role sought
    title: Mapped[str] = mapped_column(Text)
    jurisdiction: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(2), index=True)
    population: Mapped[int | None]
    ocd_id: Mapped[str] = mapped_column(String(512), index=True)
    seats: Mapped[int | None]
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    election_date: Mapped[date | None]
    published_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    # Remote attestations: verified | unverified, why, and when last checked.
    check_status: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime | None]


class OfficeListing(SnowflakeIdMixin, Base):
    """One attested office or candidacy of `actor` as the directory filters it: a
    row per entry of `actors.offices`, rewritten with it (services.offices.listing),
    so that "verified officials first" and the role, state, jurisdiction and OCD id
    filters are one indexed query. Whether an office is verified today is decided
    in the query, from the term's dates, `trusted` and the actor's capacity."""

    __tablename__ = "office_listings"

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # office | candidacy
    role: Mapped[str] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(String(2), index=True)
    jurisdiction: Mapped[str] = mapped_column(Text)
    ocd_id: Mapped[str] = mapped_column(String(512), index=True)
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    election_date: Mapped[date | None]
    # False when a remote attestation failed its trust check.
    trusted: Mapped[bool] = mapped_column(default=True)


class SeatHolder(SnowflakeIdMixin, CreatedAtMixin, Base):
    """Who held a seat account (an `official` account such as @mayor) from
    `started_at` until `ended_at` (None: holds it now). The seat's posts of that
    time point here (`posts.holder_id`), so that they stay attributed to their
    writer after a handover (issue 11, services.offices.seats)."""

    __tablename__ = "seat_holders"

    seat_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)  # as the operator or holder gave it
    # The seat's office as it read when the period opened ("Mayor of Ojai").
    title: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # `official handover --archive-as NAME`: the outgoing holder's archive page,
    # /archives/NAME.
    archive_name: Mapped[str | None] = mapped_column(String(255), unique=True)


class HandoverLink(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A one-time sign-in link to a seat account for its next holder; only the
    SHA-256 digest of its token is stored."""

    __tablename__ = "handover_links"

    seat_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
