"""The post behind a local item: a public `posts` row of object type "Article"
whose content is the item's readable HTML, written the way
services.statuses.posts writes a status (counters, hashtags, search text, the
`status.created` event, subscribers' notifications, a `federate` job) so that
timelines, the Mastodon API, status search and other servers see the item.

statuses.posts.create_local_post renders plain text, which an item is not, so
the row is written here; editing and deleting go through the statuses services
(`keep_version` for the post's own edit history, `delete_local_post` so that the
Delete federates)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.jobs.verbs import PostRef, Verb, enqueue_federate
from fedcity.services.events import record
from fedcity.services.library.rendering import hashtags_of, item_html
from fedcity.services.notifications.notify import notify_subscribers
from fedcity.services.offices import seats
from fedcity.services.statuses import search_index
from fedcity.services.statuses.counters import count_new_post
from fedcity.services.statuses.mentions import (
    attach_mentions_and_tags,
    replace_mentions_and_tags,
)
from fedcity.services.statuses.posts import keep_version
from fedcity.storage.models import Actor, LibraryKind, Post, Visibility
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

ARTICLE = "Article"


async def publish_post(
    session: AsyncSession,
    urls: Urls,
    author: Actor,
    post_id: int,
    kind: LibraryKind,
    doc: Mapping[str, Any],
) -> Post:
    """Write the post of a new local item (id `post_id`) and its Create."""
    now = utcnow()
    page = urls.library_item(kind, post_id)
    content = item_html(kind, doc, page, urls)
    post = Post(
        id=post_id,
        uri=urls.status(author.username, post_id),
        url=page,
        actor_id=author.id,
        object_type=ARTICLE,
        content=content,
        # What search_index.refresh would find: a new item's post has no poll
        # and no media, so nothing needs reading back (bulk imports write many).
        search_text=search_index.compose("", content),
        spoiler_text="",
        sensitive=False,
        language=doc.get("language"),
        visibility=Visibility.PUBLIC,
        local=True,
        published_at=now,
        created_at=now,
        attachments=[],
        holder_id=await seats.holder_of_post(session, author),
    )
    session.add(post)
    await session.flush()
    await attach_mentions_and_tags(session, post, [], hashtags_of(doc))
    await count_new_post(session, author, post, None)
    await notify_subscribers(session, author, post)
    await enqueue_federate(session, Verb.CREATE, PostRef(post.id))
    record(session, "status.created", post_id=post.id)
    return post


async def revise_post(
    session: AsyncSession,
    urls: Urls,
    post: Post,
    kind: LibraryKind,
    doc: Mapping[str, Any],
) -> None:
    """Show an edited item's new document in its post, keeping the post's former
    version (Mastodon's status history), and send the Update."""
    await keep_version(session, post)
    post.content = item_html(kind, doc, post.url, urls)
    post.language = doc.get("language") or post.language
    post.edited_at = utcnow()
    await replace_mentions_and_tags(session, post, [], hashtags_of(doc))
    await search_index.refresh(session, post)
    await enqueue_federate(session, Verb.UPDATE, PostRef(post.id))
    record(session, "status.updated", post_id=post.id)
