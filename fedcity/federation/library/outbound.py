"""A local library item's post as fedcity sends and serves it: the post's object
(`render.statuses.render_note`) made an `Article` with the item's fields
(`wire.article_fields`), signed by this instance (FEP-8b32, `eddsa-jcs-2022`,
the instance actor's `assertionMethod` key), and heard by the author's followers
and by the instance actor's followers, the instances subscribed to this one's
library (`fedcity instance follow`).

The proof's `created` is when this version of the post was written, so that the
Create, the Update, the object's id and the instance outbox serve the same bytes
for the same version, and a league or a group can forward it verifiably."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.library import wire
from fedcity.federation.vocab import Document
from fedcity.storage.models import LibraryItem, LibraryKind, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import library as q

ARTICLE = "Article"


def instance_followers(fed: Federation) -> str:
    """The instance actor's followers collection: the subscribed instances."""
    return f"{fed.urls.instance_actor}/followers"


async def item_of(session: AsyncSession, post: Post) -> LibraryItem | None:
    """The local library item `post` backs, if any."""
    if post.object_type != ARTICLE or not post.local:
        return None
    return await q.get_item_by_post(session, post.id)


async def library_object(
    fed: Federation, session: AsyncSession, post: Post, note: Document
) -> Document:
    """The post's object as it goes out: the signed Article of its library item
    when it backs one, else `note` as it is."""
    item = await item_of(session, post)
    if item is None:
        return note
    return render_article(fed, item, post, note)


def render_article(
    fed: Federation, item: LibraryItem, post: Post, note: Document
) -> Document:
    """The item's Article (with its own @context, so that the proof covers it
    wherever it is embedded), signed with the instance's assertion key."""
    followers = instance_followers(fed)
    article: Document = {
        "@context": wire.article_context(),
        **note,
        **wire.article_fields(LibraryKind(item.kind), item.document),
        "cc": [*note.get("cc", []), *([] if followers in note["cc"] else [followers])],
    }
    written = post.edited_at or post.published_at or post.created_at
    return fed.assertion_key.sign(article, created=written)


async def subscriber_inboxes(
    fed: Federation, session: AsyncSession, post: Post
) -> set[str]:
    """The inboxes of the instances following this one's actor, when `post` backs
    a local library item (its Create, Update and Delete reach them all)."""
    if await item_of(session, post) is None:
        return set()
    return await instance_follower_inboxes(fed, session)


async def instance_follower_inboxes(fed: Federation, session: AsyncSession) -> set[str]:
    """The inboxes of the instances following this one's actor."""
    own = await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)
    if own is None:
        return set()
    return {i for i in await actor_q.list_follower_inboxes(session, own.id) if i}
