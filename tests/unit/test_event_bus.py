"""The event bus: NOTIFY payload limits, the choice of implementation, and
PostgreSQL LISTEN/NOTIFY across connections, including after one is killed."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import pytest

from fedcity.streaming.bus import (
    MAX_PAYLOAD_BYTES,
    InProcessBus,
    PostgresBus,
    _payloads,
    open_event_bus,
)
from tests.conftest import POSTGRES_ADMIN_URL


def test_payloads_stay_under_the_notify_limit_and_keep_order():
    # Given more events than one NOTIFY can carry
    events = [{"kind": "status.created", "post_id": 10**17 + i} for i in range(1000)]
    # When they are packed
    payloads = _payloads(events)
    # Then every payload fits, and unpacking gives them all back in order
    assert len(payloads) > 1
    assert all(len(p.encode()) <= MAX_PAYLOAD_BYTES for p in payloads)
    assert [e for p in payloads for e in json.loads(p)] == events


def test_bus_is_chosen_by_database_url():
    assert isinstance(open_event_bus("sqlite+aiosqlite:///x.db"), InProcessBus)
    bus = open_event_bus("postgresql+asyncpg://u:secret@db:5432/city")
    assert isinstance(bus, PostgresBus)
    assert bus.dsn == "postgresql://u:secret@db:5432/city"


async def _kill(bus: PostgresBus) -> int:
    pid = bus._conn.get_server_pid()
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    return int(pid)


async def _reconnected(bus: PostgresBus, old_pid: int) -> None:
    for _ in range(100):
        conn = bus._conn
        if (
            conn is not None
            and not conn.is_closed()
            and conn.get_server_pid() != old_pid
        ):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bus did not reconnect")


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_postgres_bus_crosses_connections_and_survives_a_killed_one(
    backend, make_db_url
):
    # Given two buses (two processes' worth) on one database
    dsn = (await make_db_url()).replace("postgresql+asyncpg://", "postgresql://")
    a, b = PostgresBus(dsn), PostgresBus(dsn)
    await a.start()
    await b.start()
    heard_by_a, heard_by_b = a.subscribe(), b.subscribe()
    try:
        # When A publishes, B hears it, and A hears it once (locally, not again)
        a.publish([{"kind": "status.created", "post_id": 1}])
        assert await asyncio.wait_for(heard_by_b.get(), 5) == {
            "kind": "status.created",
            "post_id": 1,
        }
        assert heard_by_a.get_nowait()["post_id"] == 1
        await asyncio.sleep(0.2)
        assert heard_by_a.empty()
        # When B's LISTEN connection is killed, B reconnects by itself
        await _reconnected(b, await _kill(b))
        # And when A's is killed, A's next publish still gets through
        old_a = await _kill(a)
        await asyncio.sleep(0.2)
        a.publish([{"kind": "status.deleted", "post_id": 2}])
        await _reconnected(a, old_a)
        assert await asyncio.wait_for(heard_by_b.get(), 5) == {
            "kind": "status.deleted",
            "post_id": 2,
        }
    finally:
        await a.close()
        await b.close()
