"""Instance-level domain policy: one matching rule for inbound activities, outbound
requests and the lists shown to clients, and `DomainPolicy`, the in-memory snapshot
of the blocks and allows every process holds (`federation.policy` keeps it fresh).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from fedcity.errors import Forbidden
from fedcity.i18n import N_

FederationMode = Literal["open", "allowlist"]
# Why a peer is refused: message templates of errors (403) and delivery failures.
SUSPENDED = N_("{domain} is suspended here")
NOT_LISTED = N_("{domain} is not on this instance's allow list")


def authority_of(url: str) -> str:
    """host[:port] of a URL, lower-cased ("" when it has none)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    return f"{host}:{port}" if port else host


def is_blocked(url: str, blocked: Iterable[str]) -> bool:
    """Whether `url` is on a blocked domain. An entry with a port blocks exactly that
    host and port; one without blocks the host, any port, and its subdomains (as
    Mastodon's domain blocks cover subdomains)."""
    return matching_entry(authority_of(url), blocked) is not None


def matching_entry(authority: str, entries: Iterable[str]) -> str | None:
    """The most specific entry covering `authority` (host[:port]), or None."""
    if not authority:
        return None
    host = authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority
    found: str | None = None
    for entry in entries:
        if ":" in entry and entry.count(":") == 1:
            covers = authority == entry
        else:
            covers = host == entry or host.endswith("." + entry)
        if covers and (found is None or len(entry) > len(found)):
            found = entry
    return found


def normalize_domain(value: str) -> str:
    """An entry as stored: lower case, no trailing dot, no scheme or path (an
    operator may paste a URL); "" when nothing is left."""
    value = value.strip().lower()
    if "://" in value:
        value = authority_of(value)
    return value.split("/", 1)[0].rstrip(".")


@dataclass(frozen=True)
class BlockRule:
    severity: str  # "silence" | "suspend" | "noop"
    reject_media: bool = False
    reject_reports: bool = False  # its Flags are dropped (Mastodon's reject_reports)


@dataclass(frozen=True)
class DomainPolicy:
    """Who this instance federates with, as of `version`: blocks by entry, allows
    (manual and from subscribed lists), and the mode. Pure: matching only."""

    own: str  # this instance's host[:port], never refused
    mode: FederationMode = "open"
    blocks: Mapping[str, BlockRule] = field(default_factory=dict)
    allows: frozenset[str] = frozenset()
    version: int = -1

    def block_for(self, url: str) -> BlockRule | None:
        entry = matching_entry(authority_of(url), self.blocks)
        return None if entry is None else self.blocks[entry]

    def is_allowed(self, url: str) -> bool:
        """Listed in allowlist mode (or open mode) and not suspended: whether
        anything may be exchanged with `url`'s server at all."""
        authority = authority_of(url)
        if not authority or authority == self.own:
            return True
        if self.suspends(url):
            return False
        return self.mode == "open" or matching_entry(authority, self.allows) is not None

    def refuses(self, url: str) -> bool:
        return not self.is_allowed(url)

    def suspends(self, url: str) -> bool:
        rule = self.block_for(url)
        return rule is not None and rule.severity == "suspend"

    def silences(self, url: str) -> bool:
        rule = self.block_for(url)
        return rule is not None and rule.severity == "silence"

    def rejects_media(self, url: str) -> bool:
        rule = self.block_for(url)
        return rule is not None and (rule.reject_media or rule.severity == "suspend")

    def rejects_reports(self, url: str) -> bool:
        rule = self.block_for(url)
        return rule is not None and (rule.reject_reports or rule.severity == "suspend")

    def reason(self, url: str) -> str:
        """Why `url` is refused, for logs and job errors."""
        message = SUSPENDED if self.suspends(url) else NOT_LISTED
        return message.format(domain=authority_of(url))

    def check(self, url: str) -> None:
        """Refuse `url`'s server if the policy does.

        Raises:
            Forbidden: suspended, or not on the allow list; the message says which.
        """
        if self.is_allowed(url):
            return
        if self.suspends(url):
            raise Forbidden(SUSPENDED, domain=authority_of(url))
        raise Forbidden(NOT_LISTED, domain=authority_of(url))


def digest(domain: str) -> str:
    """The SHA-256 hex digest Mastodon's DomainBlock entity carries."""
    return hashlib.sha256(domain.encode()).hexdigest()
