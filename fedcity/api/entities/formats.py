"""Small shapes shared by every entity module: the entity type, Mastodon's
timestamp format and its daily-use `history` (kept apart so entity modules can
share them without importing each other)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fedcity.services.discovery.trends import TagDay

Entity = dict[str, Any]


def timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


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
