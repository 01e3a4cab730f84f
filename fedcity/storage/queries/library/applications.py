""" "I'm applying" marks on funding opportunities: who is applying, how many, and
whether a given account is."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, LibraryApplication
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page


async def get_application(
    session: AsyncSession, item_id: int, account_id: int
) -> LibraryApplication | None:
    return await session.scalar(
        select(LibraryApplication).where(
            LibraryApplication.item_id == item_id,
            LibraryApplication.account_id == account_id,
        )
    )


async def list_applicants(
    session: AsyncSession, item_id: int, page: Page
) -> list[Row[LibraryApplication, Actor]]:
    """The accounts applying for an item (not deleted), latest mark first, paged
    on the marks' ids."""
    stmt = (
        select(LibraryApplication, Actor)
        .join(Actor, Actor.id == LibraryApplication.account_id)
        .where(LibraryApplication.item_id == item_id, Actor.deleted_at.is_(None))
    )
    return await paged_rows(session, stmt, LibraryApplication.id, page)


async def count_applicants(
    session: AsyncSession, item_ids: Sequence[int]
) -> dict[int, int]:
    """How many accounts are applying for each item (absent: none)."""
    if not item_ids:
        return {}
    rows = await session.execute(
        select(LibraryApplication.item_id, func.count())
        .join(Actor, Actor.id == LibraryApplication.account_id)
        .where(LibraryApplication.item_id.in_(item_ids), Actor.deleted_at.is_(None))
        .group_by(LibraryApplication.item_id)
    )
    return {item_id: count for item_id, count in rows}


async def applying_item_ids(
    session: AsyncSession, account_id: int, item_ids: Sequence[int]
) -> set[int]:
    """Which of `item_ids` `account_id` is applying for."""
    if not item_ids:
        return set()
    rows = await session.scalars(
        select(LibraryApplication.item_id).where(
            LibraryApplication.account_id == account_id,
            LibraryApplication.item_id.in_(item_ids),
        )
    )
    return set(rows)
