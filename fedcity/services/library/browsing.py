"""What the library's pages show beside the items themselves: how many items
each topic and state has, the items an item links to ("adapted from", related)
when they are known here, its contacts as accounts, and who may publish from
the web."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.offices.status import actor_views
from fedcity.storage.models import Actor, LibraryItem, LibraryKind
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries.library import ItemFilter
from fedcity.storage.queries.library import browsing as q
from fedcity.storage.types import utcnow


@dataclass(frozen=True)
class Facets:
    """How many items the browse page's filters would show: all of the kind
    with the filter asked, and by topic (under the state asked) and by state
    (under the topic asked)."""

    total: int
    topics: dict[str, int]
    states: dict[str, int]


@dataclass(frozen=True)
class Contact:
    """A contact of an item: the handle it gives, and its account when known
    here (None for an account this instance has never seen)."""

    handle: str
    actor: Actor | None


def listing(
    viewer: Actor | None,
    kind: LibraryKind,
    *,
    include_closed: bool = False,
    now: datetime | None = None,
) -> q.Listing:
    """The items of `kind` a list shows `viewer` (reading.list_items' rules)."""
    hide_closed = kind == LibraryKind.FUNDING_OPPORTUNITY and not include_closed
    return q.Listing(
        kind=kind,
        viewer_id=viewer.id if viewer is not None else None,
        open_at=(now or utcnow()) if hide_closed else None,
    )


async def facets(
    session: AsyncSession,
    viewer: Actor | None,
    kind: LibraryKind,
    asked: ItemFilter,
    *,
    now: datetime | None = None,
) -> Facets:
    """The counts of the browse page's filters (see `Facets`)."""
    shown = listing(viewer, kind, now=now)
    state_only = ItemFilter(state=asked.state)
    topic_only = ItemFilter(topic=asked.topic)
    return Facets(
        total=await q.count_items(session, shown, asked),
        topics=await q.count_by_facet(session, shown, state_only, "topic"),
        states=await q.count_by_facet(session, shown, topic_only, "state"),
    )


async def kind_totals(
    session: AsyncSession, viewer: Actor | None, *, now: datetime | None = None
) -> dict[LibraryKind, int]:
    """How many items of each kind the library lists."""
    return {
        kind: await q.count_items(session, listing(viewer, kind, now=now), ItemFilter())
        for kind in LibraryKind
    }


async def linked_items(
    session: AsyncSession, uris: Sequence[str]
) -> dict[str, LibraryItem]:
    """The items known here (not withdrawn) among `uris`, by URI: an item's
    "adapted from" and related links then name them and open their page here."""
    return await q.list_items_by_uris(session, uris)


async def contacts_of(
    session: AsyncSession, handles: Sequence[str], local_domain: str
) -> list[Contact]:
    """Each handle with its account when this instance knows it (never looked
    up elsewhere: a page view must not fetch)."""
    found: list[Contact] = []
    for handle in handles:
        name, _, domain = handle.lstrip("@").partition("@")
        local = not domain or domain.lower() == local_domain.lower()
        actor = (
            await actor_q.get_local_actor(session, name)
            if local
            else await actor_q.get_actor_by_handle(session, name, domain.lower())
        )
        if actor is not None and actor.deleted_at is not None:
            actor = None
        found.append(Contact(handle, actor))
    return found


def may_publish(actor: Actor, *, admin: bool, today: date | None = None) -> bool:
    """Whether `actor` may write new items on the web: an account holding an
    office verified today (staff and league staff are offices too), or an
    administrator of this instance. Editing and withdrawing stay the author's,
    office or not, so that a term's end never locks an item."""
    if admin:
        return True
    return any(view.status == "verified" for view in actor_views(actor, today))
