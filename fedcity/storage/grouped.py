"""Group commit: many concurrent callers, one transaction per group of them.

A caller's `submit` returns once its item is committed, so what it reports
afterwards (a 202, a job recorded as done) is durable; but while one group
commits the next one gathers, so a busy caller pays for one commit per group
instead of one per item.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.db import Database

T = TypeVar("T")
R = TypeVar("R")

# Writes a group in the given session; returns one result per item, in order.
GroupWrite = Callable[[AsyncSession, list[T]], Awaitable[Sequence[R]]]


class GroupWriter(Generic[T, R]):
    def __init__(
        self, db: Database, write: GroupWrite[T, R], max_group: int = 500
    ) -> None:
        self._db = db
        self._write_group = write
        self._max_group = max_group
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Write `item` with whatever else is waiting; its result once committed.

        Raises:
            Exception: whatever the group's write or commit raised.
        """
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_all())
        return await future

    async def _flush_all(self) -> None:
        while self._waiting:
            group = self._waiting[: self._max_group]
            del self._waiting[: self._max_group]
            await self._write(group)

    async def _write(self, group: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            async with self._db.session() as session:
                results = await self._write_group(session, [item for item, _ in group])
        except Exception as exc:  # every waiting caller must hear of the failure
            for _, future in group:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(group, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def close(self) -> None:
        if self._flusher is not None:
            await self._flusher
