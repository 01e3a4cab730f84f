"""ActivityStreams names and small helpers for reading loosely shaped JSON."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import Message
from email.utils import collapse_rfc2231_value
from typing import Any
from urllib.parse import urlsplit

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTOR_TYPES = frozenset({"Person", "Service", "Application", "Group", "Organization"})
POST_TYPES = frozenset(
    {"Note", "Article", "Question", "Page", "Event", "Video", "Audio", "Image"}
)
AS2_MEDIA_TYPE = "application/activity+json"
AS2_PROFILE = "https://www.w3.org/ns/activitystreams"
LD_MEDIA_TYPE = f'application/ld+json; profile="{AS2_PROFILE}"'
ACCEPT_AS2 = f"{AS2_MEDIA_TYPE}, {LD_MEDIA_TYPE}"

Document = dict[str, Any]


def as_list(value: object) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def get_id(value: object) -> str | None:
    """The id of a reference that may be a string, an embedded object or a Link."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        found = value.get("id") or value.get("href")
        return found if isinstance(found, str) else None
    if isinstance(value, list) and value:
        return get_id(value[0])
    return None


def get_type(doc: Mapping[str, Any]) -> str:
    """The document's one type; "" when it has none, or a list of them.

    A list (`["Create", "Delete"]`, `["Note", "Article"]`) is not read as its first
    member: no handler may apply half of what a document claims to be.
    """
    kind = doc.get("type")
    return kind if isinstance(kind, str) else ""


def is_as2_media_type(content_type: str) -> bool:
    """Whether a Content-Type names an ActivityStreams document:
    `application/activity+json`, or `application/ld+json` whose `profile` lists
    the ActivityStreams one. Names are case-insensitive, parameters parsed as
    RFC 9110 says. Anything else (HTML, images, bare JSON) may be a file a user
    uploaded to that server, not its own object (Mastodon's CVE-2024-23832).
    """
    header = Message()
    header["Content-Type"] = content_type
    media = header.get_content_type()
    if media == AS2_MEDIA_TYPE:
        return True
    profile = header.get_param("profile")
    if media != "application/ld+json" or profile is None:
        return False
    return AS2_PROFILE in collapse_rfc2231_value(profile).split()


def ids_of(value: object) -> list[str]:
    return [i for i in (get_id(v) for v in as_list(value)) if i]


def origin_of(url: str) -> str:
    """scheme://host:port — instances that differ only by port are different origins."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port or {"https": 443, "http": 80}.get(scheme, 0)
    return f"{scheme}://{host}:{port}"


def same_origin(a: str, b: str) -> bool:
    return origin_of(a) == origin_of(b)


def netloc_of(url: str) -> str:
    """host[:port] as used in acct: handles (the default port left out)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)
