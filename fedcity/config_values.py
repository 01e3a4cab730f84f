"""The settings' structured values: rules and terms tables, lists of host names,
the trust scopes. Each parser takes what TOML (or a comma-separated environment
variable) gave and returns the frozen value, or raises ConfigError saying what the
key must hold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fedcity.errors import ConfigError


@dataclass(frozen=True)
class RuleSetting:
    """One server rule; its id is its 1-based position in `[instance] rules`."""

    text: str
    hint: str = ""


@dataclass(frozen=True)
class TermsVersion:
    """A version of the terms of service: a Markdown or HTML file in force from
    `effective_date` on."""

    effective_date: date
    file: str


def _rules(value: Any) -> tuple[RuleSetting, ...]:
    """`rules = ["text", {text = "…", hint = "…"}, …]`."""
    problem = ConfigError(
        '[instance] rules must be a list of texts or of {text = "…", hint = "…"}'
    )
    if not isinstance(value, list):
        raise problem
    rules = []
    for item in value:
        if isinstance(item, str) and item.strip():
            rules.append(RuleSetting(item.strip()))
        elif (
            isinstance(item, dict)
            and set(item) <= {"text", "hint"}
            and isinstance(item.get("text"), str)
            and item["text"].strip()
            and isinstance(item.get("hint", ""), str)
        ):
            rules.append(
                RuleSetting(item["text"].strip(), item.get("hint", "").strip())
            )
        else:
            raise problem
    return tuple(rules)


def _terms(value: Any) -> tuple[TermsVersion, ...]:
    """`[[instance.terms_of_service]]` tables with `effective_date` and `file`."""
    problem = ConfigError(
        "[instance] terms_of_service must be a list of tables with "
        "effective_date (YYYY-MM-DD) and file"
    )
    if not isinstance(value, list):
        raise problem
    versions = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"effective_date", "file"}:
            raise problem
        when, path = item["effective_date"], item["file"]
        try:
            day = when if isinstance(when, date) else date.fromisoformat(str(when))
        except ValueError:
            raise problem from None
        if not isinstance(path, str) or not path.strip():
            raise problem
        versions.append(TermsVersion(day, path))
    if len({v.effective_date for v in versions}) != len(versions):
        raise ConfigError("[instance] terms_of_service has two versions for one date")
    return tuple(sorted(versions, key=lambda v: v.effective_date))


def parse_domains(value: Any) -> tuple[str, ...]:
    """`blocked_domains`: host names (with a port, that port only)."""
    return _host_names("[federation] blocked_domains", value)


def _verifiers(value: Any) -> tuple[str, ...]:
    """`verifiers = ["calcities.example", …]`: host names (with a port in tests)."""
    return _host_names("[trust] verifiers", value)


def _host_names(where: str, value: Any) -> tuple[str, ...]:
    """A list of host names (a comma-separated string from the environment)."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        raise ConfigError(f"{where} must be a list of domains")
    domains = tuple(dict.fromkeys(d.strip().lower().rstrip(".") for d in value))
    if any(not d or "/" in d or " " in d or "@" in d for d in domains):
        raise ConfigError(f"{where} must hold host names only")
    return domains


def _scopes(value: Any) -> dict[str, tuple[str, ...]]:
    """`[trust.scopes]`: verifier domain → list of OCD division id prefixes."""
    problem = ConfigError(
        "[trust.scopes] must map each verifier's domain to a list of Open Civic "
        'Data division id prefixes ("ocd-division/country:us/state:ca")'
    )
    if not isinstance(value, dict):
        raise problem
    scopes: dict[str, tuple[str, ...]] = {}
    for domain, prefixes in value.items():
        if not isinstance(prefixes, list) or not all(
            isinstance(p, str) and p.startswith("ocd-division/") for p in prefixes
        ):
            raise problem
        scopes[domain.strip().lower()] = tuple(p.strip() for p in prefixes)
    return scopes


def parse_email_domains(value: Any) -> tuple[str, ...]:
    return _host_names("[registration] email_domains", value)


# Keys holding lists or tables rather than one scalar value.
STRUCTURED: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("instance", "rules"): _rules,
    ("instance", "terms_of_service"): _terms,
    ("federation", "blocked_domains"): parse_domains,
    ("trust", "verifiers"): _verifiers,
    ("trust", "scopes"): _scopes,
    ("registration", "email_domains"): parse_email_domains,
}
