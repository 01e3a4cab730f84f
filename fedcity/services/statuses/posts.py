"""Local posts: writing, editing and deleting the statuses of this server's
accounts, and the steps every post goes through (an edit keeps the old version; a
delete leaves a tombstone).

Every change that others must hear about enqueues a `federate` job in the same
transaction; the worker renders and delivers it after the commit. Remote posts are
in `remote_posts.py`, boosts in `boosts.py`, who may see a post in `visibility.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import text
from fedcity.errors import Forbidden, NotFound, Unprocessable
from fedcity.i18n import N_
from fedcity.ids import new_id
from fedcity.jobs.verbs import PostRef, Verb, enqueue_federate
from fedcity.previews.cards import queue_card_fetch
from fedcity.services.events import record
from fedcity.services.limits import (
    MAX_LANGUAGE_CODE,
    MAX_STATUS_CHARACTERS,
    check_length,
)
from fedcity.services.notifications.notify import (
    notify,
    notify_subscribers,
    withdraw_for_post,
    withdraw_from_author,
)
from fedcity.services.offices import seats
from fedcity.services.statuses import attachments, custom_emojis, search_index
from fedcity.services.statuses import media as media_service
from fedcity.services.statuses.counters import bump_actor, bump_post, count_new_post
from fedcity.services.statuses.mentions import (
    attach_mentions_and_tags,
    replace_mentions_and_tags,
    unique_actors,
)
from fedcity.services.statuses.visibility import can_view
from fedcity.storage.models import (
    Actor,
    NotificationType,
    Post,
    PostEdit,
    Visibility,
)
from fedcity.storage.queries import library as library_q
from fedcity.storage.queries import media as media_q
from fedcity.storage.queries import polls as poll_q
from fedcity.storage.queries import posts as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls


@dataclass(frozen=True)
class NewPost:
    """A local status as it is written: defaults applied, mentions resolved.
    Clients' requests arrive as `publishing.PublishStatus`."""

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


async def create_local_post(
    session: AsyncSession, urls: Urls, author: Actor, cmd: NewPost
) -> Post:
    """Write a local status as given (mentions already resolved) and its side
    effects: counters, mention notifications, the Create. Defaults, polls,
    scheduling and idempotency are `publishing.publish_status`'s.

    Raises:
        Unprocessable: blank or too long, or media that cannot be attached.
        NotFound: a reply to a post the author cannot see.
    """
    check_text(cmd, has_media=bool(cmd.media_ids))
    attachments.check_count(cmd.media_ids or ())
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
        holder_id=await seats.holder_of_post(session, author),
    )
    if parent is not None:
        post.in_reply_to_id, post.in_reply_to_uri = parent.id, parent.uri
        post.in_reply_to_actor_id = parent.actor_id
    session.add(post)
    await session.flush()
    if cmd.media_ids:
        await attachments.set_post_media(session, author, post, cmd.media_ids)
    mentioned = unique_actors(cmd.mentions.values())
    await attach_mentions_and_tags(
        session, post, mentioned, text.extract_hashtags(cmd.text)
    )
    await count_new_post(session, author, post, parent)
    await _relay_to_groups(session, urls, post, author, mentioned)
    await search_index.refresh(session, post)
    for actor in mentioned:
        await notify(session, actor, author, NotificationType.MENTION, post.id)
    await notify_subscribers(session, author, post)
    await enqueue_federate(session, Verb.CREATE, PostRef(post.id))
    await queue_card_fetch(session, post)
    record(session, "status.created", post_id=post.id)
    return post


async def _relay_to_groups(
    session: AsyncSession, urls: Urls, post: Post, author: Actor, mentioned: list[Actor]
) -> None:
    """Hand the post to the local groups it mentions or whose thread it answers.

    Raises:
        Unprocessable: a group refuses it for a reason its author must hear now
            (banned, not an official, a locked thread, the quorum guard).
    """
    # The relay's rules send the group's notices, which are local posts.
    from fedcity.services.groups import relay

    targets = await relay.addressed_groups(session, post, [a.uri for a in mentioned])
    for target in targets:
        outcome = await relay.relay_post(session, urls, target, post, author)
        if outcome.refusal is not None and outcome.refusal.told_at_once:
            raise Unprocessable(
                "The group {group} does not take this post: {reason}",
                group=target.actor.display_name or target.actor.username,
                reason=outcome.refusal.text,
            )


