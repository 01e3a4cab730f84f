"""Posts: writing local statuses, storing remote ones, edits, deletes and boosts.

Every change that others must hear about enqueues a `federate` job in the same
transaction; the worker renders and delivers it after the commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import text
from fedcity.errors import Forbidden, NotFound, Unprocessable
from fedcity.ids import new_id
from fedcity.jobs.verbs import PostRef, Verb, enqueue_federate
from fedcity.previews.cards import queue_card_fetch
from fedcity.services.events import record
from fedcity.services.notifications.notify import (
    notify,
    notify_subscribers,
    withdraw_for_post,
    withdraw_from_author,
)
from fedcity.services.statuses import custom_emojis, search_index
from fedcity.services.statuses import media as media_service
from fedcity.services.statuses.counters import bump_actor, bump_post
from fedcity.services.statuses.custom_emojis import EmojiRef
from fedcity.storage.models import (
    Actor,
    Mention,
    NotificationType,
    Post,
    PostEdit,
    PostTag,
    Tag,
    Visibility,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import media as media_q
from fedcity.storage.queries import polls as poll_q
from fedcity.storage.queries import posts as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

MAX_CHARACTERS = 5000


@dataclass(frozen=True)
class NewPost:
    text: str
    visibility: Visibility = Visibility.PUBLIC
    in_reply_to_id: int | None = None
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    # Mention handles as typed (lower-cased, without "@") → the actor they resolved to.
    mentions: Mapping[str, Actor] = field(default_factory=dict)
    # Own, unattached media to attach, in order (at most 4). On an edit, None keeps
    # the post's media as they are; a tuple replaces them.
    media_ids: tuple[int, ...] | None = None
    # On an edit: new descriptions or focus points of the post's media.
    media_edits: tuple[media_service.MediaEdit, ...] = ()


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


# --- local posts -------------------------------------------------------------


async def create_local_post(
    session: AsyncSession, urls: Urls, author: Actor, cmd: NewPost
) -> Post:
    _validate_text(cmd.text, cmd.spoiler_text, has_media=bool(cmd.media_ids))
    media_service.check_count(cmd.media_ids or ())
    parent = await _reply_target(session, author, cmd.in_reply_to_id)
    post_id = new_id()
    now = utcnow()
    post = Post(
        id=post_id,
        uri=urls.status(author.username, post_id),
        url=urls.status_page(author.username, post_id),
        actor_id=author.id,
        source=cmd.text,
        content=_render(urls, cmd.text, cmd.mentions),
        spoiler_text=cmd.spoiler_text,
        sensitive=cmd.sensitive or bool(cmd.spoiler_text),
        language=cmd.language,
        visibility=cmd.visibility,
        local=True,
        published_at=now,
        created_at=now,
        attachments=[],
        emojis=await custom_emojis.local_refs(session, [cmd.text, cmd.spoiler_text]),
        conversation_uri=(parent.conversation_uri or parent.uri) if parent else None,
    )
    if parent is not None:
        post.in_reply_to_id, post.in_reply_to_uri = parent.id, parent.uri
        post.in_reply_to_actor_id = parent.actor_id
    session.add(post)
    await session.flush()
    if cmd.media_ids:
        await media_service.set_post_media(session, author, post, cmd.media_ids)
    mentioned = _unique_actors(cmd.mentions.values())
    await _attach_mentions_and_tags(
        session, post, mentioned, text.extract_hashtags(cmd.text)
    )
    await _count_new_post(session, author, post, parent)
    await search_index.refresh(session, post)
    for actor in mentioned:
        await notify(session, actor, author, NotificationType.MENTION, post.id)
    await notify_subscribers(session, author, post)
    await enqueue_federate(session, Verb.CREATE, PostRef(post.id))
    await queue_card_fetch(session, post)
    record(session, "status.created", post_id=post.id)
    return post


async def edit_local_post(
    session: AsyncSession, urls: Urls, author: Actor, post: Post, cmd: NewPost
) -> Post:
    _require_author(author, post)
    await _keep_version(session, post)  # before the media change
    if cmd.media_ids is not None:
        await media_service.set_post_media(session, author, post, cmd.media_ids)
    await media_service.apply_media_edits(session, post, cmd.media_edits)
    has_media = await media_service.count_post_media(session, post.id) > 0
    _validate_text(cmd.text, cmd.spoiler_text, has_media=has_media)
    post.source = cmd.text
    post.content = _render(urls, cmd.text, cmd.mentions)
    post.spoiler_text = cmd.spoiler_text
    post.emojis = await custom_emojis.local_refs(session, [cmd.text, cmd.spoiler_text])
    post.sensitive = cmd.sensitive or bool(cmd.spoiler_text)
    post.language = cmd.language or post.language
    post.edited_at = utcnow()
    await _replace_mentions_and_tags(
        session,
        post,
        _unique_actors(cmd.mentions.values()),
        text.extract_hashtags(cmd.text),
    )
    await search_index.refresh(session, post)
    await enqueue_federate(session, Verb.UPDATE, PostRef(post.id))
    await queue_card_fetch(session, post, edited=True)
    record(session, "status.updated", post_id=post.id)
    return post


async def delete_local_post(session: AsyncSession, author: Actor, post: Post) -> None:
    _require_author(author, post)
    verb = Verb.UNDO_ANNOUNCE if post.reblog_of_id else Verb.DELETE
    await _tombstone(session, post)
    await enqueue_federate(session, verb, PostRef(post.id))


def _validate_text(body: str, spoiler: str, *, has_media: bool = False) -> None:
    if not body.strip() and not spoiler.strip() and not has_media:
        raise Unprocessable("Validation failed: Text can't be blank")
    if len(body) + len(spoiler) > MAX_CHARACTERS:
        raise Unprocessable(
            f"Validation failed: Text character limit of {MAX_CHARACTERS} exceeded"
        )


async def _reply_target(
    session: AsyncSession, author: Actor, post_id: int | None
) -> Post | None:
    if post_id is None:
        return None
    parent = await q.get_post_by_id(session, post_id)
    if (
        parent is None
        or parent.deleted_at is not None
        or not await can_view(session, author, parent)
    ):
        raise NotFound("Record not found")
    return parent


def _render(urls: Urls, body: str, mentions: Mapping[str, Actor]) -> str:
    def mention_url(ref: text.MentionRef) -> str | None:
        actor = mentions.get(ref.handle.lower())
        return (actor.url or actor.uri) if actor else None

    return text.render_plain_text(body, mention_url=mention_url, tag_url=urls.tag)


def _unique_actors(actors: Sequence[Actor] | Any) -> list[Actor]:
    seen: dict[int, Actor] = {}
    for actor in actors:
        seen.setdefault(actor.id, actor)
    return list(seen.values())


def _require_author(actor: Actor, post: Post) -> None:
    if post.actor_id != actor.id:
        raise Forbidden("This action is not allowed")


async def _keep_version(session: AsyncSession, post: Post) -> None:
    """Keep the post as it is now, before an edit changes it: its text, and what
    it shows besides (media with their descriptions, a remote post's
    attachments, the poll's options, custom emoji) for the edit history."""
    # Only local posts have media rows; a remote post's are in `attachments`.
    media = await media_q.list_media_for_post(session, post.id) if post.local else []
    poll = await poll_q.get_poll_by_post_id(session, post.id)
    session.add(
        PostEdit(
            post_id=post.id,
            content=post.content,
            spoiler_text=post.spoiler_text,
            sensitive=post.sensitive,
            created_at=post.edited_at or post.created_at,
            snapshot={
                "media": [{"id": m.id, "description": m.description} for m in media],
                "attachments": list(post.attachments),
                "poll_options": list(poll.options) if poll is not None else None,
                "emojis": post.emojis,
            },
        )
    )


# --- mentions and tags ---------------------------------------------------------


async def _attach_mentions_and_tags(
    session: AsyncSession, post: Post, mentioned: Sequence[Actor], tags: Sequence[str]
) -> None:
    for actor in mentioned:
        session.add(Mention(post_id=post.id, actor_id=actor.id))
    for name in dict.fromkeys(t.lower() for t in tags if t):
        tag = await _get_or_create_tag(session, name)
        session.add(PostTag(post_id=post.id, tag_id=tag.id))
    await session.flush()


async def _replace_mentions_and_tags(
    session: AsyncSession, post: Post, mentioned: Sequence[Actor], tags: Sequence[str]
) -> None:
    await session.execute(delete(Mention).where(Mention.post_id == post.id))
    await session.execute(delete(PostTag).where(PostTag.post_id == post.id))
    await _attach_mentions_and_tags(session, post, mentioned, tags)


async def _get_or_create_tag(session: AsyncSession, name: str) -> Tag:
    tag = await session.scalar(select(Tag).where(Tag.name == name[:255]))
    if tag is None:
        tag = Tag(name=name[:255])
        session.add(tag)
        await session.flush()
    return tag


async def _count_new_post(
    session: AsyncSession, author: Actor, post: Post, parent: Post | None
) -> None:
    await bump_actor(session, author.id, Actor.statuses_count, 1)
    author.last_status_at = post.created_at
    if parent is not None:
        await bump_post(session, parent.id, Post.replies_count, 1)


async def _tombstone(session: AsyncSession, post: Post) -> None:
    if post.deleted_at is not None:
        return
    post.deleted_at = utcnow()
    post.content, post.source = "", None
    search_index.forget(post)
    record(session, "status.deleted", post_id=post.id)
    if post.reblog_of_id is not None:
        await bump_post(session, post.reblog_of_id, Post.reblogs_count, -1)
        await withdraw_from_author(
            session, post.actor_id, NotificationType.REBLOG, post.reblog_of_id
        )
        return
    await withdraw_for_post(session, post.id)
    await bump_actor(session, post.actor_id, Actor.statuses_count, -1)
    if post.in_reply_to_id is not None:
        await bump_post(session, post.in_reply_to_id, Post.replies_count, -1)
    # Boosts of a deleted post go with it.
    await session.execute(
        update(Post)
        .where(Post.reblog_of_id == post.id, Post.deleted_at.is_(None))
        .values(deleted_at=post.deleted_at)
    )


# --- visibility ---------------------------------------------------------------


async def can_view(session: AsyncSession, viewer: Actor | None, post: Post) -> bool:
    if post.deleted_at is not None:
        return False
    if post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        return True
    if viewer is None:
        return False
    if viewer.id == post.actor_id:
        return True
    mentioned = await session.scalar(
        select(Mention).where(Mention.post_id == post.id, Mention.actor_id == viewer.id)
    )
    if mentioned is not None:
        return True
    return post.visibility == Visibility.PRIVATE and await actor_q.is_follower(
        session, viewer.id, post.actor_id
    )


async def get_visible_post(
    session: AsyncSession, viewer: Actor | None, post_id: int
) -> Post:
    post = await q.get_post_by_id(session, post_id)
    if post is None or not await can_view(session, viewer, post):
        raise NotFound("Record not found")
    return post


# --- remote posts ---------------------------------------------------------------


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
    await _attach_mentions_and_tags(session, post, mentioned, data.tags)
    await _count_new_post(session, author, post, parent)
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
    if post.actor_id != author.id:
        raise Forbidden("Only the author may update a post")
    if post.deleted_at is not None:
        return
    await _keep_version(session, post)
    post.content = data.content
    post.spoiler_text = data.spoiler_text
    post.sensitive = data.sensitive
    post.language = data.language or post.language
    post.attachments = list(data.attachments)
    post.emojis = data.emojis
    post.edited_at = data.updated_at or utcnow()
    post.raw = data.raw
    mentioned = await _known_actors(session, data.mentioned_uris)
    await _replace_mentions_and_tags(session, post, mentioned, data.tags)
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
    if post.actor_id != author.id:
        raise Forbidden("Only the author may delete a post")
    await _tombstone(session, post)


# --- boosts -------------------------------------------------------------------


async def reblog(
    session: AsyncSession,
    urls: Urls,
    actor: Actor,
    original: Post,
    visibility: Visibility = Visibility.PUBLIC,
) -> Post:
    if original.reblog_of_id is not None:
        original = await get_visible_post(session, actor, original.reblog_of_id)
    if original.visibility == Visibility.DIRECT or (
        original.visibility == Visibility.PRIVATE and original.actor_id != actor.id
    ):
        raise Unprocessable("This status cannot be reblogged")
    existing = await q.get_reblog(session, actor.id, original.id)
    if existing is not None:
        return existing
    if original.visibility == Visibility.PRIVATE:
        visibility = Visibility.PRIVATE  # a self-boost never widens the audience
    boost_id = new_id()
    boost = await _insert_boost(
        session, actor, original, urls.activity(boost_id), visibility, boost_id=boost_id
    )
    await enqueue_federate(session, Verb.ANNOUNCE, PostRef(boost.id))
    return boost


async def unreblog(session: AsyncSession, actor: Actor, original: Post) -> Post:
    boost = await q.get_reblog(session, actor.id, original.id)
    if boost is not None:
        await delete_local_post(session, actor, boost)
    return original


async def receive_boost(
    session: AsyncSession,
    actor: Actor,
    original: Post,
    activity_uri: str,
    visibility: Visibility,
) -> Post | None:
    if await q.get_post_by_uri(session, activity_uri) is not None:
        return None
    if original.visibility not in (Visibility.PUBLIC, Visibility.UNLISTED):
        return None  # nobody boosts what isn't public; don't widen its audience
    return await _insert_boost(session, actor, original, activity_uri, visibility)


async def receive_unboost(
    session: AsyncSession, actor: Actor, activity_uri: str
) -> None:
    boost = await q.get_post_by_uri(session, activity_uri)
    if (
        boost is not None
        and boost.actor_id == actor.id
        and boost.reblog_of_id is not None
    ):
        await _tombstone(session, boost)


async def _insert_boost(
    session: AsyncSession,
    actor: Actor,
    original: Post,
    uri: str,
    visibility: Visibility,
    boost_id: int | None = None,
) -> Post:
    boost = Post(
        uri=uri,
        actor_id=actor.id,
        reblog_of_id=original.id,
        visibility=visibility,
        local=actor.is_local,
        published_at=utcnow(),
        attachments=[],
    )
    if boost_id is not None:
        boost.id = boost_id
    session.add(boost)
    await session.flush()
    await bump_post(session, original.id, Post.reblogs_count, 1)
    record(session, "status.created", post_id=boost.id)
    author = await session.get(Actor, original.actor_id)
    if author is not None:
        await notify(session, author, actor, NotificationType.REBLOG, original.id)
    return boost


async def require_post(session: AsyncSession, post_id: int) -> Post:
    post = await q.get_post_by_id(session, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound("Record not found")
    return post
