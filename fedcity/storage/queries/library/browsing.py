"""What the library's pages read beside a list of items: how many items each
topic and state has (the browse page's filters), the funding board (open
opportunities by deadline, for a place's state and population), who applied
lately for each item of a page, and items known by their URIs ("adapted from",
related items)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import (
    Actor,
    LibraryApplication,
    LibraryItem,
    LibraryItemState,
    LibraryItemTopic,
    LibraryKind,
)
from fedcity.storage.queries.library.items import ItemFilter
from fedcity.storage.queries.library.items import listing_conditions as listed


@dataclass(frozen=True)
class Listing:
    """Which items of a kind a list shows: the viewer (who also sees their own
    items that are not indexable) and, for funding, the moment before which a
    deadline has passed (None: closed and past ones too)."""

    kind: str
    viewer_id: int | None = None
    open_at: datetime | None = None


@dataclass(frozen=True)
class Place:
    """Where a funding opportunity must be open to: a state, a population."""

    state: str | None = None
    population: int | None = None


async def count_items(session: AsyncSession, listing: Listing, f: ItemFilter) -> int:
    """How many items `listing` with filter `f` shows."""
    stmt = select(func.count()).select_from(LibraryItem)
    stmt = stmt.where(*listed(listing.kind, f, listing.viewer_id, listing.open_at))
    return int(await session.scalar(stmt) or 0)


async def count_by_facet(
    session: AsyncSession, listing: Listing, f: ItemFilter, facet: str
) -> dict[str, int]:
    """How many items `listing` with filter `f` shows for each topic (`facet`
    "topic") or each state ("state": a case study's own, or one a funding
    opportunity is open to)."""
    table = LibraryItemTopic if facet == "topic" else LibraryItemState
    column = LibraryItemTopic.topic if facet == "topic" else LibraryItemState.state
    stmt = (
        select(column, func.count())
        .join(LibraryItem, LibraryItem.id == table.item_id)
        .where(*listed(listing.kind, f, listing.viewer_id, listing.open_at))
        .group_by(column)
    )
    return {name: int(count) for name, count in await session.execute(stmt)}


def _open_to(place: Place) -> list[ColumnElement[bool]]:
    """An opportunity open to `place`: one that names no state or names its
    state, and whose population bounds (where given) hold its population."""
    item = LibraryItem
    found: list[ColumnElement[bool]] = []
    if place.state is not None:
        any_state = exists().where(LibraryItemState.item_id == item.id)
        its_state = exists().where(
            LibraryItemState.item_id == item.id, LibraryItemState.state == place.state
        )
        found.append(or_(not_(any_state), its_state))
    if place.population is not None:
        found.append(
            and_(
                or_(
                    item.population_min.is_(None),
                    item.population_min <= place.population,
                ),
                or_(
                    item.population_max.is_(None),
                    item.population_max >= place.population,
                ),
            )
        )
    return found


async def list_board(
    session: AsyncSession,
    listing: Listing,
    f: ItemFilter,
    place: Place,
    *,
    offset: int,
    limit: int,
) -> list[LibraryItem]:
    """Funding opportunities open to `place`, the soonest deadline first (those
    without one last, then the newest), `limit` from `offset`."""
    kind = LibraryKind.FUNDING_OPPORTUNITY
    stmt = (
        select(LibraryItem)
        .where(*listed(kind, f, listing.viewer_id, listing.open_at))
        .where(*_open_to(place))
    )
    stmt = stmt.order_by(
        LibraryItem.deadline.asc().nulls_last(), LibraryItem.id.desc()
    ).offset(offset)
    return list(await session.scalars(stmt.limit(limit)))


async def list_recent_applicants(
    session: AsyncSession, item_ids: Sequence[int], per_item: int
) -> list[tuple[int, Actor]]:
    """For each item, the (at most `per_item`) accounts that said last that they
    are applying, as (item id, account), latest first within an item."""
    if not item_ids:
        return []
    ranked = (
        select(
            LibraryApplication.item_id,
            LibraryApplication.account_id,
            func.row_number()
            .over(
                partition_by=LibraryApplication.item_id,
                order_by=LibraryApplication.id.desc(),
            )
            .label("rank"),
        )
        .join(Actor, Actor.id == LibraryApplication.account_id)
        .where(LibraryApplication.item_id.in_(item_ids), Actor.deleted_at.is_(None))
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.item_id, Actor)
        .join(Actor, Actor.id == ranked.c.account_id)
        .where(ranked.c.rank <= per_item)
        .order_by(ranked.c.item_id, ranked.c.rank)
    )
    return [(int(item_id), actor) for item_id, actor in rows]


async def list_items_by_uris(
    session: AsyncSession, uris: Sequence[str]
) -> dict[str, LibraryItem]:
    """The items (not withdrawn) known here by those URIs, by URI."""
    if not uris:
        return {}
    rows = await session.scalars(
        select(LibraryItem).where(
            LibraryItem.uri.in_(list(uris)), LibraryItem.withdrawn_at.is_(None)
        )
    )
    return {item.uri: item for item in rows}
