"""Posts from other servers: storing, updating and deleting them as their authors'
servers tell us (federation/handlers call these after checking authorship and
parsing the object). Nothing here federates: the author's server already did."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Forbidden
from fedcity.previews.cards import queue_card_fetch
from fedcity.services.events import record
from fedcity.services.notifications.notify import notify, notify_subscribers
from fedcity.services.statuses import search_index
from fedcity.services.statuses.counters import count_new_post
from fedcity.services.statuses.custom_emojis import EmojiRef
from fedcity.services.statuses.mentions import (
    attach_mentions_and_tags,
    replace_mentions_and_tags,
)
from fedcity.services.statuses.posts import keep_version, tombstone
from fedcity.storage.models import Actor, NotificationType, Post, Visibility
from fedcity.storage.queries import posts as q
from fedcity.storage.types import utcnow


@dataclass(frozen=True)
class RemotePostData:
    """A Note/Article/Question/Page from another server, checked by federation.parse."""

    uri: str
    object_type: str
    content: str
    visibility: Visibility
    url: str | None = None
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    in_reply_to_uri: str | None = None
    conversation_uri: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    mentioned_uris: Sequence[str] = ()
    tags: Sequence[str] = ()
    emojis: list[EmojiRef] | None = None
    attachments: Sequence[dict[str, Any]] = ()
    raw: dict[str, Any] | None = None


async def store_remote_post(
    session: AsyncSession, author: Actor, data: RemotePostData
) -> Post | None:
    """Store a post received from its author's server; None if it was already known."""
    existing = await q.get_post_by_uri(session, data.uri)
    if existing is not None:
        return None  # a replay, or a Create for something deleted: never resurrect
    parent = (
        await q.get_post_by_uri(session, data.in_reply_to_uri)
        if data.in_reply_to_uri
        else None
    )
    now = utcnow()
    post = Post(
        uri=data.uri,
        url=data.url,
        actor_id=author.id,
        object_type=data.object_type,
        content=data.content,
        spoiler_text=data.spoiler_text,
        sensitive=data.sensitive,
        language=data.language,
        visibility=data.visibility,
        in_reply_to_uri=data.in_reply_to_uri,
        in_reply_to_id=parent.id if parent else None,
        in_reply_to_actor_id=parent.actor_id if parent else None,
        conversation_uri=data.conversation_uri,
        attachments=list(data.attachments),
        emojis=data.emojis,
        local=False,
        published_at=data.published_at or now,
        raw=data.raw,
    )
    session.add(post)
    await session.flush()
    await _adopt_orphan_replies(session, post)
    mentioned = await _known_actors(session, data.mentioned_uris)
    await attach_mentions_and_tags(session, post, mentioned, data.tags)
    await count_new_post(session, author, post, parent)
    await search_index.refresh(session, post)
    for actor in mentioned:
        await notify(session, actor, author, NotificationType.MENTION, post.id)
    await notify_subscribers(session, author, post)
    await queue_card_fetch(session, post)
    record(session, "status.created", post_id=post.id)
    return post


async def _adopt_orphan_replies(session: AsyncSession, post: Post) -> None:
    # Replies can arrive before the post they answer; link them once it is here.
    await session.execute(
        update(Post)
        .where(Post.in_reply_to_uri == post.uri, Post.in_reply_to_id.is_(None))
        .values(in_reply_to_id=post.id, in_reply_to_actor_id=post.actor_id)
    )


async def _known_actors(session: AsyncSession, uris: Sequence[str]) -> list[Actor]:
    if not uris:
        return []
    rows = await session.scalars(select(Actor).where(Actor.uri.in_(set(uris))))
    return list(rows)


async def update_remote_post(
    session: AsyncSession, author: Actor, post: Post, data: RemotePostData
) -> None:
    """Apply an author's edit (keeping the old version for the edit history) and
    tell local accounts that boosted the post.

    Raises:
        Forbidden: `author` did not write the post.
    """
    if post.actor_id != author.id:
        raise Forbidden("Only the author may update a post")
    if post.deleted_at is not None:
        return
    await keep_version(session, post)
    post.content = data.content
    post.spoiler_text = data.spoiler_text
    post.sensitive = data.sensitive
    post.language = data.language or post.language
    post.attachments = list(data.attachments)
    post.emojis = data.emojis
    post.edited_at = data.updated_at or utcnow()
    post.raw = data.raw
    mentioned = await _known_actors(session, data.mentioned_uris)
    await replace_mentions_and_tags(session, post, mentioned, data.tags)
    await search_index.refresh(session, post)
    await queue_card_fetch(session, post, edited=True)
    record(session, "status.updated", post_id=post.id)
    boosters = await session.scalars(
        select(Actor)
        .join(Post, Post.actor_id == Actor.id)
        .where(
            Post.reblog_of_id == post.id,
            Actor.domain.is_(None),
            Post.deleted_at.is_(None),
        )
    )
    for booster in boosters:
        await notify(session, booster, author, NotificationType.UPDATE, post.id)


async def delete_remote_post(session: AsyncSession, author: Actor, post: Post) -> None:
    """Tombstone a post its author deleted.

    Raises:
        Forbidden: `author` did not write the post.
    """
    if post.actor_id != author.id:
        raise Forbidden("Only the author may delete a post")
    await tombstone(session, post)
