"""OAuth scopes as Mastodon defines them, and the rules for granting them."""

from __future__ import annotations

from fedcity.errors import Unprocessable

# Mastodon's scopes: the top-level ones and every granular one.
_ADMIN_RESOURCES = (
    "accounts",
    "reports",
    "domain_allows",
    "domain_blocks",
    "ip_blocks",
    "email_domain_blocks",
    "canonical_email_blocks",
)
TOP_SCOPES = ("read", "write", "follow", "push", "profile", "admin:read", "admin:write")
GRANULAR = {
    "read": (
        "accounts",
        "blocks",
        "bookmarks",
        "favourites",
        "filters",
        "follows",
        "lists",
        "mutes",
        "notifications",
        "search",
        "statuses",
    ),
    "write": (
        "accounts",
        "blocks",
        "bookmarks",
        "conversations",
        "favourites",
        "filters",
        "follows",
        "lists",
        "media",
        "mutes",
        "notifications",
        "reports",
        "statuses",
    ),
    "admin:read": _ADMIN_RESOURCES,
    "admin:write": _ADMIN_RESOURCES,
}
KNOWN_SCOPES = frozenset(
    [*TOP_SCOPES, *(f"{top}:{sub}" for top, subs in GRANULAR.items() for sub in subs)]
)


def has_scope(granted: frozenset[str], needed: str) -> bool:
    """A token with `read` may do what `read:statuses` allows; `follow` is legacy for
    the follow/block/mute scopes."""
    parent = needed.rsplit(":", 1)[0]
    if needed in granted or parent in granted:
        return True
    return "follow" in granted and needed.split(":")[-1] in (
        "follows",
        "blocks",
        "mutes",
    )


def parse_scopes(raw: str | None, default: str = "read") -> list[str]:
    scopes = (raw or default).replace("+", " ").split()
    unknown = [s for s in scopes if s not in KNOWN_SCOPES]
    if unknown:
        raise Unprocessable(
            "Validation failed: Scopes {scopes} are not valid", scopes=" ".join(unknown)
        )
    return list(dict.fromkeys(scopes))


def scopes_within(requested: list[str], allowed: list[str]) -> bool:
    """Every requested scope is granted by one the app registered."""
    return all(s in allowed or s.split(":")[0] in allowed for s in requested)
