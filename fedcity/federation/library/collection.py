"""The instance actor's outbox: an `OrderedCollection` of the `Create`s of every
library item published here (public, not withdrawn), newest first, paged by
`max_id` like an account's outbox. A new subscriber reads it to receive the
items made before it subscribed (`backfill`); each Create carries the item as it
is now, signed, as its id serves it."""

from __future__ import annotations

from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.outbox.statuses import create_activity
from fedcity.federation.render.collections import (
    render_collection,
    render_collection_page,
)
from fedcity.federation.vocab import Document
from fedcity.storage.queries.library import federated as q

PAGE_SIZE: Final = 20


def outbox_url(fed: Federation) -> str:
    return f"{fed.urls.instance_actor}/outbox"


async def render_library_outbox(fed: Federation, session: AsyncSession) -> Document:
    """The collection: how many items, and its first page."""
    total = await q.count_published_items(session, fed.urls.origin)
    base = outbox_url(fed)
    return render_collection(base, total, f"{base}?page=true" if total else None)


async def render_library_outbox_page(
    fed: Federation, session: AsyncSession, max_id: int | None
) -> Document:
    """One page: the Creates of up to PAGE_SIZE items older than `max_id`."""
    base = outbox_url(fed)
    found = await q.list_published_items(
        session, fed.urls.origin, max_id=max_id, limit=PAGE_SIZE
    )
    activities = []
    for item in found:
        activity = await create_activity(fed, session, item.post_id)
        activity.pop("@context", None)  # the page's; the Article keeps its own
        activities.append(activity)
    page_id = base + "?page=true" + (f"&max_id={max_id}" if max_id else "")
    following = (
        f"{base}?page=true&max_id={found[-1].id}" if len(found) == PAGE_SIZE else None
    )
    return render_collection_page(page_id, base, activities, following, None)
