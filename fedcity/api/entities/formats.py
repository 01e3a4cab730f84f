"""Small shapes shared by every entity module: the entity type, Mastodon's
timestamp and date formats, its daily-use `history` and a profile's display
settings (kept apart so entity modules can share them without importing each
other)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fedcity.services.accounts.profile_display import DESCRIPTIONS, TABS
from fedcity.services.discovery.trends import TagDay
from fedcity.storage.models import Actor

Entity = dict[str, Any]


def timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def day(moment: datetime | None) -> str | None:
    """The date alone, as Mastodon sends `last_status_at`."""
    return moment.date().isoformat() if moment is not None else None


def display_settings(actor: Actor) -> Entity:
    """The alt text of the avatar and header and the tabs the profile shows, as
    both the Account and the Profile carry them."""
    return {name: getattr(actor, name) for name in (*DESCRIPTIONS, *TABS)}


def serialize_history(days: Sequence[TagDay]) -> list[Entity]:
    """A Tag's or TrendsLink's `history`: days as unix timestamps of UTC midnight,
    counts as strings (Mastodon's)."""
    return [
        {
            "day": str(int(d.day.timestamp())),
            "uses": str(d.uses),
            "accounts": str(d.accounts),
        }
        for d in days
    ]
