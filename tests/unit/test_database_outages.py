"""Which errors mean "the database cannot be reached now" (503, the worker backs
off) and which are bugs or rules that stay what they were; and that the error
middleware maps the first to 503 with Retry-After and leaves the rest a 500."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest
from aiohttp import web
from sqlalchemy import exc as sa

from fedcity.runtime.worker import MAX_OUTAGE_PAUSE_SECONDS, outage_pause
from fedcity.storage.outages import is_database_unavailable
from fedcity.web.middlewares import RETRY_AFTER_SECONDS, errors


def _wrapped(orig: BaseException, *, invalidated: bool = False) -> sa.DBAPIError:
    return sa.DBAPIError("SELECT 1", None, orig, connection_invalidated=invalidated)


def _caused_by(cause: BaseException) -> Exception:
    try:
        raise RuntimeError("while flushing") from cause
    except RuntimeError as exc:
        return exc


OUTAGES = {
    "refused": ConnectionRefusedError(111, "Connect call failed"),
    "connect timeout": TimeoutError(),
    "starting up": asyncpg.CannotConnectNowError("the database system is starting up"),
    "shut down": _wrapped(asyncpg.AdminShutdownError("terminating connection")),
    "dropped": _wrapped(Exception("closed"), invalidated=True),
    "pool exhausted": sa.TimeoutError("QueuePool limit reached"),
    "closed connection": asyncpg.InterfaceError("connection is closed"),
    "too many clients": asyncpg.TooManyConnectionsError("too many clients"),
    "sqlite locked": _wrapped(sqlite3.OperationalError("database is locked")),
    "as a cause": _caused_by(ConnectionRefusedError(111, "refused")),
}
NOT_OUTAGES = {
    "constraint": sa.IntegrityError("INSERT", None, Exception("duplicate key")),
    "sqlite bug": _wrapped(sqlite3.OperationalError("no such table: posts")),
    "asyncpg misuse": asyncpg.InterfaceError("another operation is in progress"),
    "bug": ValueError("nope"),
}


@pytest.mark.parametrize("exc", OUTAGES.values(), ids=OUTAGES.keys())
def test_outages_are_recognised(exc):
    assert is_database_unavailable(exc)


@pytest.mark.parametrize("exc", NOT_OUTAGES.values(), ids=NOT_OUTAGES.keys())
def test_other_errors_are_not_outages(exc):
    assert not is_database_unavailable(exc)


async def _status_for(aiohttp_client, exc: Exception) -> tuple[int, str | None]:
    async def fail(request: web.Request) -> web.Response:
        raise exc

    app = web.Application(middlewares=[errors])
    app.router.add_get("/api/v1/timelines/home", fail)
    client = await aiohttp_client(app)
    response = await client.get("/api/v1/timelines/home")
    return response.status, response.headers.get("Retry-After")


@pytest.mark.parametrize("exc", OUTAGES.values(), ids=OUTAGES.keys())
async def test_middleware_answers_outages_with_503_and_retry_after(aiohttp_client, exc):
    assert await _status_for(aiohttp_client, exc) == (503, str(RETRY_AFTER_SECONDS))


@pytest.mark.parametrize("exc", NOT_OUTAGES.values(), ids=NOT_OUTAGES.keys())
async def test_middleware_keeps_other_failures_500(aiohttp_client, exc):
    assert await _status_for(aiohttp_client, exc) == (500, None)


def test_worker_pauses_longer_while_the_outage_lasts_up_to_a_cap():
    pauses = [outage_pause(0.5, failures) for failures in range(8)]
    assert pauses[0] == 0.5  # no failure: the poll interval
    assert pauses[1:4] == [1.0, 2.0, 4.0]
    assert pauses[-1] == MAX_OUTAGE_PAUSE_SECONDS
