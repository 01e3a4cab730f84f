"""Paging of account lists keyed by the id of the row that links them (a follow, a
block, a favourite), newest first, as Mastodon pages them."""

from __future__ import annotations

from typing import TypeVarTuple

from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from fedcity.storage.queries.posts import Page

Ts = TypeVarTuple("Ts")


async def paged_rows(
    session: AsyncSession,
    stmt: Select[*Ts],
    key: InstrumentedAttribute[int],
    page: Page,
) -> list[Row[*Ts]]:
    """Rows of `stmt` paged on `key`: max_id/since_id newest first, min_id after it."""
    if page.max_id is not None:
        stmt = stmt.where(key < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(key > page.since_id)
    if page.min_id is not None:
        stmt = stmt.where(key > page.min_id).order_by(key.asc()).limit(page.limit)
        return list(reversed((await session.execute(stmt)).all()))
    return list(
        (await session.execute(stmt.order_by(key.desc()).limit(page.limit))).all()
    )
