"""Writing library items: create, update (the former document is kept), withdraw,
and storing a remote item beside the post its server sent.

A local item is created with its post (posting.publish_post) and shares its id;
its document is validated first (validation.validate_document) and its
searchable fields are copied into columns (`apply_document`). Withdrawing
deletes the post through the statuses' delete path, so a Delete federates and
the post becomes a Tombstone; the item keeps its row, marked withdrawn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Forbidden, Gone, NotFound
from fedcity.i18n import N_
from fedcity.ids import new_id
from fedcity.services.library import posting
from fedcity.services.library.columns import columns_of, states_of
from fedcity.services.library.validation import validate_document
from fedcity.services.statuses.posts import delete_local_post
from fedcity.storage.models import (
    Actor,
    LibraryItem,
    LibraryItemVersion,
    LibraryKind,
    Post,
)
from fedcity.storage.queries import library as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

WITHDRAWN = N_("This item was withdrawn by its author")


async def create_item(
    session: AsyncSession,
    urls: Urls,
    author: Actor,
    kind: LibraryKind,
    doc: object,
    *,
    default_license: str,
    import_key: str | None = None,
) -> LibraryItem:
    """Publish a local item written by `author`: its post goes out as a Create.
    `import_key` names the file it was imported from (services.library.importing).

    Raises:
        DocumentInvalid: the document breaks its schema or rules.
    """
    stored = validate_document(kind, doc, default_license=default_license)
    item_id = new_id()
    post = await posting.publish_post(session, urls, author, item_id, kind, stored)
    item = LibraryItem(
        id=item_id,
        kind=kind,
        post_id=post.id,
        actor_id=author.id,
        uri=post.uri,
        url=post.url,
        origin=urls.origin,
        created_at=post.created_at,
        import_key=import_key,
    )
    await apply_document(session, item, stored, new=True)
    return item


async def update_item(
    session: AsyncSession,
    urls: Urls,
    author: Actor,
    item: LibraryItem,
    doc: object,
    *,
    default_license: str,
) -> LibraryItem:
    """Replace a local item's document (the author's own, `own_item`); the former
    one joins its history and the post's Update goes out.

    Raises:
        DocumentInvalid: the new document breaks its schema or rules.
    """
    kind = LibraryKind(item.kind)
    stored = validate_document(kind, doc, default_license=default_license)
    post = await session.get(Post, item.post_id)
    if post is None or post.deleted_at is not None:
        raise Gone(WITHDRAWN)
    keep_item_version(session, item)
    await posting.revise_post(session, urls, post, kind, stored)
    item.updated_at = post.edited_at
    await apply_document(session, item, stored)
    return item


async def withdraw_item(
    session: AsyncSession, author: Actor, item: LibraryItem
) -> LibraryItem:
    """Withdraw a local item (the author's own, `own_item`): its post is deleted,
    so a Delete goes out and the post's URI answers with a Tombstone."""
    post = await session.get(Post, item.post_id)
    if post is not None and post.deleted_at is None:
        await delete_local_post(session, author, post)
    item.withdrawn_at = item.withdrawn_at or utcnow()
    return item


async def find_item(
    session: AsyncSession, kind: LibraryKind, item_id: int
) -> LibraryItem:
    """The item of `kind` with that id, unless withdrawn.

    Raises:
        NotFound: no such item of that kind. Gone: withdrawn by its author.
    """
    item = await q.get_item(session, item_id)
    if item is None or item.kind != kind:
        raise NotFound("Record not found")
    if item.withdrawn_at is not None:
        raise Gone(WITHDRAWN)
    return item


async def own_item(
    session: AsyncSession, author: Actor, kind: LibraryKind, item_id: int
) -> LibraryItem:
    """An item of `kind` that `author` may change (`find_item`'s, and theirs).

    Raises:
        NotFound, Gone: as `find_item`. Forbidden: someone else's.
    """
    item = await find_item(session, kind, item_id)
    if item.actor_id != author.id:
        raise Forbidden("This action is not allowed")
    return item


def keep_item_version(session: AsyncSession, item: LibraryItem) -> None:
    """Keep the item's document as it is now, before an edit replaces it."""
    session.add(
        LibraryItemVersion(
            item_id=item.id,
            document=dict(item.document),
            written_at=item.updated_at or item.created_at,
        )
    )


async def store_remote_item(
    session: AsyncSession,
    post: Post,
    author: Actor,
    kind: LibraryKind,
    doc: object,
    *,
    author_indexable: bool,
) -> LibraryItem:
    """Record (or update) the item a remote post carries, for federation's
    inbound handlers: `post` is already stored (statuses.remote_posts), `doc` is
    the document read from the Article. An update keeps the former document.
    The item is indexable if its document says so, or says nothing and its
    author is (`author_indexable`); its own false always wins.

    Raises:
        DocumentInvalid: the document breaks its schema or rules (the caller
            refuses the activity with the reason).
    """
    said = isinstance(doc, Mapping) and "indexable" in doc
    stored = validate_document(kind, doc, default_license=None)
    item = await q.get_item_by_post(session, post.id)
    if item is None:
        item = LibraryItem(
            kind=kind,
            post_id=post.id,
            actor_id=author.id,
            uri=post.uri,
            url=post.url,
            origin=author.domain or "",
            created_at=post.published_at or post.created_at,
        )
    else:
        keep_item_version(session, item)
        item.updated_at = post.edited_at or utcnow()
    await apply_document(session, item, stored)
    if not said:
        item.indexable = author_indexable
    return item


async def apply_document(
    session: AsyncSession,
    item: LibraryItem,
    doc: Mapping[str, Any],
    *,
    new: bool = False,
) -> None:
    """Store a validated document on the item, with the columns lists and
    search filter on (`columns.columns_of`), and its topic and state rows (a
    `new` item has none to replace: bulk imports save the two DELETEs)."""
    item.document = dict(doc)
    for name, value in columns_of(doc).items():
        setattr(item, name, value)
    session.add(item)
    await session.flush()
    states = states_of(LibraryKind(item.kind), doc)
    write_facets = q.add_facets if new else q.replace_facets
    await write_facets(session, item, item.topics, states)
