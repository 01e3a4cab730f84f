"""Expiry moments that clients ask for in seconds from now (mutes, filters)."""

from __future__ import annotations

from datetime import datetime, timedelta

from fedcity.errors import Unprocessable
from fedcity.storage.types import utcnow


def seconds_from_now(seconds: int, what: str) -> datetime:
    """The moment `seconds` from now, for `what` (a label marked with `N_`:
    "Duration", "Expires in") that a client sent.

    Raises:
        Unprocessable: a moment past the last date Python can hold (year 9999). A
            client that means "never" sends 0, which callers read before this.
    """
    try:
        return utcnow() + timedelta(seconds=seconds)
    except OverflowError:
        raise Unprocessable(
            "Validation failed: {field} is too long", field=what
        ) from None
