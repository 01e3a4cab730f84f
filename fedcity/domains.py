"""The instance-level domain blocklist (`[federation] blocked_domains`): one rule for
inbound activities, outbound requests and the list shown to clients."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import urlsplit


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
    authority = authority_of(url)
    if not authority:
        return False
    host = authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority
    for entry in blocked:
        if ":" in entry and entry.count(":") == 1:
            if authority == entry:
                return True
        elif host == entry or host.endswith("." + entry):
            return True
    return False


def digest(domain: str) -> str:
    """The SHA-256 hex digest Mastodon's DomainBlock entity carries."""
    return hashlib.sha256(domain.encode()).hexdigest()
