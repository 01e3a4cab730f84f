"""Library items as the API shows them: the document's fields, plus what the
instance knows of the item (`id`, `type`, `uri`, `url` of its page, `origin`,
`author` as an Account with its verified office, and `author_verified`, whether
it holds one today; times, `versions_count`).

Two fields are shown apart from the document: `summary` is the author's or the
generated one (`summary_generated` says which), and a funding opportunity's own
`url` (where to apply) is `apply_url`, since `url` is the item's page. Both are
read back by `api.library.items.document_from_body`, so that an entity sent back
as a PUT body means the same document."""

from __future__ import annotations

from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.entities.statuses import serialize_account
from fedcity.services.groups.joining import is_verified_official
from fedcity.services.library.reading import ItemVersion, ItemView
from fedcity.services.library.summaries import is_generated, summary_of
from fedcity.storage.models import LibraryKind
from fedcity.urls import Urls


def serialize_item(view: ItemView, urls: Urls) -> Entity:
    item = view.item
    kind = LibraryKind(item.kind)
    doc = item.document
    entity: Entity = {key: value for key, value in doc.items() if key != "url"}
    entity.update(
        {
            "summary": summary_of(kind, doc),
            "summary_generated": is_generated(doc),
            "id": str(item.id),
            "type": item.kind,
            "uri": item.uri,
            "url": item.url or item.uri,
            "origin": item.origin,
            "status_id": str(item.post_id),
            "author": serialize_account(view.author, urls),
            "author_verified": is_verified_official(view.author),
            "created_at": timestamp(item.created_at),
            "updated_at": timestamp(item.updated_at),
            "withdrawn_at": timestamp(item.withdrawn_at),
            "versions_count": view.versions_count,
        }
    )
    if kind == LibraryKind.FUNDING_OPPORTUNITY:
        entity["apply_url"] = doc.get("url")
        entity["applicants_count"] = view.applicants_count
        entity["applying"] = view.applying
    return entity


def serialize_version(version: ItemVersion) -> Entity:
    """One version of an item's history: the document as it was then."""
    return {
        "created_at": timestamp(version.written_at),
        "current": version.current,
        "document": version.document,
    }
