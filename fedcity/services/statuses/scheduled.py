"""Scheduled statuses: kept until their time, then published by a durable
`publish_scheduled` job (run_at = scheduled_at) through
`publishing.publish_scheduled`.

Rescheduling enqueues a new job; each job carries the time it was planned for, and
a job whose time no longer matches the row's is stale and does nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue
from fedcity.services.ownership import require_own
from fedcity.services.statuses import attachments, polls, posts
from fedcity.services.statuses.visibility import get_visible_post
from fedcity.storage.models import Actor, ScheduledStatus, Visibility
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import media as media_q
from fedcity.storage.queries import scheduled as q
from fedcity.storage.types import utcnow

MIN_OFFSET = timedelta(minutes=5)
TOTAL_LIMIT = 300
DAILY_LIMIT = 25
# Kept in `params` for publishing, but not part of Mastodon's entity.
INTERNAL_PARAMS = ("mention_ids",)


def is_in_the_past(when: datetime) -> bool:
    """Mastodon posts at once when scheduled_at has already passed."""
    return when <= utcnow()


async def schedule(
    session: AsyncSession,
    author: Actor,
    cmd: posts.NewPost,
    when: datetime,
    *,
    poll: polls.NewPoll | None = None,
    application_id: int | None = None,
    idempotency: str | None = None,
) -> ScheduledStatus:
    """Keep the status (and its poll, already checked) until `when`."""
    when = when.astimezone(UTC)
    _check_time(when)
    await _check_limits(session, author, when)
    await _check_post(session, author, cmd)
    row = ScheduledStatus(
        actor_id=author.id,
        scheduled_at=when,
        params=_params(cmd, poll, application_id, idempotency),
    )
    session.add(row)
    await session.flush()
    await _enqueue(session, row)
    return row


async def reschedule(
    session: AsyncSession, author: Actor, row: ScheduledStatus, when: datetime
) -> ScheduledStatus:
    when = when.astimezone(UTC)
    _check_time(when)
    if when.date() != row.scheduled_at.date():
        await _check_daily_limit(session, author, when)
    row.scheduled_at = when
    await session.flush()
    await _enqueue(session, row)
    return row


async def cancel(session: AsyncSession, row: ScheduledStatus) -> None:
    await session.delete(row)
    await session.flush()


async def get_own(
    session: AsyncSession, author: Actor, scheduled_id: int
) -> ScheduledStatus:
    return await require_own(session, ScheduledStatus, scheduled_id, author)


async def due(
    session: AsyncSession, payload: Mapping[str, Any]
) -> ScheduledStatus | None:
    """The row a `publish_scheduled` job is for; None when it was cancelled, or the
    job is stale (the status was rescheduled since)."""
    row = await session.get(ScheduledStatus, int(payload["scheduled_status_id"]))
    if row is None or _planned(row.scheduled_at) != payload.get("scheduled_at"):
        return None
    return row


async def saved_status(
    session: AsyncSession, row: ScheduledStatus
) -> tuple[posts.NewPost, polls.NewPoll | None]:
    """The status and poll as they were scheduled (defaults applied then, and the
    mentions found then that still exist)."""
    return await _command(session, row.params), _new_poll(row.params.get("poll"))


# --- rules --------------------------------------------------------------------


def _check_time(when: datetime) -> None:
    if when < utcnow() + MIN_OFFSET:
        raise Unprocessable(
            "Validation failed: Scheduled at The scheduled date must be in the future"
        )


async def _check_limits(session: AsyncSession, author: Actor, when: datetime) -> None:
    if await q.count_scheduled(session, author.id) >= TOTAL_LIMIT:
        raise Unprocessable(
            "Validation failed: You have exceeded the limit of {limit} scheduled posts",
            limit=TOTAL_LIMIT,
        )
    await _check_daily_limit(session, author, when)


async def _check_daily_limit(
    session: AsyncSession, author: Actor, when: datetime
) -> None:
    day = when.replace(hour=0, minute=0, second=0, microsecond=0)
    count = await q.count_scheduled(session, author.id, day, day + timedelta(days=1))
    if count >= DAILY_LIMIT:
        raise Unprocessable(
            "Validation failed: You have exceeded the limit of "
            "{limit} scheduled posts for today",
            limit=DAILY_LIMIT,
        )


async def _check_post(session: AsyncSession, author: Actor, cmd: posts.NewPost) -> None:
    """What can be checked now is checked now, so the client hears of it at once."""
    media_ids = attachments.check_count(cmd.media_ids or ())
    posts.check_text(cmd, has_media=bool(media_ids))
    found = await media_q.list_media_by_ids(session, media_ids)
    for media_id in media_ids:
        media = found.get(media_id)
        if media is None or media.actor_id != author.id:
            raise Unprocessable(
                "Validation failed: Media attachment {id} was not found", id=media_id
            )
    if cmd.in_reply_to_id is not None:
        await get_visible_post(session, author, cmd.in_reply_to_id)


# --- params ---------------------------------------------------------------------


def _params(
    cmd: posts.NewPost,
    poll: polls.NewPoll | None,
    application_id: int | None,
    idempotency: str | None,
) -> dict[str, Any]:
    """Mastodon's ScheduledStatus params, and the mentions as resolved now."""
    return {
        "text": cmd.text,
        "poll": _poll(poll),
        "media_ids": [str(i) for i in cmd.media_ids] if cmd.media_ids else None,
        "sensitive": cmd.sensitive,
        "spoiler_text": cmd.spoiler_text,
        "visibility": str(cmd.visibility),
        "idempotency": idempotency,
        "scheduled_at": None,
        "application_id": application_id or 0,
        "in_reply_to_id": cmd.in_reply_to_id,
        "language": cmd.language,
        "with_rate_limit": False,
        "mention_ids": {handle: a.id for handle, a in cmd.mentions.items()},
    }


