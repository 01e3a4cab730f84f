"""Mastodon entities for how an account shapes its feeds: List, Marker, Filter (v2 and
v1), FilterKeyword, FilterStatus, FilterResult and Conversation.
(Kept beside `entities.py`, which holds Account, Status and Notification.)"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.entities.statuses import (
    load_batch,
    serialize_account,
    serialize_status,
)
from fedcity.services.feeds.conversations import Conversation
from fedcity.services.feeds.filtering import Match
from fedcity.services.feeds.filters import LoadedFilter
from fedcity.storage.models import (
    Actor,
    FilterKeyword,
    FilterStatus,
    Marker,
    UserList,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.urls import Urls


def serialize_list(row: UserList) -> Entity:
    return {
        "id": str(row.id),
        "title": row.title,
        "replies_policy": row.replies_policy,
        "exclusive": row.exclusive,
    }


def serialize_marker(row: Marker) -> Entity:
    return {
        "last_read_id": str(row.last_read_id),
        "version": row.version,
        "updated_at": timestamp(row.updated_at),
    }


def serialize_filter_keyword(item: FilterKeyword) -> Entity:
    return {"id": str(item.id), "keyword": item.keyword, "whole_word": item.whole_word}


def serialize_filter_status(item: FilterStatus) -> Entity:
    return {"id": str(item.id), "status_id": str(item.post_id)}


def serialize_filter(loaded: LoadedFilter) -> Entity:
    row = loaded.filter
    return {
        "id": str(row.id),
        "title": row.title,
        "context": list(row.contexts),
        "expires_at": timestamp(row.expires_at),
        "filter_action": row.action,
        "keywords": [serialize_filter_keyword(k) for k in loaded.keywords],
        "statuses": [serialize_filter_status(s) for s in loaded.statuses],
    }


def serialize_v1_filter(loaded: LoadedFilter, keyword: FilterKeyword) -> Entity:
    """One keyword of a v2 filter in v1 shape (Mastodon maps them the same way);
    `irreversible` stands for the hide action."""
    return {
        "id": str(keyword.id),
        "phrase": keyword.keyword,
        "context": list(loaded.filter.contexts),
        "whole_word": keyword.whole_word,
        "expires_at": timestamp(loaded.filter.expires_at),
        "irreversible": loaded.filter.action == "hide",
    }


def serialize_v1_filters(loaded: Sequence[LoadedFilter]) -> list[Entity]:
    """The v2 filters in v1 shape: one v1 filter per keyword."""
    return [serialize_v1_filter(f, k) for f in loaded for k in f.keywords]


def serialize_filter_result(match: Match) -> Entity:
    return {
        "filter": serialize_filter(match.filter),
        "keyword_matches": match.keyword_matches,
        "status_matches": match.status_matches,
    }


def add_filter_results(
    items: list[Entity], ids: Sequence[int], warned: dict[int, list[Match]]
) -> None:
    """Fill `filtered` of serialised statuses (`ids` in the same order) from the
    matches of the viewer's warn filters; a boost's inner status carries them too."""
    for item, post_id in zip(items, ids, strict=True):
        matches = warned.get(post_id)
        if not matches:
            continue
        item["filtered"] = [serialize_filter_result(m) for m in matches]
        if item.get("reblog"):
            item["reblog"]["filtered"] = item["filtered"]


async def serialize_conversations(
    session: AsyncSession,
    rows: Sequence[Conversation],
    viewer: Actor,
    urls: Urls,
) -> list[Entity]:
    """Conversation entities; `accounts` are the last post's author and mentioned
    accounts other than the viewer (as Mastodon keeps them)."""
    batch = await load_batch(session, [c.last_status for c in rows], viewer)
    out = []
    for row in rows:
        post = row.last_status
        ids = [post.actor_id, *batch.mentions.get(post.id, [])]
        others = [i for i in dict.fromkeys(ids) if i != viewer.id]
        missing = [i for i in others if i not in batch.actors]
        if missing:
            batch.actors.update(await actor_q.list_actors_by_ids(session, missing))
        out.append(
            {
                "id": str(row.id),
                "unread": row.unread,
                "accounts": [
                    serialize_account(batch.actors[i], urls)
                    for i in others
                    if i in batch.actors
                ],
                "last_status": serialize_status(post, batch, urls, viewer),
            }
        )
    return out
