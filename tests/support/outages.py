"""A database outage for in-process instances: the instance's `Database` is pointed
at a loopback port nothing listens on (every connect is refused, as when the server
is stopped), then back. The drills in bench/drills/ stop a real PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import create_async_engine

from fedcity.storage.db import Database
from tests.support.instances import free_port


@contextlib.asynccontextmanager
async def database_down(db: Database) -> AsyncIterator[None]:
    working = db.engine
    closed = f"postgresql+asyncpg://fedcity@127.0.0.1:{free_port()}/fedcity"
    down = create_async_engine(closed, connect_args={"timeout": 2})
    db.engine = down
    db.sessionmaker.configure(bind=down)
    try:
        yield
    finally:
        db.engine = working
        db.sessionmaker.configure(bind=working)
        await down.dispose()
