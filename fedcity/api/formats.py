"""Small shapes shared by every entity module: the entity type and Mastodon's
timestamp format (kept apart so entity modules can share them without importing
each other)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

Entity = dict[str, Any]


def timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
