"""Library items: finding them, listing them with filters, their topics and states,
and their former versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import (
    LibraryItem,
    LibraryItemState,
    LibraryItemTopic,
    LibraryItemVersion,
)
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page


@dataclass(frozen=True)
class ItemFilter:
    """What a list of items keeps, as asked (None: any)."""

    topic: str | None = None
    state: str | None = None  # a case study's, or one a funding opportunity takes
    status: str | None = None
    evidence_level: str | None = None
    origin: str | None = None
    author_id: int | None = None


async def get_item(session: AsyncSession, item_id: int) -> LibraryItem | None:
    return await session.get(LibraryItem, item_id)


async def get_item_by_post(session: AsyncSession, post_id: int) -> LibraryItem | None:
    return await session.scalar(
        select(LibraryItem).where(LibraryItem.post_id == post_id)
    )


async def get_item_by_uri(session: AsyncSession, uri: str) -> LibraryItem | None:
    return await session.scalar(select(LibraryItem).where(LibraryItem.uri == uri))


def listing_conditions(
    kind: str, f: ItemFilter, viewer_id: int | None, open_at: datetime | None
) -> list[ColumnElement[bool]]:
    item = LibraryItem
    consent = item.indexable.is_(True)
    found: list[ColumnElement[bool]] = [
        item.kind == kind,
        item.withdrawn_at.is_(None),
        consent if viewer_id is None else or_(consent, item.actor_id == viewer_id),
    ]
    if f.topic is not None:
        found.append(
            exists().where(
                LibraryItemTopic.item_id == item.id, LibraryItemTopic.topic == f.topic
            )
        )
    if f.state is not None:
        found.append(
            exists().where(
                LibraryItemState.item_id == item.id, LibraryItemState.state == f.state
            )
        )
    for column, wanted in (
        (item.status, f.status),
        (item.evidence_level, f.evidence_level),
        (item.origin, f.origin),
        (item.actor_id, f.author_id),
    ):
        if wanted is not None:
            found.append(column == wanted)
    if open_at is not None:
        found.append(or_(item.status.is_(None), item.status != "closed"))
        found.append(or_(item.deadline.is_(None), item.deadline >= open_at))
    return found


async def list_items(
    session: AsyncSession,
    kind: str,
    f: ItemFilter,
    page: Page,
    *,
    viewer_id: int | None = None,
    open_at: datetime | None = None,
) -> list[LibraryItem]:
    """Items of `kind` that pass `f`, newest first, paged on their ids. Withdrawn
    items are never listed; items whose `indexable` is false only for their
    author (`viewer_id`); with `open_at`, funding opportunities that are closed
    or whose deadline is before it are left out."""
    stmt = select(LibraryItem).where(*listing_conditions(kind, f, viewer_id, open_at))
    rows = await paged_rows(session, stmt, LibraryItem.id, page)
    return [row[0] for row in rows]


async def replace_facets(
    session: AsyncSession,
    item: LibraryItem,
    topics: Sequence[str],
    states: Sequence[str],
) -> None:
    """The item's topic and state rows become `topics` and `states`."""
    await session.execute(
        delete(LibraryItemTopic).where(LibraryItemTopic.item_id == item.id)
    )
    await session.execute(
        delete(LibraryItemState).where(LibraryItemState.item_id == item.id)
    )
    await add_facets(session, item, topics, states)


async def add_facets(
    session: AsyncSession,
    item: LibraryItem,
    topics: Sequence[str],
    states: Sequence[str],
) -> None:
    """The topic and state rows of a new item (which has none yet)."""
    session.add_all(
        LibraryItemTopic(item_id=item.id, topic=t) for t in dict.fromkeys(topics)
    )
    session.add_all(
        LibraryItemState(item_id=item.id, state=s) for s in dict.fromkeys(states)
    )
    await session.flush()


async def list_versions(
    session: AsyncSession, item_id: int
) -> list[LibraryItemVersion]:
    """An item's former documents, oldest first."""
    rows = await session.scalars(
        select(LibraryItemVersion)
        .where(LibraryItemVersion.item_id == item_id)
        .order_by(LibraryItemVersion.id)
    )
    return list(rows)


async def count_versions(
    session: AsyncSession, item_ids: Sequence[int]
) -> dict[int, int]:
    """How many former documents each item has (absent: none)."""
    if not item_ids:
        return {}
    rows = await session.execute(
        select(LibraryItemVersion.item_id, func.count())
        .where(LibraryItemVersion.item_id.in_(item_ids))
        .group_by(LibraryItemVersion.item_id)
    )
    return {item_id: count for item_id, count in rows}


async def mark_withdrawn_by_post(
    session: AsyncSession, post_id: int, when: datetime
) -> None:
    """The item a deleted post backs (if any) is withdrawn with it."""
    # Through the ORM, so that an item already loaded in the session sees it too.
    item = await get_item_by_post(session, post_id)
    if item is not None and item.withdrawn_at is None:
        item.withdrawn_at = when
