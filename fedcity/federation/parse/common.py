"""Readers shared by every inbound shape: bounded strings, URLs, timestamps.

Remote documents are untrusted, so each reader returns a safe empty value
rather than raising on a field of the wrong type.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from fedcity.federation.vocab import as_list, get_id, is_http_url


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 timestamp, read as UTC when it has no offset; None if unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def clip(value: object, limit: int = 2048) -> str:
    """`value` cut to `limit` characters if it is a string, else ""."""
    return value[:limit] if isinstance(value, str) else ""


def first_url(value: object) -> str | None:
    """The first http(s) URL in `value`: `url`, `icon` and `image` come as strings,
    Links, Images or lists of them."""
    for item in as_list(value):
        if isinstance(item, Mapping) and "url" in item:
            item = first_url(item["url"])
        found = get_id(item) if not isinstance(item, str) else item
        if is_http_url(found):
            return found
    return None
