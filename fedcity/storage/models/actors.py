"""Actors (local and remote; Person, Group, Application) and local accounts' logins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, false, func, text, true
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin
from fedcity.storage.types import JSONDoc


class Actor(SnowflakeIdMixin, CreatedAtMixin, Base):
    """An ActivityPub actor. `domain` is None for this instance's own actors.

    Remote actors are a cache of what their origin serves (`raw` keeps the last
    document); `fetched_at` drives the refresh.
    """

    __tablename__ = "actors"

    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    username: Mapped[str] = mapped_column(String(255))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    actor_type: Mapped[str] = mapped_column(String(32), default="Person")
    display_name: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2048))
    avatar_url: Mapped[str | None] = mapped_column(String(2048))
    header_url: Mapped[str | None] = mapped_column(String(2048))
    inbox_uri: Mapped[str | None] = mapped_column(String(2048))
    shared_inbox_uri: Mapped[str | None] = mapped_column(String(2048))
    outbox_uri: Mapped[str | None] = mapped_column(String(2048))
    followers_uri: Mapped[str | None] = mapped_column(String(2048))
    following_uri: Mapped[str | None] = mapped_column(String(2048))
    key_id: Mapped[str | None] = mapped_column(String(2048), unique=True)
    public_key_pem: Mapped[str | None] = mapped_column(Text)
    private_key_pem: Mapped[str | None] = mapped_column(Text)
    locked: Mapped[bool] = mapped_column(default=False)
    discoverable: Mapped[bool] = mapped_column(default=True)
    indexable: Mapped[bool] = mapped_column(default=False)
    bot: Mapped[bool] = mapped_column(default=False)
    # None until the account chooses, as Mastodon (which shows it as null then).
    hide_collections: Mapped[bool | None]
    # Websites allowed to credit the account (Mastodon's `attributionDomains`).
    attribution_domains: Mapped[list[str] | None] = mapped_column(JSONDoc)
    fields: Mapped[list[dict[str, str]]] = mapped_column(JSONDoc, default=list)
    # Alt text of the avatar and header (Mastodon 4.4), and the profile tabs the
    # account shows (Mastodon 4.5). The server defaults filled the rows of before.
    avatar_description: Mapped[str] = mapped_column(
        Text, default="", server_default=text("''")
    )
    header_description: Mapped[str] = mapped_column(
        Text, default="", server_default=text("''")
    )
    show_media: Mapped[bool] = mapped_column(default=True, server_default=true())
    show_media_replies: Mapped[bool] = mapped_column(
        default=True, server_default=true()
    )
    show_featured: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The custom emoji of its name, bio and fields (services.custom_emojis).
    emojis: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    followers_count: Mapped[int] = mapped_column(default=0)
    following_count: Mapped[int] = mapped_column(default=0)
    statuses_count: Mapped[int] = mapped_column(default=0)
    last_status_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # Moderation (Mastodon's account flags): a suspended account is gone for
    # everyone until unsuspended; a silenced one is kept out of public timelines and
    # the directory; a sensitized one's media are shown as sensitive.
    suspended_at: Mapped[datetime | None]
    silenced_at: Mapped[datetime | None]
    sensitized_at: Mapped[datetime | None]
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    # In what capacity the account speaks (issue 11): `official` (a seat account of
    # an office), `personal` or `campaign`; remote actors carry theirs in fedcity's
    # context. A campaign account is never shown as an official.
    capacity: Mapped[str] = mapped_column(
        String(16), default="personal", server_default=text("'personal'")
    )
    # The offices and candidacies attested for this actor, as every entity and
    # document shows them (services.offices.summaries): kept with the row so that a
    # page of accounts needs no query more. The `attestations` table is the record.
    offices: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONDoc, default=list, server_default=text("'[]'")
    )

    __table_args__ = (
        Index(
            "uq_actors_local_username",
            func.lower(username),
            unique=True,
            sqlite_where=domain.is_(None),
            postgresql_where=domain.is_(None),
        ),
        Index("ix_actors_username_domain", func.lower(username), domain),
    )

    @property
    def is_local(self) -> bool:
        return self.domain is None

    @property
    def delivery_inbox(self) -> str | None:
        return self.shared_inbox_uri or self.inbox_uri


class User(SnowflakeIdMixin, CreatedAtMixin, Base):
    """The login side of a local account: password hash and role."""

    __tablename__ = "users"

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), unique=True
    )
    password_hash: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(32), default="user")
    disabled: Mapped[bool] = mapped_column(default=False)
    # Posting defaults (`source[privacy|sensitive|language]`); None: never set,
    # which means public, not sensitive, no language.
    default_privacy: Mapped[str | None] = mapped_column(String(16))
    default_sensitive: Mapped[bool | None]
    default_language: Mapped[str | None] = mapped_column(String(16))
    # The language of the web pages (a catalogue name: `en`, `es`); None: follow
    # the browser's Accept-Language.
    locale: Mapped[str | None] = mapped_column(String(16))
    # Two-factor sign-in (TOTP, RFC 6238): the base32 secret once confirmed, and
    # the SHA-256 digests of the unused recovery codes.
    otp_secret: Mapped[str | None] = mapped_column(String(64))
    otp_enabled_at: Mapped[datetime | None]
    otp_recovery_digests: Mapped[list[str] | None] = mapped_column(JSONDoc)
    # Sign-up (issue 12): when the address was confirmed (None: not yet), whether
    # an admin let the account in (Mastodon's `approved`), what the applicant
    # wrote for the reviewers, and the invite used.
    confirmed_at: Mapped[datetime | None]
    approved: Mapped[bool] = mapped_column(default=True, server_default=true())
    sign_up_reason: Mapped[str | None] = mapped_column(Text)
    sign_up_ip: Mapped[str | None] = mapped_column(String(64))
    invite_id: Mapped[int | None] = mapped_column(
        ForeignKey("invites.id", ondelete="SET NULL"), index=True
    )
    # The office its invite named: "pending" until an admin confirms it (then
    # "confirmed", an attestation exists) or dismisses it ("dismissed").
    office_claim: Mapped[str | None] = mapped_column(String(16), index=True)


class AccessToken(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A bearer token; only its SHA-256 digest is stored.

    `actor_id` is None for an app's own token (client_credentials grant)."""

    __tablename__ = "access_tokens"

    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    app_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_apps.id", ondelete="CASCADE"), index=True
    )
    scopes: Mapped[str] = mapped_column(String(1024), default="read")
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    # The authorization code it was exchanged for (None for other grants): a code
    # presented again revokes the tokens it issued (RFC 6749 §4.1.2).
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_authorization_codes.id", ondelete="SET NULL"), index=True
    )
    # Issued by POST /api/v1/accounts before the address is confirmed or the
    # account approved: checked against the login's state until it is functional.
    pending_sign_up: Mapped[bool] = mapped_column(default=False, server_default=false())


class Invite(SnowflakeIdMixin, CreatedAtMixin, Base):
    """An invite to sign up: its code is the last segment of /invite/CODE and the
    `invite_code` of POST /api/v1/accounts. It may name an office, which the new
    account then claims (an admin confirms it)."""

    __tablename__ = "invites"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL")
    )
    max_uses: Mapped[int | None]  # None: any number
    uses: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    office_role: Mapped[str | None] = mapped_column(String(32))
    jurisdiction: Mapped[str | None] = mapped_column(Text)


class EmailToken(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A one-time link sent by mail: confirming an address or resetting a password.
    Only the SHA-256 digest of the token is kept."""

    __tablename__ = "email_tokens"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(16))  # confirm | reset
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
