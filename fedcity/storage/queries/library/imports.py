"""The library's bulk loading (issue 14): the item imported from a file (by its
import key), the keys an author's items hold, and the local items an export
writes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, LibraryItem


async def get_items_by_import_keys(
    session: AsyncSession, author_id: int, kind: str, keys: Sequence[str]
) -> dict[str, LibraryItem]:
    """The items of `kind` that `author_id` imported from the files `keys`
    (withdrawn or not), by key: one query for a batch of files."""
    if not keys:
        return {}
    rows = await session.scalars(
        select(LibraryItem).where(
            LibraryItem.actor_id == author_id,
            LibraryItem.kind == kind,
            LibraryItem.import_key.in_(keys),
        )
    )
    return {item.import_key: item for item in rows if item.import_key is not None}


async def list_import_keys(session: AsyncSession, kind: str) -> set[tuple[int, str]]:
    """(author id, key) of every item of `kind` that has an import key."""
    rows = await session.execute(
        select(LibraryItem.actor_id, LibraryItem.import_key).where(
            LibraryItem.kind == kind, LibraryItem.import_key.is_not(None)
        )
    )
    return {(author_id, key) for author_id, key in rows if key is not None}


async def list_local_items(
    session: AsyncSession, kind: str, author_id: int | None = None
) -> list[LibraryItem]:
    """The items of `kind` local accounts wrote and have not withdrawn (only
    `author_id`'s when given), oldest first."""
    stmt = (
        select(LibraryItem)
        .join(Actor, Actor.id == LibraryItem.actor_id)
        .where(
            LibraryItem.kind == kind,
            LibraryItem.withdrawn_at.is_(None),
            Actor.domain.is_(None),
        )
        .order_by(LibraryItem.id)
    )
    if author_id is not None:
        stmt = stmt.where(LibraryItem.actor_id == author_id)
    return list(await session.scalars(stmt))
