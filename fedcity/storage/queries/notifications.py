"""Look-ups of an account's notifications: pages, unread counts, the groups of the
grouped (v2) API and the filtered notifications behind notification requests."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.ids import parse_id
from fedcity.storage.models import AccountWarning, Notification, NotificationType
from fedcity.storage.queries.posts import Page

UNGROUPED = "ungrouped-"


@dataclass(frozen=True)
class Scope:
    """Which of an account's notifications a list or a count covers (Mastodon's
    `Notification.browserable`): filtered ones only on request, or when asking for
    one sender's notifications."""

    recipient_id: int
    types: frozenset[str] | None = None
    exclude_types: frozenset[str] = frozenset()
    from_actor_id: int | None = None
    include_filtered: bool = False

    def conditions(self) -> list[ColumnElement[bool]]:
        found = [Notification.recipient_id == self.recipient_id]
        if not self.include_filtered and self.from_actor_id is None:
            found.append(Notification.filtered.is_(False))
        if self.from_actor_id is not None:
            found.append(Notification.from_actor_id == self.from_actor_id)
        if self.types:
            found.append(Notification.type.in_(self.types))
        if self.exclude_types:
            found.append(Notification.type.not_in(self.exclude_types))
        return found


Selected = TypeVar("Selected", bound="Select[*tuple[Any, ...]]")


def _paged(stmt: Selected, page: Page) -> Selected:
    if page.max_id is not None:
        stmt = stmt.where(Notification.id < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(Notification.id > page.since_id)
    if page.min_id is not None:
        return stmt.where(Notification.id > page.min_id).order_by(Notification.id.asc())
    return stmt.order_by(Notification.id.desc())


async def list_notifications(
    session: AsyncSession, scope: Scope, page: Page
) -> list[Notification]:
    """One page, newest first (with min_id, the page just above it)."""
    stmt = _paged(select(Notification).where(*scope.conditions()), page)
    rows = list((await session.scalars(stmt.limit(page.limit))).all())
    if page.min_id is not None:
        rows.reverse()
    return rows


async def count_after(
    session: AsyncSession, scope: Scope, after_id: int | None, limit: int
) -> int:
    """How many notifications come after `after_id` (a marker), counting at most
    `limit` of them (Mastodon caps unread counts)."""
    stmt = select(Notification.id).where(*scope.conditions())
    if after_id is not None:
        stmt = stmt.where(Notification.id > after_id)
    capped = stmt.order_by(Notification.id.asc()).limit(limit).subquery()
    return int(await session.scalar(select(func.count()).select_from(capped)) or 0)


async def get_notification(
    session: AsyncSession, recipient_id: int, notification_id: int
) -> Notification | None:
    row = await session.get(Notification, notification_id)
    if row is None or row.recipient_id != recipient_id:
        return None
    return row


async def list_notifications_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, Notification]:
    if not ids:
        return {}
    rows = await session.scalars(select(Notification).where(Notification.id.in_(ids)))
    return {row.id: row for row in rows}


def by_group_key(recipient_id: int, group_key: str) -> list[ColumnElement[bool]]:
    """Mastodon's `by_group_key`: `ungrouped-<id>` names one notification."""
    conditions = [Notification.recipient_id == recipient_id]
    if group_key.startswith(UNGROUPED):
        found = parse_id(group_key.removeprefix(UNGROUPED))
        conditions.append(Notification.id == (-1 if found is None else found))
    else:
        conditions.append(Notification.group_key == group_key)
    return conditions


async def list_group(
    session: AsyncSession, recipient_id: int, group_key: str, page: Page
) -> list[Notification]:
    """The notifications of one group, newest first, paged."""
    stmt = _paged(
        select(Notification).where(*by_group_key(recipient_id, group_key)), page
    )
    rows = list((await session.scalars(stmt.limit(page.limit))).all())
    if page.min_id is not None:
        rows.reverse()
    return rows


async def delete_matching(
    session: AsyncSession, *conditions: ColumnElement[bool]
) -> list[tuple[int, int, bool]]:
    """Delete the notifications meeting `conditions`; (recipient id, sender id, was
    filtered) of each deleted."""
    result = await session.execute(
        delete(Notification)
        .where(*conditions)
        .returning(
            Notification.recipient_id,
            Notification.from_actor_id,
            Notification.filtered,
        )
    )
    return [(int(r), int(a), bool(f)) for r, a, f in result.all()]


