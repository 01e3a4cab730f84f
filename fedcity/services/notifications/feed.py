"""Reading and clearing an account's notifications (the v1 API and what the grouped
API shares with it): pages, one notification, dismiss, clear, unread counts, and the
account's `notifications` filters."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound
from fedcity.services.feeds import filtering, markers
from fedcity.services.feeds.filtering import Match
from fedcity.services.notifications import requests as notification_requests
from fedcity.storage.models import Actor, Notification
from fedcity.storage.queries import notifications as q
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries.notifications import Scope
from fedcity.storage.queries.posts import Page


async def list_notifications(
    session: AsyncSession, scope: Scope, page: Page
) -> list[Notification]:
    return await q.list_notifications(session, scope, page)


async def get_notification(
    session: AsyncSession, viewer: Actor, notification_id: int
) -> Notification:
    """Raises: NotFound: no such notification of this account."""
    row = await q.get_notification(session, viewer.id, notification_id)
    if row is None:
        raise NotFound("Record not found")
    return row


async def dismiss(session: AsyncSession, viewer: Actor, notification_id: int) -> None:
    """Delete one notification; a filtered one leaves its request recounted.

    Raises:
        NotFound: no such notification of this account.
    """
    row = await get_notification(session, viewer, notification_id)
    await session.delete(row)
    await session.flush()
    if row.filtered:
        await notification_requests.reconsider(session, viewer.id, row.from_actor_id)


async def clear(session: AsyncSession, viewer: Actor) -> None:
    """Delete every notification of the account, filtered ones too, and so every
    notification request (they would be empty)."""
    await session.execute(
        delete(Notification).where(Notification.recipient_id == viewer.id)
    )
    await notification_requests.delete_all(session, viewer)


async def last_read_id(session: AsyncSession, viewer: Actor) -> int | None:
    """Where the account's `notifications` marker stands, if it was ever saved."""
    saved = await markers.get_markers(session, viewer, ["notifications"])
    return saved[0].last_read_id if saved else None


async def unread_count(
    session: AsyncSession, scope: Scope, viewer: Actor, limit: int
) -> int:
    """Notifications past the `notifications` marker, counted up to `limit`."""
    after = await last_read_id(session, viewer)
    return await q.count_after(session, scope, after, limit)


async def screen(
    session: AsyncSession, viewer: Actor, rows: Sequence[Notification]
) -> tuple[list[Notification], dict[int, list[Match]]]:
    """Apply the account's filters of context `notifications` to the statuses of
    `rows`: notifications whose status a `hide` filter matches are left out; the
    `warn` matches come back per status id."""
    posts = await post_q.list_posts_by_ids(
        session, [r.post_id for r in rows if r.post_id is not None]
    )
    if not posts:
        return list(rows), {}
    kept, warned = await filtering.apply_filters(
        session, viewer, list(posts.values()), "notifications"
    )
    hidden = set(posts) - {p.id for p in kept}
    return [r for r in rows if r.post_id not in hidden], warned
