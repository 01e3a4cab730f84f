"""Posting a status: the one use-case behind POST /api/v1/statuses, scheduled
statuses coming due, and (later) posts by groups and case studies.

`publish_status` takes what a local account asks to post (`PublishStatus`) and
does every step once, in the caller's transaction:

1. defaults: visibility, sensitive and language from the account's posting
   preferences when the request leaves them out;
2. mentions: the handles in the text become accounts, through a resolver the
   caller injects (services never reach other servers; see
   `mentions.MentionResolver`);
3. poll: checked at once, attached once the post exists;
4. scheduling: a `scheduled_at` still ahead keeps a `ScheduledStatus` instead;
5. idempotency: the same `Idempotency-Key` within an hour answers with the
   status it created the first time (and its first poll);
6. the post itself: `posts.create_local_post` (media, mentions, counters,
   notifications, the `federate` Create).

`edit_status` is the same for an edit of a local post, where there are no
defaults to apply and no scheduling.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.accounts.preferences import posting_defaults
from fedcity.services.statuses import idempotency, posts, scheduled
from fedcity.services.statuses.media import MediaEdit
from fedcity.services.statuses.mentions import MentionResolver, resolve_mentions
from fedcity.services.statuses.poll_edits import replace_poll
from fedcity.services.statuses.polls import NewPoll, attach_poll, check_new_poll
from fedcity.storage.models import Actor, Post, ScheduledStatus, Visibility
from fedcity.storage.queries import actors as actor_q
from fedcity.urls import Urls


@dataclass(frozen=True)
class PublishStatus:
    """What a local account asks to post, as its client sent it. None means "not
    said": the account's posting default applies (on an edit, the post keeps its
    language and is not sensitive)."""

    text: str
    visibility: Visibility | None = None
    sensitive: bool | None = None
    language: str | None = None
    spoiler_text: str = ""
    in_reply_to_id: int | None = None
    # Own, unattached media, in order (at most 4). On an edit, None keeps the
    # post's media as they are; a tuple replaces them.
    media_ids: tuple[int, ...] | None = None
    poll: NewPoll | None = None
    # Post later (a time at least five minutes ahead); a time already past posts now.
    scheduled_at: datetime | None = None
    # The `Idempotency-Key` header: a repeated request answers with the first status.
    idempotency_key: str | None = None
    application_id: int | None = None  # the OAuth app that posts, kept when scheduled
    # On an edit: new descriptions or focus points of the post's media.
    media_edits: tuple[MediaEdit, ...] = ()


async def publish_status(
    session: AsyncSession,
    urls: Urls,
    author: Actor,
    cmd: PublishStatus,
    *,
    resolve: MentionResolver,
) -> Post | ScheduledStatus:
    """Post `cmd` for `author` now, or keep it for later when it is scheduled.

    Returns the new (or, for a repeated Idempotency-Key, the earlier) Post, or
    the ScheduledStatus. Nothing is committed: the caller's transaction holds the
    post and the jobs it enqueued.

    Raises:
        Unprocessable: blank or too long text, an invalid poll, media that cannot
            be attached, a scheduled time too soon or over the limits.
        NotFound: a reply to a post the author cannot see.
    """
    new = await _with_defaults(session, urls, author, cmd, resolve)
    if cmd.poll is not None:
        check_new_poll(cmd.poll)
    if cmd.scheduled_at is not None and not scheduled.is_in_the_past(cmd.scheduled_at):
        return await scheduled.schedule(
            session,
            author,
            new,
            cmd.scheduled_at,
            poll=cmd.poll,
            application_id=cmd.application_id,
            idempotency=cmd.idempotency_key,
        )
    return await _post_now(session, urls, author, new, cmd.poll, cmd.idempotency_key)


async def publish_scheduled(
    session: AsyncSession,
    urls: Urls,
    payload: Mapping[str, Any],
    *,
    resolve: MentionResolver,
) -> Post | None:
    """The `publish_scheduled` job: post a scheduled status now. Mentions found
    when it was scheduled are kept; handles not found then are looked up again.
    None when it was cancelled, the job is stale (rescheduled since), or its
    author is gone."""
    row = await scheduled.due(session, payload)
    if row is None:
        return None
    author = await actor_q.get_actor_by_id(session, row.actor_id)
    if author is None or author.deleted_at is not None:
        await session.delete(row)
        return None
    new, poll = await scheduled.saved_status(session, row)
    mentions = await resolve_mentions(session, urls, new.text, resolve, new.mentions)
    post = await _post_now(
        session, urls, author, replace(new, mentions=mentions), poll, key=None
    )  # the poll's time runs from now
    await session.delete(row)
    return post


async def edit_status(
    session: AsyncSession,
    urls: Urls,
    author: Actor,
    post: Post,
    cmd: PublishStatus,
    *,
    resolve: MentionResolver,
) -> Post:
    """Edit a local post: the whole status again, as Mastodon takes it (a poll not
    sent is removed). Visibility, reply target and scheduling do not change.

    Raises:
        Forbidden: `author` did not write the post.
        Unprocessable: blank or too long text, an invalid poll, media that cannot
            be attached.
    """
    new = posts.NewPost(
        text=cmd.text,
        visibility=Visibility(post.visibility),
        spoiler_text=cmd.spoiler_text,
        sensitive=bool(cmd.sensitive),
        language=cmd.language,
        mentions=await resolve_mentions(session, urls, cmd.text, resolve),
        media_ids=cmd.media_ids,
        media_edits=cmd.media_edits,
    )
    await posts.edit_local_post(session, urls, author, post, new)
    await replace_poll(session, post, cmd.poll)
    return post


async def _with_defaults(
    session: AsyncSession,
    urls: Urls,
    author: Actor,
    cmd: PublishStatus,
    resolve: MentionResolver,
) -> posts.NewPost:
    """The status as it will be written: what the client left out comes from the
    author's posting defaults, and the handles in the text are resolved."""
    defaults = await posting_defaults(session, author)
    return posts.NewPost(
        text=cmd.text,
        visibility=cmd.visibility or defaults.privacy,
        in_reply_to_id=cmd.in_reply_to_id,
        spoiler_text=cmd.spoiler_text,
        sensitive=defaults.sensitive if cmd.sensitive is None else cmd.sensitive,
        language=cmd.language or defaults.language,
        mentions=await resolve_mentions(session, urls, cmd.text, resolve),
        media_ids=cmd.media_ids,
    )


async def _post_now(
    session: AsyncSession,
    urls: Urls,
    author: Actor,
    new: posts.NewPost,
    poll: NewPoll | None,
    key: str | None,
) -> Post:
    post, fresh = await idempotency.create_once(session, urls, author, new, key)
    if poll is not None and fresh:  # a repeated request keeps the first poll
        await attach_poll(session, post, poll)
    return post
