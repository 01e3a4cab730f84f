"""Checks on settings that their types cannot express: allowed words, ranges, files
that must exist. `load_settings` runs them once, at start-up."""

from __future__ import annotations

import re
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fedcity.errors import ConfigError

if TYPE_CHECKING:
    from fedcity.config import (
        InstanceSettings,
        MediaSettings,
        PushSettings,
        Settings,
    )


def validate(settings: Settings) -> None:
    """Refuse settings that cannot run: the checks beyond each value's type."""
    inst = settings.instance
    if inst.scheme not in ("http", "https"):
        raise ConfigError('[instance] scheme must be "https" or "http"')
    if inst.kind not in ("city", "league"):
        raise ConfigError('[instance] kind must be "city" or "league"')
    if not inst.domain or "/" in inst.domain or " " in inst.domain:
        raise ConfigError(
            "[instance] domain must be a host name, optionally with :port"
        )
    url = settings.database.url
    if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ConfigError(
            "[database] url must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
        )
    if not 0 < settings.server.port < 65536:
        raise ConfigError("[server] port must be between 1 and 65535")
    if settings.federation.show_blocked_domains not in ("all", "users", "disabled"):
        raise ConfigError(
            '[federation] show_blocked_domains must be "all", "users" or "disabled"'
        )
    if settings.federation.mode not in ("open", "allowlist"):
        raise ConfigError('[federation] mode must be "open" or "allowlist"')
    if settings.federation.policy_refresh_seconds <= 0:
        raise ConfigError("[federation] policy_refresh_seconds must be positive")
    if settings.federation.key_refetch_minutes < 0:
        raise ConfigError("[federation] key_refetch_minutes must not be negative")
    timeouts = "connect_timeout_seconds pool_timeout_seconds"
    _require_positive("database", settings.database, timeouts)
    if settings.database.statement_timeout_seconds < 0:
        raise ConfigError(
            "[database] statement_timeout_seconds must be 0 (none) or more"
        )
    _require_positive("worker", settings.worker, "lease_seconds")
    _validate_texts(inst)
    _validate_media(settings.media)
    _validate_push(settings.push)
    _validate_trust(settings)

    _validate_sign_up(settings)
    if settings.groups.quorum_guard not in ("", "warn", "restrict", "off"):
        raise ConfigError(
            '[groups] quorum_guard must be "warn", "restrict", "off" or "" (default)'
        )
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S+", settings.library.license):
        raise ConfigError("[library] license must be an IRI, such as a license's URL")


TEXT_SUFFIXES = (".md", ".markdown", ".html", ".htm")


def _validate_texts(inst: InstanceSettings) -> None:
    """The instance's text files must exist and be Markdown or HTML."""
    named = [
        ("extended_description", inst.extended_description),
        ("privacy_policy", inst.privacy_policy),
        *(("terms_of_service", v.file) for v in inst.terms_of_service),
    ]
    for key, path in named:
        if not path:
            continue
        if not path.lower().endswith(TEXT_SUFFIXES):
            raise ConfigError(f"[instance] {key} must be a .md or .html file: {path}")
        if not Path(path).is_file():
            raise ConfigError(f"[instance] {key} file not found: {path}")


def _validate_media(media: MediaSettings) -> None:
    if media.remote not in ("link", "proxy"):
        raise ConfigError('[media] remote must be "link" or "proxy"')
    if not media.root.strip():
        raise ConfigError("[media] root must name a folder")
    _require_positive(
        "media", media, "max_image_bytes max_video_bytes image_max_pixels"
    )


def _validate_push(push: PushSettings) -> None:
    if push.subject and not push.subject.startswith(("mailto:", "https://")):
        raise ConfigError('[push] subject must be a "mailto:" or "https://" URI')
    _require_positive("push", push, "max_attempts")


def _validate_trust(settings: Settings) -> None:
    """A scope names a trusted verifier; this instance needs no entry (it always
    trusts its own attestations)."""
    trust = settings.trust
    for domain in trust.scopes:
        if domain not in trust.verifiers:
            raise ConfigError(
                f"[trust.scopes] names {domain!r}, which is not in [trust] verifiers"
            )
    if settings.instance.domain.lower() in trust.verifiers:
        raise ConfigError(
            "[trust] verifiers need not name this instance: it always trusts "
            "its own attestations"
        )


def _validate_sign_up(settings: Settings) -> None:
    """[registration] and [mail]."""
    if settings.registration.mode not in ("invite", "approval", "open", "closed"):
        raise ConfigError(
            '[registration] mode must be "invite", "approval", "open" or "closed"'
        )
    if not 8 <= settings.registration.min_password_length <= 128:
        raise ConfigError(
            "[registration] min_password_length must be between 8 and 128"
        )
    mail = settings.mail
    if mail.security not in ("none", "starttls", "tls"):
        raise ConfigError('[mail] security must be "none", "starttls" or "tls"')
    if mail.host and not 0 < mail.port < 65536:
        raise ConfigError("[mail] port must be between 1 and 65535")
    if mail.host and "@" not in parseaddr(mail.from_)[1]:
        raise ConfigError('[mail] from must be an address, e.g. "name <a@b.org>"')
    if bool(mail.username) != bool(mail.password):
        raise ConfigError("[mail] username and password go together")
    _require_positive("mail", mail, "timeout_seconds")


def _require_positive(section: str, values: Any, keys: str) -> None:
    for key in keys.split():
        if getattr(values, key) <= 0:
            raise ConfigError(f"[{section}] {key} must be positive")