def _poll(poll: polls.NewPoll | None) -> dict[str, Any] | None:
    """The poll in Mastodon's ScheduledStatus `params.poll` shape."""
    if poll is None:
        return None
    return {
        "options": list(poll.options),
        "expires_in": poll.expires_in,
        "multiple": poll.multiple,
        "hide_totals": poll.hide_totals,
    }


def _new_poll(saved: Mapping[str, Any] | None) -> polls.NewPoll | None:
    if not saved:
        return None
    return polls.NewPoll(
        options=tuple(str(o) for o in saved["options"]),
        expires_in=int(saved["expires_in"]),
        multiple=bool(saved.get("multiple")),
        hide_totals=bool(saved.get("hide_totals")),
    )


def public_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in INTERNAL_PARAMS}


def media_ids_of(row: ScheduledStatus) -> list[int]:
    return [int(i) for i in row.params.get("media_ids") or []]


async def _command(session: AsyncSession, params: Mapping[str, Any]) -> posts.NewPost:
    mention_ids: dict[str, int] = dict(params.get("mention_ids") or {})
    actors = await actor_q.list_actors_by_ids(session, list(mention_ids.values()))
    mentions = {
        handle: actors[actor_id]
        for handle, actor_id in mention_ids.items()
        if actor_id in actors and actors[actor_id].deleted_at is None
    }
    media = params.get("media_ids")
    return posts.NewPost(
        text=str(params.get("text") or ""),
        visibility=Visibility(params.get("visibility") or Visibility.PUBLIC),
        in_reply_to_id=params.get("in_reply_to_id"),
        spoiler_text=str(params.get("spoiler_text") or ""),
        sensitive=bool(params.get("sensitive")),
        language=params.get("language"),
        mentions=mentions,
        media_ids=tuple(int(i) for i in media) if media else None,
    )


def _planned(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


async def _enqueue(session: AsyncSession, row: ScheduledStatus) -> None:
    await enqueue(
        session,
        JobKind.PUBLISH_SCHEDULED,
        {"scheduled_status_id": row.id, "scheduled_at": _planned(row.scheduled_at)},
        run_at=row.scheduled_at,
    )
