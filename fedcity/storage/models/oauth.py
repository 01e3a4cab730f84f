"""The ways in: OAuth 2 clients (apps), authorization codes and browser sessions;
tokens live in actors.AccessToken."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fedcity.storage.models.base import Base, CreatedAtMixin, SnowflakeIdMixin


class OAuthApp(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A registered client (POST /api/v1/apps)."""

    __tablename__ = "oauth_apps"

    name: Mapped[str] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(String(2048))
    redirect_uris: Mapped[str] = mapped_column(Text)  # newline-separated, as Mastodon
    scopes: Mapped[str] = mapped_column(String(1024), default="read")
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    client_secret: Mapped[str] = mapped_column(String(64))

    @property
    def redirect_uri_list(self) -> list[str]:
        return [uri for uri in self.redirect_uris.split("\n") if uri]


class AuthorizationCode(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A short-lived code from the consent page, exchanged once for a token."""

    __tablename__ = "oauth_authorization_codes"

    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("oauth_apps.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    scopes: Mapped[str] = mapped_column(String(1024))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(16))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSession(SnowflakeIdMixin, CreatedAtMixin, Base):
    """A signed-in browser (the web pages and the OAuth consent page share it).

    The cookie holds a random token; only its SHA-256 digest is stored, so a copy
    of the database signs nobody in. Signing out, changing the password or
    revoking it from the settings page ends it (`revoked_at`)."""

    __tablename__ = "web_sessions"

    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    user_agent: Mapped[str] = mapped_column(String(512), default="")
    ip: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
