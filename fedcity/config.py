"""Settings: a TOML file read once into frozen dataclasses, with environment overrides.

Every key has a default, so `fedcity serve` with no file at all runs a development
instance on SQLite under ./data. `config.example.toml` documents every key.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from fedcity.config_checks import validate
from fedcity.config_values import (
    STRUCTURED,
    RuleSetting,
    TermsVersion,
    parse_domains,
    parse_email_domains,
)
from fedcity.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/fedcity.db"


@dataclass(frozen=True)
class InstanceSettings:
    domain: str = "localhost:8080"
    scheme: Literal["https", "http"] = "http"
    name: str = "fedcity"
    kind: Literal["city", "league"] = "city"
    description: str = "A fedcity instance"
    contact_email: str = ""
    rules: tuple[RuleSetting, ...] = ()
    # Paths of Markdown (.md) or HTML (.html) files; "" when there is none.
    extended_description: str = ""
    privacy_policy: str = ""
    terms_of_service: tuple[TermsVersion, ...] = ()

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.domain}"


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    # Inbox and API bodies; Mastodon caps JSON at 1 MiB too.
    max_body_bytes: int = 1_048_576


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = DEFAULT_DATABASE_URL
    echo: bool = False
    # PostgreSQL: bounds on connecting, waiting for a pooled connection, one statement
    connect_timeout_seconds: float = 5.0
    pool_timeout_seconds: float = 5.0
    statement_timeout_seconds: float = 30.0


@dataclass(frozen=True)
class FederationSettings:
    allow_private_addresses: bool = False
    fetch_timeout_seconds: float = 10.0
    max_fetch_bytes: int = 1_048_576
    actor_refresh_hours: float = 24.0
    # A cached key whose signature fails is refetched at most once per key id per this.
    key_refetch_minutes: float = 5.0
    max_concurrent_deliveries: int = 50
    max_delivery_attempts: int = 16
    # Tests shrink Mastodon's retry schedule; keep 1.0 in production.
    retry_backoff_scale: float = 1.0
    unavailable_after_days: int = 7
    # "open": federate with every domain not suspended; "allowlist": only with
    # the domains allowed (`fedcity domain allow`, subscribed allow lists).
    mode: Literal["open", "allowlist"] = "open"
    # Instance-level blocklist, copied once into the database as suspensions (a
    # seed: `fedcity domain block|unblock` and the admin API manage it from then
    # on): no activity is accepted from these domains (or their subdomains),
    # nothing is fetched from or delivered to them.
    blocked_domains: tuple[str, ...] = ()
    # Every process rereads the policy's version this often, so a change made by
    # another process (the CLI, another `serve`) applies within this many seconds.
    policy_refresh_seconds: float = 5.0
    # Who may read GET /api/v1/instance/domain_blocks: "all", "users" (signed-in
    # accounts) or "disabled" (404, Mastodon's default).
    show_blocked_domains: Literal["all", "users", "disabled"] = "disabled"


@dataclass(frozen=True)
class WorkerSettings:
    in_process: bool = True  # `serve` runs a worker task unless this is false
    poll_interval_seconds: float = 1.0
    batch_size: int = 200
    # A claimed job is another worker's again after this long (its worker died).
    lease_seconds: float = 300.0


@dataclass(frozen=True)
class OAuthSettings:
    # The resource-owner password grant: off, as in Mastodon 4.4+; `toot login_cli`
    # still needs it.
    password_grant: bool = False


@dataclass(frozen=True)
class MediaSettings:
    root: str = "data/media"  # uploaded files live here, under YYYY/MM/
    max_image_bytes: int = 16 * 1024 * 1024
    max_video_bytes: int = 99 * 1024 * 1024  # video and audio
    image_max_pixels: int = 8_294_400  # 3840 x 2160; larger images are downscaled
    # Remote attachments: "link" shows the remote URL; "proxy" serves them through
    # /media_proxy/ID with the SSRF-guarded transport.
    remote: Literal["link", "proxy"] = "link"


@dataclass(frozen=True)
class PushSettings:
    # The VAPID `sub` claim (RFC 8292): a mailto: or https: URI push services can use
    # to reach the operator. Empty: mailto: the instance's contact_email if set, else
    # the instance's URL.
    subject: str = ""
    # Tries per notification and subscription; Mastodon gives up after 6 (1 + 5
    # retries): a notification days late is worth less than a quiet queue.
    max_attempts: int = 6


@dataclass(frozen=True)
class TrustSettings:
    """Whose attestations of offices this instance shows as verified (issue 11).

    This instance always trusts its own. `scopes` limits a verifier to the
    jurisdictions whose Open Civic Data ids start with one of its prefixes; a
    verifier without an entry is trusted for every jurisdiction."""

    verifiers: tuple[str, ...] = ()
    scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def trusts(self, domain: str) -> bool:
        return domain.lower() in self.verifiers

    def in_scope(self, domain: str, ocd_id: str) -> bool:
        prefixes = self.scopes.get(domain.lower())
        return prefixes is None or any(ocd_id.startswith(p) for p in prefixes)


@dataclass(frozen=True)
class RegistrationSettings:
    # Who may sign up: "invite" (with an invite code only), "approval" (anyone,
    # an admin approves), "open" (anyone) or "closed" (nobody, invites neither).
    mode: Literal["invite", "approval", "open", "closed"] = "invite"
    # In "approval" mode, a confirmed address in one of these domains (or their
    # subdomains) is approved without review.
    email_domains: tuple[str, ...] = ()
    # A password must be at least this long, and not one of the bundled common ones.
    min_password_length: int = 8


@dataclass(frozen=True)
class MailSettings:
    # "" disables mail: addresses cannot be confirmed, so every sign-up waits for
    # an admin's approval.
    host: str = "localhost"
    port: int = 25
    security: Literal["none", "starttls", "tls"] = "starttls"
    username: str = ""
    password: str = ""
    from_: str = "fedcity <noreply@example.org>"
    timeout_seconds: float = 30.0

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class GroupsSettings:
    """Discussion groups (issue 13)."""

    # Whether a group an account proposes waits for an admin's approval (groups
    # made with `fedcity group create` never do).
    require_approval: bool = False
    # The quorum guard of a group made without one: "warn", "restrict" or "off";
    # "" means "warn" for members-only groups and "off" for public ones.
    quorum_guard: str = ""


@dataclass(frozen=True)
class LibrarySettings:
    """Case studies and funding opportunities (issue 14, docs/library.md)."""

    # The license of a case study whose author names none (an IRI).
    license: str = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Settings:
    instance: InstanceSettings = field(default_factory=InstanceSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    federation: FederationSettings = field(default_factory=FederationSettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    oauth: OAuthSettings = field(default_factory=OAuthSettings)
    media: MediaSettings = field(default_factory=MediaSettings)
    push: PushSettings = field(default_factory=PushSettings)
    trust: TrustSettings = field(default_factory=TrustSettings)
    registration: RegistrationSettings = field(default_factory=RegistrationSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    groups: GroupsSettings = field(default_factory=GroupsSettings)
    library: LibrarySettings = field(default_factory=LibrarySettings)


_SECTIONS: dict[str, type[Any]] = {
    "instance": InstanceSettings,
    "server": ServerSettings,
    "database": DatabaseSettings,
    "federation": FederationSettings,
    "worker": WorkerSettings,
    "oauth": OAuthSettings,
    "media": MediaSettings,
    "push": PushSettings,
    "trust": TrustSettings,
    "registration": RegistrationSettings,
    "mail": MailSettings,
    "groups": GroupsSettings,
    "library": LibrarySettings,
}

# TOML keys that are Python keywords: `from` in [mail] is the field `from_`.
_KEYWORD_KEYS = {"from": "from_"}


def load_settings(
    path: str | Path | None, environ: dict[str, str] | None = None
) -> Settings:
    """Read `path` (or nothing) and apply `FEDCITY_<SECTION>_<KEY>` overrides."""
    env = dict(os.environ if environ is None else environ)
    raw: dict[str, Any] = {}
    if path is not None:
        raw = _read_toml(Path(path))
    settings = _build(raw)
    settings = _apply_env(settings, env)
    validate(settings)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"configuration file {path} is not valid TOML: {exc}"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read configuration file {path}: {exc}") from None


def _build(raw: dict[str, Any]) -> Settings:
    sections: dict[str, Any] = {}
    for name, value in raw.items():
        cls = _SECTIONS.get(name)
        if cls is None:
            raise ConfigError(f"unknown configuration section [{name}]")
        if not isinstance(value, dict):
            raise ConfigError(f"[{name}] must be a table")
        sections[name] = _section(cls, name, value)
    return Settings(**sections)


def _section(cls: type[Any], name: str, values: dict[str, Any]) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for toml_key, value in values.items():
        key = _KEYWORD_KEYS.get(toml_key, toml_key)
        if key not in known or toml_key in _KEYWORD_KEYS.values():
            raise ConfigError(f"unknown key {toml_key!r} in [{name}]")
        structured = STRUCTURED.get((name, key))
        if structured is not None:
            kwargs[key] = structured(value)
        else:
            kwargs[key] = _coerce(name, key, value, type(getattr(cls(), key)))
    return cls(**kwargs)


_KINDS: dict[type[Any], str] = {
    bool: "true or false",
    int: "an integer",
    float: "a number",
    str: "a string",
}


def _coerce(
    section: str, key: str, value: Any, expected: type[Any], *, env: str | None = None
) -> Any:
    """Check a TOML value's type strictly; parse an environment string (`env` names
    the variable). `port = true` or `port = 1.5` is an error, not 1."""
    where = env or f"[{section}] {key}"
    problem = ConfigError(f"{where} must be {_KINDS[expected]}, got {value!r}")
    if env is None:
        if not _is_a(value, expected):
            raise problem
        return float(value) if expected is float else value
    try:
        if expected is bool:
            if value.strip().lower() not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError(value)
            return value.strip().lower() in {"1", "true", "yes"}
        return expected(value.strip()) if expected is not str else value
    except ValueError:
        raise problem from None


def _is_a(value: Any, expected: type[Any]) -> bool:
    if isinstance(value, bool) or expected is bool:
        return isinstance(value, bool) and expected is bool
    if expected is float:
        return isinstance(value, int | float)
    return isinstance(value, expected)


def _apply_env(settings: Settings, env: dict[str, str]) -> Settings:
    for section_name, cls in _SECTIONS.items():
        section = getattr(settings, section_name)
        changes = {}
        for f in fields(cls):
            var = f"FEDCITY_{section_name.upper()}_{f.name.rstrip('_').upper()}"
            if var not in env:
                continue
            if (section_name, f.name) == ("federation", "blocked_domains"):
                changes[f.name] = parse_domains(env[var])
            elif (section_name, f.name) == ("registration", "email_domains"):
                changes[f.name] = parse_email_domains(env[var])
            elif (section_name, f.name) not in STRUCTURED:  # lists: the file only
                changes[f.name] = _coerce(
                    section_name,
                    f.name,
                    env[var],
                    type(getattr(section, f.name)),
                    env=var,
                )
        if changes:
            settings = replace(settings, **{section_name: replace(section, **changes)})
    return settings
