"""Collections → AS2 JSON: OrderedCollection summaries, their pages, and the
featured-hashtags Collection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fedcity.federation.render.common import with_context
from fedcity.federation.vocab import Document


def render_collection(collection_id: str, total: int, first: str | None) -> Document:
    """An OrderedCollection's summary: its size and, if any, its first page."""
    doc: Document = {
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if first:
        doc["first"] = first
    return with_context(doc)


def render_featured_tags(
    collection_id: str, tags: Sequence[tuple[str, str]]
) -> Document:
    """An actor's featured hashtags as Mastodon serves them: an unordered Collection
    of Hashtags, `href` being the account's own page of posts with the tag."""
    return with_context(
        {
            "id": collection_id,
            "type": "Collection",
            "totalItems": len(tags),
            "items": [
                {"type": "Hashtag", "href": href, "name": f"#{name}"}
                for name, href in tags
            ],
        }
    )


def render_collection_page(
    page_id: str,
    part_of: str,
    items: Sequence[Any],
    next_page: str | None,
    prev_page: str | None,
) -> Document:
    """One page of an OrderedCollection, linked to its neighbours."""
    doc: Document = {
        "id": page_id,
        "type": "OrderedCollectionPage",
        "partOf": part_of,
        "orderedItems": list(items),
    }
    if next_page:
        doc["next"] = next_page
    if prev_page:
        doc["prev"] = prev_page
    return with_context(doc)
