"""Mastodon entities of the notification APIs: Notification lists with the viewer's
filters applied, GroupedNotificationsResults (with NotificationGroup and
PartialAccountWithAvatar), NotificationPolicy and NotificationRequest.
The Notification entity itself is `serialize_notifications`, with the
AccountWarning of a `moderation_warning`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.api.entities.feeds import serialize_filter_result
from fedcity.api.entities.formats import Entity, timestamp
from fedcity.api.entities.statuses import (
    load_batch,
    serialize_account,
    serialize_status,
)
from fedcity.services.feeds.filtering import Match
from fedcity.services.notifications.feed import screen
from fedcity.services.notifications.groups import NotificationGroup
from fedcity.services.notifications.policy import POLICY_FIELDS, PolicySummary
from fedcity.storage.models import (
    AccountWarning,
    Actor,
    Notification,
    NotificationPolicy,
    NotificationRequest,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import notifications as notification_q
from fedcity.storage.queries import posts as post_q
from fedcity.urls import Urls

# The notification types whose entity carries the status (Mastodon's `status_type?`).
STATUS_TYPES = frozenset({"favourite", "reblog", "status", "mention", "poll", "update"})
PARTIAL_ACCOUNT_FIELDS = (
    "id",
    "acct",
    "locked",
    "bot",
    "url",
    "avatar",
    "avatar_static",
)


async def render_notifications(
    session: AsyncSession,
    rows: Sequence[Notification],
    viewer: Actor,
    urls: Urls,
    *,
    hide: bool = True,
) -> list[Entity]:
    """Notification entities with the viewer's `notifications` filters applied:
    `warn` matches fill the status's `filtered`, and (with `hide`) notifications
    whose status a `hide` filter matches are left out."""
    kept, warned = await screen(session, viewer, rows)
    items = await serialize_notifications(session, kept if hide else rows, viewer, urls)
    add_warnings((item["status"] for item in items if item.get("status")), warned)
    return items


def add_warnings(statuses: Iterable[Entity], warned: dict[int, list[Match]]) -> None:
    """Fill `filtered` of Status entities from the warn matches of their ids."""
    for status in statuses:
        matches = warned.get(int(status["id"]))
        if matches:
            status["filtered"] = [serialize_filter_result(m) for m in matches]


# --- grouped notifications -------------------------------------------------------------


async def render_grouped(
    session: AsyncSession,
    groups: Sequence[NotificationGroup],
    viewer: Actor,
    urls: Urls,
    *,
    partial_avatars: bool = False,
    hide: bool = True,
) -> Entity:
    """GroupedNotificationsResults: the groups, and each account and status they
    refer to once. The viewer's `notifications` filters apply as in
    `render_notifications` (with `hide`, a `hide` match leaves its group out). With
    `partial_avatars`, only each group's newest sender is a full Account; the other
    sample senders are PartialAccountWithAvatar entities."""
    kept, warned = await screen(session, viewer, [g.notification for g in groups])
    if hide:
        shown_ids = {row.id for row in kept}
        groups = [g for g in groups if g.notification.id in shown_ids]
    posts = await post_q.list_posts_by_ids(session, _status_ids(groups))
    shown = [posts[i] for i in dict.fromkeys(_status_ids(groups)) if i in posts]
    batch = await load_batch(session, shown, viewer)
    statuses = [serialize_status(p, batch, urls, viewer) for p in shown]
    add_warnings(statuses, warned)
    full, partial = _sample_accounts(groups, partial_avatars)
    actors = await actor_q.list_actors_by_ids(session, [*full, *partial])
    result: Entity = {
        "accounts": [serialize_account(actors[i], urls) for i in full if i in actors],
        "statuses": statuses,
        "notification_groups": [serialize_group(g) for g in groups],
    }
    if partial_avatars:
        result["partial_accounts"] = [
            _partial_account(actors[i], urls) for i in partial if i in actors
        ]
    return result


def _status_ids(groups: Iterable[NotificationGroup]) -> list[int]:
    return [
        g.notification.post_id
        for g in groups
        if g.notification.post_id is not None and g.notification.type in STATUS_TYPES
    ]


def _sample_accounts(
    groups: Sequence[NotificationGroup], partial_avatars: bool
) -> tuple[list[int], list[int]]:
    """(full, partial) account ids, in order, each once (Mastodon's
    GroupedNotificationsPresenter)."""
    if not partial_avatars:
        return list(dict.fromkeys(i for g in groups for i in g.sample_actor_ids)), []
    full = list(dict.fromkeys(g.sample_actor_ids[0] for g in groups))
    rest = dict.fromkeys(i for g in groups for i in g.sample_actor_ids[1:])
    return full, [i for i in rest if i not in full]


def serialize_group(group: NotificationGroup) -> Entity:
    row = group.notification
    entity: Entity = {
        "group_key": group.key,
        "notifications_count": group.count,
        "type": row.type,
        # An integer, as Mastodon sends it (the OpenAPI description agrees).
        "most_recent_notification_id": group.most_recent_id,
        "sample_account_ids": [str(i) for i in group.sample_actor_ids],
    }
    if group.page_min_id is not None:
        entity["page_min_id"] = str(group.page_min_id)
        entity["page_max_id"] = str(group.most_recent_id)
        entity["latest_page_notification_at"] = timestamp(group.latest_page_at)
    if row.type in STATUS_TYPES:
        entity["status_id"] = str(row.post_id) if row.post_id is not None else None
    return entity


def _partial_account(actor: Actor, urls: Urls) -> Entity:
    account = serialize_account(actor, urls)
    return {name: account[name] for name in PARTIAL_ACCOUNT_FIELDS}


# --- policy and requests ----------------------------------------------------------------


def _summary(summary: PolicySummary) -> Entity:
    return {
        "pending_requests_count": summary.pending_requests_count,
        "pending_notifications_count": summary.pending_notifications_count,
    }


def serialize_policy(row: NotificationPolicy, summary: PolicySummary) -> Entity:
    """NotificationPolicy as the v2 API shows it: accept, filter or drop each."""
    return {
        **{name: getattr(row, name) for name in POLICY_FIELDS},
        "summary": _summary(summary),
    }


async def serialize_requests(
    session: AsyncSession,
    rows: Sequence[NotificationRequest],
    viewer: Actor,
    urls: Urls,
) -> list[Entity]:
    """NotificationRequest entities; `notifications_count` is a string in Mastodon."""
    actors = await actor_q.list_actors_by_ids(session, [r.from_actor_id for r in rows])
    posts = await post_q.list_posts_by_ids(
        session, [r.last_post_id for r in rows if r.last_post_id is not None]
    )
    batch = await load_batch(session, list(posts.values()), viewer)
    return [
        {
            "id": str(row.id),
            "created_at": timestamp(row.created_at),
            "updated_at": timestamp(row.updated_at),
            "notifications_count": str(row.notifications_count),
            "account": serialize_account(actors[row.from_actor_id], urls),
            "last_status": (
                serialize_status(post, batch, urls, viewer)
                if (post := posts.get(row.last_post_id or 0)) is not None
                else None
            ),
        }
        for row in rows
        if row.from_actor_id in actors
    ]


async def serialize_notifications(
    session: AsyncSession, rows: Sequence[Notification], viewer: Actor, urls: Urls
) -> list[Entity]:
    posts = await post_q.list_posts_by_ids(
        session, [n.post_id for n in rows if n.post_id]
    )
    batch = await load_batch(session, list(posts.values()), viewer)
    senders = await actor_q.list_actors_by_ids(session, [n.from_actor_id for n in rows])
    warnings = await notification_q.list_account_warnings_by_ids(
        session, {n.account_warning_id for n in rows if n.account_warning_id}
    )
    out = []
    for row in rows:
        sender = senders.get(row.from_actor_id)
        if sender is None:
            continue
        post = posts.get(row.post_id) if row.post_id else None
        out.append(
            {
                "id": str(row.id),
                "type": row.type,
                "created_at": timestamp(row.created_at),
                "group_key": row.group_key or f"ungrouped-{row.id}",
                "account": serialize_account(sender, urls),
                "status": serialize_status(post, batch, urls, viewer) if post else None,
            }
        )
        warning = warnings.get(row.account_warning_id or 0)
        if warning is not None:
            out[-1]["moderation_warning"] = serialize_account_warning(
                warning, sender, urls
            )
    return out


def serialize_account_warning(
    warning: AccountWarning, target: Actor, urls: Urls
) -> Entity:
    """AccountWarning: what a moderator did to the account and told it."""
    return {
        "id": str(warning.id),
        "action": warning.action,
        "text": warning.text,
        "status_ids": [str(i) for i in warning.status_ids] or None,
        "target_account": serialize_account(target, urls),
        "appeal": None,
        "created_at": timestamp(warning.created_at),
    }
