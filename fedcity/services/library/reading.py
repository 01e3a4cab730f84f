"""Reading the library: one item, lists with filters, an item's history.

Views carry what an item is shown with (its author, how many versions it has,
who is applying), read in batches for a page of items. Lists leave out
withdrawn items, and items whose `indexable` is false except for their author;
funding opportunities that are closed or past their deadline unless asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.library.items import find_item
from fedcity.storage.models import Actor, LibraryItem, LibraryKind
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import library as q
from fedcity.storage.queries.library import ItemFilter
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow


@dataclass(frozen=True)
class ItemView:
    """An item as it is shown."""

    item: LibraryItem
    author: Actor
    # Versions in its history, the current one included (1 until edited).
    versions_count: int
    # Funding opportunities: how many accounts are applying, and whether the
    # viewer is (None without a viewer, and for case studies).
    applicants_count: int = 0
    applying: bool | None = None


@dataclass(frozen=True)
class ItemVersion:
    """One version of an item's document."""

    document: dict[str, Any]
    written_at: datetime
    current: bool


async def views_of(
    session: AsyncSession, viewer: Actor | None, items: Sequence[LibraryItem]
) -> list[ItemView]:
    """Views of `items`, in order, read with one query per kind of fact."""
    ids = [item.id for item in items]
    authors = await actor_q.list_actors_by_ids(session, [i.actor_id for i in items])
    versions = await q.count_versions(session, ids)
    applicants = await q.count_applicants(session, ids)
    mine = (
        await q.applying_item_ids(session, viewer.id, ids)
        if viewer is not None
        else set()
    )
    return [
        ItemView(
            item=item,
            author=authors[item.actor_id],
            versions_count=versions.get(item.id, 0) + 1,
            applicants_count=applicants.get(item.id, 0),
            applying=(
                item.id in mine
                if viewer is not None and item.kind == LibraryKind.FUNDING_OPPORTUNITY
                else None
            ),
        )
        for item in items
    ]


async def shown_item(
    session: AsyncSession, viewer: Actor | None, kind: LibraryKind, item_id: int
) -> ItemView:
    """One item as anyone may see it (items are public).

    Raises:
        NotFound: no such item of that kind. Gone: withdrawn by its author.
    """
    item = await find_item(session, kind, item_id)
    return (await views_of(session, viewer, [item]))[0]


async def list_items(
    session: AsyncSession,
    viewer: Actor | None,
    kind: LibraryKind,
    asked: ItemFilter,
    page: Page,
    *,
    include_closed: bool = False,
    now: datetime | None = None,
) -> list[ItemView]:
    """Items of `kind` that pass `asked`, newest first (see the module docstring
    for what is left out; `include_closed` keeps closed and past funding)."""
    hide_closed = kind == LibraryKind.FUNDING_OPPORTUNITY and not include_closed
    found = await q.list_items(
        session,
        kind,
        asked,
        page,
        viewer_id=viewer.id if viewer is not None else None,
        open_at=(now or utcnow()) if hide_closed else None,
    )
    return await views_of(session, viewer, found)


async def item_history(
    session: AsyncSession, kind: LibraryKind, item_id: int
) -> list[ItemVersion]:
    """Every version of an item's document, oldest first, the current one last.

    Raises:
        NotFound: no such item of that kind. Gone: withdrawn by its author.
    """
    item = await find_item(session, kind, item_id)
    former = await q.list_versions(session, item.id)
    return [
        *(ItemVersion(dict(v.document), v.written_at, False) for v in former),
        ItemVersion(dict(item.document), item.updated_at or item.created_at, True),
    ]