async def _relay_change(session: AsyncSession, post: Post, activity: str) -> None:
    from fedcity.services.groups import relay

    await relay.relay_change(session, post, activity)


async def edit_local_post(
    session: AsyncSession, urls: Urls, author: Actor, post: Post, cmd: NewPost
) -> Post:
    """Replace a local post's text, media and mentions, keeping the old version
    for the edit history; the Update goes out through a `federate` job.

    Raises:
        Forbidden: `author` did not write the post.
        Unprocessable: blank or too long, or media that cannot be attached.
    """
    _require_author(author, post)
    if post.object_type == "Article":
        # A library item's post shows its document; only the library edits it.
        raise Unprocessable(
            "This is a case study or funding opportunity: edit it in the library"
        )
    await keep_version(session, post)  # before the media change
    if cmd.media_ids is not None:
        await attachments.set_post_media(session, author, post, cmd.media_ids)
    await media_service.apply_media_edits(session, post, cmd.media_edits)
    has_media = await attachments.count_post_media(session, post.id) > 0
    check_text(cmd, has_media=has_media)
    post.source = cmd.text
    post.content = _render(urls, cmd.text, cmd.mentions)
    post.spoiler_text = cmd.spoiler_text
    post.emojis = await custom_emojis.local_refs(session, [cmd.text, cmd.spoiler_text])
    post.sensitive = cmd.sensitive or bool(cmd.spoiler_text)
    post.language = cmd.language or post.language
    post.edited_at = utcnow()
    await replace_mentions_and_tags(
        session,
        post,
        unique_actors(cmd.mentions.values()),
        text.extract_hashtags(cmd.text),
    )
    await search_index.refresh(session, post)
    await enqueue_federate(session, Verb.UPDATE, PostRef(post.id))
    await _relay_change(session, post, "Update")
    await queue_card_fetch(session, post, edited=True)
    record(session, "status.updated", post_id=post.id)
    return post


async def delete_local_post(
    session: AsyncSession, author: Actor, post: Post, *, delete_media: bool = False
) -> list[str]:
    """Delete a local post or boost; the Delete (or Undo) goes out. Its media stay,
    free for a redraft, unless `delete_media` (Mastodon's parameter) deletes them:
    then the paths of their files are returned, to discard after the commit.

    Raises:
        Forbidden: `author` did not write it.
    """
    _require_author(author, post)
    verb = Verb.UNDO_ANNOUNCE if post.reblog_of_id else Verb.DELETE
    await tombstone(session, post)
    await enqueue_federate(session, verb, PostRef(post.id))
    if verb == Verb.DELETE:
        await _relay_change(session, post, "Delete")
    if not delete_media:
        return []
    return await attachments.delete_post_media(session, post.id)


def check_text(cmd: NewPost, *, has_media: bool = False) -> None:
    """Mastodon's StatusLengthValidator: text and content warning share the limit,
    and a post says something (or shows media); the language tag is bounded too.

    Raises:
        Unprocessable: blank, too long, or a language tag past its bound.
    """
    body, spoiler = cmd.text, cmd.spoiler_text
    if not body.strip() and not spoiler.strip() and not has_media:
        raise Unprocessable("Validation failed: Text can't be blank")
    if len(body) + len(spoiler) > MAX_STATUS_CHARACTERS:
        raise Unprocessable(
            "Validation failed: Text character limit of {limit} exceeded",
            limit=MAX_STATUS_CHARACTERS,
        )
    check_length(N_("Language"), cmd.language, MAX_LANGUAGE_CODE)


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


def _require_author(actor: Actor, post: Post) -> None:
    if post.actor_id != actor.id:
        raise Forbidden("This action is not allowed")


async def keep_version(session: AsyncSession, post: Post) -> None:
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


async def tombstone(session: AsyncSession, post: Post) -> None:
    """Mark a post deleted (keeping the row, so its URI is never reused or
    resurrected): counters go down, its notifications and boosts go with it."""
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
    if post.object_type == "Article":  # a library item goes with its post
        await library_q.mark_withdrawn_by_post(session, post.id, post.deleted_at)
    await bump_actor(session, post.actor_id, Actor.statuses_count, -1)
    if post.in_reply_to_id is not None:
        await bump_post(session, post.in_reply_to_id, Post.replies_count, -1)
    # Boosts of a deleted post go with it.
    await session.execute(
        update(Post)
        .where(Post.reblog_of_id == post.id, Post.deleted_at.is_(None))
        .values(deleted_at=post.deleted_at)
    )
