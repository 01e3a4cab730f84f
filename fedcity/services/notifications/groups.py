"""Grouped notifications (Mastodon 4.3's v2 API): favourites and boosts of one post,
and follows, share a group key when they come within a span of hours; a page holds
one entry per group, represented by its newest notification in the page.

Group keys are computed once, when a notification is created, as Mastodon's
`Notification#set_group_key!` does: `<type>-<status id>-<hour>` for favourites and
boosts, `follow-<hour>` for follows, where <hour> is the hour (since the epoch) the
group began; a group takes new notifications for 12 hours from its start. Mastodon
remembers the open group in Redis; fedcity finds it among the recipient's
notifications of the last 12 hours, by the indexed (recipient, group_key) pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound
from fedcity.services.notifications import requests as notification_requests
from fedcity.storage.models import Actor, Notification, NotificationType
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import notifications as q
from fedcity.storage.queries.notifications import Scope
from fedcity.storage.queries.posts import Page

GROUPABLE = frozenset(
    {NotificationType.FAVOURITE, NotificationType.REBLOG, NotificationType.FOLLOW}
)
MAX_GROUP_SPAN_HOURS = 12
SAMPLE_ACCOUNTS = 8  # Mastodon's NotificationGroup::SAMPLE_ACCOUNTS_SIZE


async def group_key_for(
    session: AsyncSession,
    recipient_id: int,
    kind: str,
    post_id: int | None,
    moment: datetime,
) -> str | None:
    """The group key of a new notification, or None if its type is not grouped."""
    if kind not in GROUPABLE:
        return None
    prefix = kind if kind == NotificationType.FOLLOW else f"{kind}-{post_id}"
    hour = int(moment.timestamp()) // 3600
    # A group that began less than MAX_GROUP_SPAN_HOURS ago is still open.
    open_keys = [
        f"{prefix}-{start}"
        for start in range(hour - MAX_GROUP_SPAN_HOURS + 1, hour + 1)
    ]
    latest = await q.latest_group_key(session, recipient_id, open_keys)
    return latest if latest is not None else f"{prefix}-{hour}"


def grouped_types_of(requested: Sequence[str]) -> frozenset[str]:
    """The types a request lets group (`grouped_types[]`); all groupable by default."""
    if not requested:
        return GROUPABLE
    return GROUPABLE & frozenset(requested)


@dataclass
class NotificationGroup:
    """One entry of a grouped page. `page_min_id` and `latest_page_at` are set only
    when the group came from paging (Mastodon leaves them out otherwise)."""

    key: str
    notification: Notification  # the newest of the group in the page
    count: int
    most_recent_id: int
    sample_actor_ids: list[int]
    page_min_id: int | None = None
    latest_page_at: datetime | None = None


@dataclass
class GroupedPage:
    groups: list[NotificationGroup]
    head_ids: list[int]  # every group's newest notification read, newest first


async def grouped_page(
    session: AsyncSession, scope: Scope, page: Page, grouped_types: frozenset[str]
) -> GroupedPage:
    """A page of notification groups, newest first."""
    heads = await q.list_group_heads(session, scope, page, grouped_types)
    if not heads:
        return GroupedPage([], [])
    lower, upper = _page_range(page, [h.id for h in heads])
    rows = await q.list_notifications_by_ids(session, [h.id for h in heads])
    grouped = [h.key for h in heads if not h.key.startswith(q.UNGROUPED)]
    facts = await q.group_facts(
        session,
        scope.recipient_id,
        grouped,
        upper=upper,
        lower=lower,
        samples=SAMPLE_ACCOUNTS,
    )
    groups = [
        _group(h.key, rows[h.id], facts.get(h.key), paged=True)
        for h in heads
        if h.id in rows
    ]
    return GroupedPage(groups, [h.id for h in heads])


def _page_range(page: Page, ids: Sequence[int]) -> tuple[int | None, int | None]:
    """The ids (lower, upper; None is open) a page covers, as Mastodon works them out:
    a short page reaches the cursor it started from."""
    newest, oldest = ids[0], ids[-1]
    if len(ids) >= page.limit:
        return oldest, newest
    if page.min_id is not None:
        return oldest, page.max_id - 1 if page.max_id is not None else None
    return (page.since_id + 1 if page.since_id is not None else None), newest


def _group(
    key: str, row: Notification, facts: q.GroupFacts | None, *, paged: bool
) -> NotificationGroup:
    if facts is None:  # a notification standing alone
        return NotificationGroup(
            key,
            row,
            1,
            row.id,
            [row.from_actor_id],
            row.id if paged else None,
            row.created_at if paged else None,
        )
    return NotificationGroup(
        key,
        row,
        facts.count,
        facts.most_recent_id,
        facts.sample_actor_ids,
        facts.page_min_id if paged else None,
        facts.latest_at if paged else None,
    )


async def unread_group_count(
    session: AsyncSession,
    scope: Scope,
    after_id: int | None,
    limit: int,
    grouped_types: frozenset[str],
) -> int:
    """Groups among the notifications past `after_id`, counted up to `limit`."""
    heads = await q.list_group_heads(
        session, scope, Page(min_id=after_id or 0, limit=limit), grouped_types
    )
    return len(heads)


async def get_group(
    session: AsyncSession, viewer: Actor, group_key: str
) -> NotificationGroup:
    """A whole group, by key, as `GET /api/v2/notifications/:group_key` shows it.

    Raises:
        NotFound: the account has no notification with this key.
    """
    rows = await q.list_group(session, viewer.id, group_key, Page(limit=1))
    if not rows:
        raise NotFound("Record not found")
    row = rows[0]
    if row.group_key is None:
        return _group(f"{q.UNGROUPED}{row.id}", row, None, paged=False)
    facts = await q.group_facts(
        session,
        viewer.id,
        [row.group_key],
        upper=None,
        lower=None,
        samples=SAMPLE_ACCOUNTS,
    )
    return _group(row.group_key, row, facts.get(row.group_key), paged=False)


async def group_accounts(
    session: AsyncSession, viewer: Actor, group_key: str, page: Page
) -> tuple[list[Actor], list[int]]:
    """The senders of a group's notifications, newest first, and the ids of those
    notifications (what paging goes by)."""
    rows = await q.list_group(session, viewer.id, group_key, page)
    actors = await actor_q.list_actors_by_ids(session, [r.from_actor_id for r in rows])
    return [actors[r.from_actor_id] for r in rows if r.from_actor_id in actors], [
        r.id for r in rows
    ]


async def dismiss_group(session: AsyncSession, viewer: Actor, group_key: str) -> None:
    """Delete every notification of a group (nothing happens for an unknown key,
    as in Mastodon)."""
    deleted = await q.delete_matching(session, *q.by_group_key(viewer.id, group_key))
    await notification_requests.forget_deleted(session, deleted)