async def latest_group_key(
    session: AsyncSession, recipient_id: int, candidates: Sequence[str]
) -> str | None:
    """The group key of the newest notification whose key is one of `candidates`."""
    return await session.scalar(
        select(Notification.group_key)
        .where(
            Notification.recipient_id == recipient_id,
            Notification.group_key.in_(candidates),
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )


# --- grouped notifications ------------------------------------------------------------


@dataclass(frozen=True)
class KeyedRow:
    id: int
    key: str  # the group key as this page groups it


async def list_group_heads(
    session: AsyncSession, scope: Scope, page: Page, grouped_types: Collection[str]
) -> list[KeyedRow]:
    """At most `page.limit` notifications with distinct groups, each the first of its
    group met in paging order: newest first, or, with min_id, oldest first from
    there (Mastodon's `paginate_groups`). Types outside `grouped_types` stand alone.
    Returned newest first."""
    ascending = page.min_id is not None
    stmt = _paged(
        select(Notification.id, Notification.type, Notification.group_key).where(
            *scope.conditions()
        ),
        page,
    )
    batch = max(page.limit * 2, 100)
    heads: list[KeyedRow] = []
    seen: set[str] = set()
    last_id: int | None = None
    while len(heads) < page.limit:
        more = stmt
        if last_id is not None:
            more = more.where(
                Notification.id > last_id if ascending else Notification.id < last_id
            )
        rows = (await session.execute(more.limit(batch))).all()
        for row_id, kind, group_key in rows:
            key = effective_key(row_id, kind, group_key, grouped_types)
            if key not in seen:
                seen.add(key)
                heads.append(KeyedRow(row_id, key))
                if len(heads) == page.limit:
                    break
        if len(rows) < batch:
            break
        last_id = rows[-1][0]
    if ascending:
        heads.reverse()
    return heads


def effective_key(
    row_id: int, kind: str, group_key: str | None, grouped_types: Collection[str]
) -> str:
    if group_key and kind in grouped_types:
        return group_key
    return f"{UNGROUPED}{row_id}"


@dataclass(frozen=True)
class GroupFacts:
    """A group's notifications up to the page's newest one (Mastodon counts and
    samples those), and its oldest notification within the page."""

    most_recent_id: int
    latest_at: datetime
    count: int
    sample_actor_ids: list[int]
    page_min_id: int | None


async def group_facts(
    session: AsyncSession,
    recipient_id: int,
    keys: Sequence[str],
    *,
    upper: int | None,
    lower: int | None,
    samples: int,
) -> dict[str, GroupFacts]:
    """Counts, newest notification and sample senders of the named groups, counting
    notifications with ids ≤ `upper`; `page_min_id` is the oldest with id ≥ `lower`.
    None bounds are open."""
    if not keys:
        return {}
    base = [Notification.recipient_id == recipient_id, Notification.group_key.in_(keys)]
    if upper is not None:
        # `id + 0`: a bound no index can use. SQLite otherwise reads the groups'
        # notifications through (recipient_id, id), every notification of the
        # account below `upper` (6 ms for 20,000, growing with the account), when
        # (recipient_id, group_key) reads just the groups' own (0.3 ms).
        base.append(Notification.id + 0 <= upper)
    counts = dict(
        (
            await session.execute(
                select(Notification.group_key, func.count())
                .where(*base)
                .group_by(Notification.group_key)
            )
        ).all()
    )
    lows = await _lowest_ids(session, recipient_id, keys, lower)
    rank = (
        func.row_number()
        .over(partition_by=Notification.group_key, order_by=Notification.id.desc())
        .label("rank")
    )
    ranked = (
        select(
            Notification.group_key,
            Notification.id,
            Notification.from_actor_id,
            Notification.created_at,
            rank,
        )
        .where(*base)
        .subquery()
    )
    newest = await session.execute(
        select(
            ranked.c.group_key, ranked.c.id, ranked.c.from_actor_id, ranked.c.created_at
        )
        .where(ranked.c.rank <= samples)
        .order_by(ranked.c.group_key, ranked.c.id.desc())
    )
    facts: dict[str, GroupFacts] = {}
    for key, row_id, sender_id, created_at in newest.all():
        if key not in facts:
            facts[key] = GroupFacts(
                row_id, created_at, int(counts.get(key, 0)), [], lows.get(key)
            )
        if sender_id not in facts[key].sample_actor_ids:
            facts[key].sample_actor_ids.append(sender_id)
    return facts


async def _lowest_ids(
    session: AsyncSession, recipient_id: int, keys: Sequence[str], lower: int | None
) -> dict[str, int]:
    conditions = [
        Notification.recipient_id == recipient_id,
        Notification.group_key.in_(keys),
    ]
    if lower is not None:
        conditions.append(Notification.id >= lower)
    rows = await session.execute(
        select(Notification.group_key, func.min(Notification.id))
        .where(*conditions)
        .group_by(Notification.group_key)
    )
    return {str(k): int(v) for k, v in rows.all()}


# --- filtered notifications (notification requests) ----------------------------------


def _from_sender(recipient_id: int, sender_id: int) -> list[ColumnElement[bool]]:
    return [
        Notification.recipient_id == recipient_id,
        Notification.from_actor_id == sender_id,
        Notification.filtered.is_(True),
    ]


async def count_filtered_mentions(
    session: AsyncSession, recipient_id: int, sender_id: int, limit: int
) -> int:
    """Filtered mentions from one sender, counted up to `limit`."""
    capped = (
        select(Notification.id)
        .where(
            *_from_sender(recipient_id, sender_id),
            Notification.type == NotificationType.MENTION,
        )
        .limit(limit)
        .subquery()
    )
    return int(await session.scalar(select(func.count()).select_from(capped)) or 0)


async def unfilter_from(
    session: AsyncSession, recipient_id: int, sender_id: int
) -> None:
    """Move a sender's filtered notifications into the normal list."""
    await session.execute(
        update(Notification)
        .where(*_from_sender(recipient_id, sender_id))
        .values(filtered=False)
    )


async def delete_filtered_from(
    session: AsyncSession, recipient_id: int, sender_id: int
) -> None:
    await session.execute(
        delete(Notification).where(*_from_sender(recipient_id, sender_id))
    )


async def list_account_warnings_by_ids(
    session: AsyncSession, ids: Collection[int]
) -> dict[int, AccountWarning]:
    """The warnings `moderation_warning` notifications show, by id."""
    if not ids:
        return {}
    rows = await session.scalars(
        select(AccountWarning).where(AccountWarning.id.in_(ids))
    )
    return {row.id: row for row in rows}
