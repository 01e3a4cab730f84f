"""Backfill: once another instance accepts this one's subscription (its instance
actor accepted this instance actor's Follow), read that actor's outbox, the
Creates of every library item published there (`collection` on a fedcity), and
store each item as if its Create had been delivered: same origin checks, proof,
validation and consent (`inbound.accept_item`).

One `library_backfill` job reads one page and queues the next, up to MAX_PAGES
pages of at most MAX_ITEMS_PER_PAGE items: a subscription brings at most a
bounded number of earlier items, and a slow or huge peer never holds a worker
for long. A page that can't be fetched fails its job, which is tried again; an
item that can't be stored (its author unreachable, refused) is logged and
skipped. An unsubscribe, or a newer subscription, ends the run."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError
from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.context import Federation
from fedcity.federation.fetch import fetch_document
from fedcity.federation.library import inbound
from fedcity.federation.parse.statuses import attributed_to
from fedcity.federation.vocab import Document, as_list, get_id, get_type, same_origin
from fedcity.jobs.kinds import JobKind, LibraryBackfillJob
from fedcity.jobs.queue import enqueue
from fedcity.storage.models import Actor, Follow, FollowState
from fedcity.storage.queries import actors as actor_q

log = logging.getLogger(__name__)

MAX_PAGES: Final = 50
MAX_ITEMS_PER_PAGE: Final = 40


async def start_backfill(session: AsyncSession, follow: Follow) -> None:
    """Queue the first page of the library of `follow`'s target (once per follow)."""
    payload: LibraryBackfillJob = {
        "actor_id": follow.target_id,
        "follow_uri": follow.uri,
        "url": None,
        "pages": 0,
    }
    await _queue(session, payload)


async def _queue(session: AsyncSession, payload: LibraryBackfillJob) -> None:
    await enqueue(
        session,
        JobKind.LIBRARY_BACKFILL,
        dict(payload),
        dedupe_key=f"{JobKind.LIBRARY_BACKFILL}:{payload['follow_uri']}:"
        f"{payload['pages']}",
    )


async def backfill_library(fed: Federation, payload: dict[str, Any]) -> None:
    """Job handler: store the items of one page of a subscribed instance's outbox
    and queue the next page.

    Raises:
        FetchError: the page could not be fetched (the job is tried again).
    """
    async with fed.db.session() as session:
        target = await _subscribed(fed, session, payload)
    if target is None:
        return
    url = payload.get("url") or target.outbox_uri
    if not url or not same_origin(url, target.uri):
        log.info("no library outbox to read on %s", target.uri)
        return
    page = await _page(fed, await fetch_document(fed, url), target)
    stored = 0
    entries = as_list(page.get("orderedItems") or page.get("items"))
    for activity in entries[:MAX_ITEMS_PER_PAGE]:
        stored += await _store(fed, target, activity)
    log.info("library backfill from %s: %d items from %s", target.uri, stored, url)
    following = get_id(page.get("next"))
    pages = int(payload.get("pages") or 0) + 1
    if following and same_origin(following, target.uri) and pages < MAX_PAGES:
        async with fed.db.session() as session:
            await _queue(
                session,
                {
                    "actor_id": target.id,
                    "follow_uri": str(payload["follow_uri"]),
                    "url": following,
                    "pages": pages,
                },
            )
        fed.wake_worker()


async def _subscribed(
    fed: Federation, session: AsyncSession, payload: Mapping[str, Any]
) -> Actor | None:
    """The followed instance actor, while this instance's actor still follows it
    through the follow that started the run."""
    target = await session.get(Actor, int(payload["actor_id"]))
    own = await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)
    if target is None or own is None or target.deleted_at is not None:
        return None
    follow = await actor_q.get_follow(session, own.id, target.id)
    if follow is None or follow.uri != payload["follow_uri"]:
        return None
    return target if follow.state == FollowState.ACCEPTED else None


async def _page(fed: Federation, doc: Document, target: Actor) -> Document:
    """An outbox page: the document itself, or a collection's first page
    (embedded, or fetched from the same origin)."""
    if get_type(doc) not in ("OrderedCollection", "Collection"):
        return doc
    first = doc.get("first")
    if isinstance(first, dict):
        return first
    url = get_id(first)
    if url is None or not same_origin(url, target.uri):
        return {}
    return await fetch_document(fed, url)


async def _store(fed: Federation, target: Actor, activity: object) -> int:
    """Store the item one outbox entry creates; 1 if it was stored. The outbox's
    server vouches for its own objects only: the Article, its author and the
    activity's actor must be on the followed instance's origin."""
    if not isinstance(activity, Mapping) or get_type(activity) != "Create":
        return 0
    article = activity.get("object")
    if not isinstance(article, dict) or not inbound.carries_item(article):
        return 0
    author_uri = attributed_to(article)
    object_id = get_id(article)
    if (
        author_uri is None
        or object_id is None
        or get_id(activity.get("actor")) != author_uri
        or not same_origin(author_uri, target.uri)
        or not same_origin(object_id, target.uri)
    ):
        log.info("skipped outbox entry %s: not its origin's own", activity.get("id"))
        return 0
    try:
        async with fed.db.session() as session:
            author = await get_or_fetch_actor(fed, session, author_uri)
            if author.is_local or author.deleted_at or author.suspended_at:
                return 0
            post = await inbound.accept_item(fed, session, author, article, edit=False)
    except FedcityError as exc:
        log.info("skipped library item %s: %s", object_id, exc)
        return 0
    return 0 if post is None else 1
