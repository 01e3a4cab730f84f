"""Telling a database that is unreachable from a query that is wrong.

An outage (the server stopped, restarting, refusing connections, out of
connections, or every pooled connection busy past the pool timeout) is temporary:
the web layer answers 503 with `Retry-After` and the worker backs off, instead of
a 500 or a crash. Anything else (a constraint, a bad statement) is a bug or a
rule, and stays what it was.
"""

from __future__ import annotations

import sqlite3

import asyncpg
from sqlalchemy import exc as sa

# asyncpg's own classes for "the connection is gone or cannot be had": class 08
# (connection exception), 57 (operator intervention: shutdown, starting up) and 53
# (insufficient resources: too many connections).
_OUTAGES = (
    ConnectionError,  # refused, reset
    TimeoutError,  # connect or statement timeout
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
)


def is_database_unavailable(exc: BaseException) -> bool:
    """True if `exc` (or what caused it) says the database cannot be reached now.

    asyncpg raises a refused or timed-out connect as the bare OSError or
    TimeoutError, not wrapped by SQLAlchemy, so the chain is walked."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_outage(current):
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


def _is_outage(exc: BaseException) -> bool:
    if isinstance(exc, sa.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa.TimeoutError | sa.DisconnectionError):
        return True  # the pool had no connection to give in time
    if isinstance(exc, _OUTAGES):
        return True
    if isinstance(exc, asyncpg.InterfaceError) and "closed" in str(exc):
        return True  # a pooled connection the server dropped
    # SQLite's one temporary failure: another process holds the write lock.
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)
