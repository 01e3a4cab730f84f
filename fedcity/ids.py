"""Time-sortable 64-bit ids, as Mastodon's snowflakes: milliseconds << 16 | sequence.

Clients (Ivory among them) insist on numeric string ids and page with max_id/min_id,
so ids must order by creation time. The low 16 bits start at a random offset per
process, which keeps two processes creating rows in the same millisecond apart.
"""

from __future__ import annotations

import secrets
import threading
import time
from datetime import datetime

from fedcity.errors import NotFound

_SEQUENCE_BITS = 16
_SEQUENCE_MASK = (1 << _SEQUENCE_BITS) - 1


class SnowflakeGenerator:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._sequence = 0

    def next_id(self) -> int:
        with self._lock:
            now_ms = time.time_ns() // 1_000_000
            if now_ms <= self._last_ms:
                # Same millisecond (or the clock stepped back): count on, and borrow
                # the next millisecond when its ids are used up, so ids never repeat
                # and never go backwards.
                now_ms = self._last_ms
                self._sequence += 1
                if self._sequence > _SEQUENCE_MASK:
                    now_ms += 1
                    self._sequence = 0
            else:
                # A random start in the lower half keeps processes apart while
                # leaving room to count up within the millisecond.
                self._sequence = secrets.randbelow(1 << (_SEQUENCE_BITS - 1))
            self._last_ms = now_ms
            return (now_ms << _SEQUENCE_BITS) | self._sequence


_generator = SnowflakeGenerator()


def new_id() -> int:
    return _generator.next_id()


def id_floor_for(moment: datetime) -> int:
    """The smallest id a row created at `moment` can have (for time-based paging)."""
    return int(moment.timestamp() * 1000) << _SEQUENCE_BITS


def time_of(snowflake: int) -> float:
    return (snowflake >> _SEQUENCE_BITS) / 1000


# The id columns are signed 64-bit integers (BIGINT): a larger number is no row's id,
# and SQLite cannot even bind it.
MAX_ID = (1 << 63) - 1
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(value: object) -> int | None:
    """The id a client or peer sent, or None when it cannot be one of ours.

    Every id from outside goes through here, so that a malformed one is "not found"
    rather than a crash: ASCII digits only (`str.isdigit()` accepts "²", which `int()`
    refuses, and `int()` accepts " 1", "+1", "1_0" and Arabic-Indic digits), within signed 64 bits.
    A JSON integer is taken as it is; a boolean is not an id.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= MAX_ID else None
    if not isinstance(value, str) or not 0 < len(value) <= _MAX_DIGITS:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def require_id(value: object) -> int:
    """`parse_id` for an id that names the record asked for: a malformed one is
    not found, as an id no row has.

    Raises:
        NotFound: the value cannot be an id.
    """
    found = parse_id(value)
    if found is None:
        raise NotFound("Record not found")
    return found
