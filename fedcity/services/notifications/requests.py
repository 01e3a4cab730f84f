"""Notification requests (Mastodon 4.3): the mentions a notification policy filtered,
gathered per sender, until the recipient accepts them (they join the normal list, and
that sender is no longer filtered) or dismisses them (they are deleted).

fedcity merges an accepted request in the same transaction, so there is never a merge
still running (Mastodon does it in a background job).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.ownership import require_own
from fedcity.storage.models import (
    Actor,
    Notification,
    NotificationPermission,
    NotificationRequest,
    NotificationType,
)
from fedcity.storage.queries import notifications as q
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow

MAX_MEANINGFUL_COUNT = 100  # Mastodon counts filtered notifications up to this


async def note_filtered(session: AsyncSession, row: Notification) -> None:
    """A notification was filtered: a mention opens or updates its sender's request
    (other types are kept filtered without a request, as in Mastodon)."""
    if row.type != NotificationType.MENTION:
        return
    request = await _request_between(session, row.recipient_id, row.from_actor_id)
    if request is None:
        request = NotificationRequest(
            actor_id=row.recipient_id, from_actor_id=row.from_actor_id
        )
        session.add(request)
    request.last_post_id = row.post_id
    request.updated_at = utcnow()
    await session.flush()
    await reconsider(session, row.recipient_id, row.from_actor_id)


async def reconsider(session: AsyncSession, recipient_id: int, sender_id: int) -> None:
    """Recount a request after its notifications changed; with none left, it goes."""
    request = await _request_between(session, recipient_id, sender_id)
    if request is None:
        return
    count = await q.count_filtered_mentions(
        session, recipient_id, sender_id, MAX_MEANINGFUL_COUNT
    )
    if count:
        request.notifications_count = count
    else:
        await session.delete(request)
    await session.flush()


async def forget_deleted(
    session: AsyncSession, deleted: Sequence[tuple[int, int, bool]]
) -> None:
    """After notifications were deleted ((recipient id, sender id, was filtered) of
    each, as `queries.notifications.delete_matching` returns them), recount the
    requests that held a filtered one."""
    for recipient_id, sender_id in {(r, s) for r, s, filtered in deleted if filtered}:
        await reconsider(session, recipient_id, sender_id)


async def list_requests(
    session: AsyncSession, actor: Actor, page: Page
) -> list[NotificationRequest]:
    """The account's pending requests, newest first."""
    stmt = select(NotificationRequest).where(NotificationRequest.actor_id == actor.id)
    if page.max_id is not None:
        stmt = stmt.where(NotificationRequest.id < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(NotificationRequest.id > page.since_id)
    if page.min_id is not None:
        stmt = stmt.where(NotificationRequest.id > page.min_id)
        rows = list(
            await session.scalars(
                stmt.order_by(NotificationRequest.id.asc()).limit(page.limit)
            )
        )
        rows.reverse()
        return rows
    return list(
        await session.scalars(
            stmt.order_by(NotificationRequest.id.desc()).limit(page.limit)
        )
    )


async def get_request(
    session: AsyncSession, actor: Actor, request_id: int
) -> NotificationRequest:
    """Raises: NotFound: no such request of this account."""
    return await require_own(session, NotificationRequest, request_id, actor)


async def accept(session: AsyncSession, request: NotificationRequest) -> None:
    """Let the sender through from now on, and move what was filtered into the
    normal list."""
    await permit(session, request.actor_id, request.from_actor_id)
    await q.unfilter_from(session, request.actor_id, request.from_actor_id)
    await session.delete(request)
    await session.flush()


async def dismiss(session: AsyncSession, request: NotificationRequest) -> None:
    """Delete the request and the filtered notifications it held."""
    await q.delete_filtered_from(session, request.actor_id, request.from_actor_id)
    await session.delete(request)
    await session.flush()


async def accept_many(
    session: AsyncSession, actor: Actor, request_ids: Sequence[int]
) -> None:
    """Accept the account's requests among `request_ids`; other ids are ignored."""
    for request in await _own(session, actor, request_ids):
        await accept(session, request)


async def dismiss_many(
    session: AsyncSession, actor: Actor, request_ids: Sequence[int]
) -> None:
    """Dismiss the account's requests among `request_ids`; other ids are ignored."""
    for request in await _own(session, actor, request_ids):
        await dismiss(session, request)


async def permit(session: AsyncSession, recipient_id: int, sender_id: int) -> None:
    exists = await session.scalar(
        select(NotificationPermission.id).where(
            NotificationPermission.actor_id == recipient_id,
            NotificationPermission.from_actor_id == sender_id,
        )
    )
    if exists is None:
        session.add(
            NotificationPermission(actor_id=recipient_id, from_actor_id=sender_id)
        )


async def delete_all(session: AsyncSession, actor: Actor) -> None:
    """Forget every request of the account (its notifications were cleared)."""
    await session.execute(
        delete(NotificationRequest).where(NotificationRequest.actor_id == actor.id)
    )


async def _own(
    session: AsyncSession, actor: Actor, request_ids: Sequence[int]
) -> list[NotificationRequest]:
    if not request_ids:
        return []
    return list(
        await session.scalars(
            select(NotificationRequest).where(
                NotificationRequest.actor_id == actor.id,
                NotificationRequest.id.in_(set(request_ids)),
            )
        )
    )


async def _request_between(
    session: AsyncSession, recipient_id: int, sender_id: int
) -> NotificationRequest | None:
    return await session.scalar(
        select(NotificationRequest).where(
            NotificationRequest.actor_id == recipient_id,
            NotificationRequest.from_actor_id == sender_id,
        )
    )
