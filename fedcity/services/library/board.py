"""The funding board: open funding opportunities, the soonest deadline first,
for a place's state and population (the viewer's own office's jurisdiction by
default), with who on this instance said they are applying; and the same
opportunities as a calendar of deadlines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.library.browsing import listing
from fedcity.services.library.reading import ItemView, views_of
from fedcity.services.offices.status import actor_views
from fedcity.storage.models import Actor, LibraryItem, LibraryKind
from fedcity.storage.queries.library import ItemFilter
from fedcity.storage.queries.library import browsing as q
from fedcity.storage.queries.library.browsing import Place

FUNDING = LibraryKind.FUNDING_OPPORTUNITY
# Applicants named on the board under each opportunity (its page lists more).
NAMED_APPLICANTS = 5
# Deadlines a calendar feed carries at most.
CALENDAR_SIZE = 500

__all__ = ["Board", "BoardFilter", "Place", "board", "deadlines", "office_place"]


@dataclass(frozen=True)
class BoardFilter:
    """What the board shows: opportunities on a topic, open to a place; closed
    and past ones only when asked."""

    topic: str | None = None
    place: Place = field(default_factory=Place)
    include_closed: bool = False


@dataclass(frozen=True)
class Board:
    """One page of the board."""

    views: list[ItemView]
    # The latest applicants of each opportunity of the page, by item id.
    applicants: dict[int, list[Actor]]
    more: bool  # a next page exists


@dataclass(frozen=True)
class OfficePlace:
    """The jurisdiction of a verified office, as the board filters by it."""

    name: str
    place: Place


def office_place(actor: Actor) -> OfficePlace | None:
    """The jurisdiction of the first office `actor` holds verified today that
    names a state; None if none does."""
    for view in actor_views(actor):
        where = view.summary.get("jurisdiction") or {}
        if view.status == "verified" and where.get("state"):
            population = where.get("population")
            return OfficePlace(
                name=str(where.get("name") or ""),
                place=Place(
                    state=str(where["state"]),
                    population=population if isinstance(population, int) else None,
                ),
            )
    return None


async def board(
    session: AsyncSession,
    viewer: Actor | None,
    asked: BoardFilter,
    *,
    page: int = 1,
    per_page: int = 20,
    now: datetime | None = None,
) -> Board:
    """Page `page` (from 1) of the board for `viewer`."""
    items = await _items(
        session, viewer, asked, (page - 1) * per_page, per_page + 1, now
    )
    shown = items[:per_page]
    views = await views_of(session, viewer, shown)
    named: dict[int, list[Actor]] = {item.id: [] for item in shown}
    for item_id, actor in await q.list_recent_applicants(
        session, [item.id for item in shown], NAMED_APPLICANTS
    ):
        named[item_id].append(actor)
    return Board(views=views, applicants=named, more=len(items) > per_page)


async def deadlines(
    session: AsyncSession, asked: BoardFilter, *, now: datetime | None = None
) -> list[LibraryItem]:
    """The board's opportunities that have a deadline, soonest first (at most
    CALENDAR_SIZE), as a calendar shows them to anyone."""
    items = await _items(session, None, asked, 0, CALENDAR_SIZE, now)
    return [item for item in items if item.deadline is not None]


async def _items(
    session: AsyncSession,
    viewer: Actor | None,
    asked: BoardFilter,
    offset: int,
    limit: int,
    now: datetime | None,
) -> list[LibraryItem]:
    shown = listing(viewer, FUNDING, include_closed=asked.include_closed, now=now)
    return await q.list_board(
        session,
        shown,
        ItemFilter(topic=asked.topic),
        asked.place,
        offset=offset,
        limit=limit,
    )
