"""Consent to be found (issue 14, docs/library.md "Consent"): whether search may
find a remote item. The decision is stored in the item's `indexable` column, so
that search filters on that one column (and on `withdrawn_at`).

A remote item is searchable only when its post is public and either the item
says `indexable: true`, or it says nothing and its author consents (the actor's
`indexable`, or `searchableBy` naming the public: the caller reads the actor).
The item's own false always wins. When the author withdraws consent (an actor
`Update` turning `indexable` off), the items that said nothing leave the index;
withdrawn and deleted items are out whatever they say."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, LibraryItem, Post, Visibility
from fedcity.storage.queries.library import federated as q


def searchable(*, public: bool, said: object, author_consents: bool) -> bool:
    """The rule above: `said` is the item's own `indexable` as received (None, or
    anything not a boolean, when it said nothing)."""
    if not public:
        return False
    if isinstance(said, bool):
        return said
    return author_consents


def said_of(post: Post) -> object:
    """What a remote item's Article said of `indexable` (kept in the post's raw
    document: the stored item's document has the default filled in)."""
    raw: Mapping[str, Any] = post.raw or {}
    return raw.get("indexable")


def decide(item: LibraryItem, post: Post, *, author_consents: bool) -> bool:
    """Store on a remote item whether search may find it; the decision."""
    item.indexable = searchable(
        public=post.visibility == Visibility.PUBLIC,
        said=said_of(post),
        author_consents=author_consents,
    )
    return item.indexable


async def author_consent_changed(
    session: AsyncSession, author: Actor, *, consents: bool
) -> int:
    """The author's consent changed (or was read again): decide again for each of
    their remote items not withdrawn; how many changed."""
    if author.is_local:
        return 0
    changed = 0
    for item, post in await q.list_items_with_posts(session, author.id):
        before = item.indexable
        if decide(item, post, author_consents=consents) != before:
            changed += 1
    return changed
