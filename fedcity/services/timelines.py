"""Timelines, account statuses, threads and notifications, as one query each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.services.posts import can_view
from fedcity.services.tags import tag_name
from fedcity.storage.models import Actor, Notification, Post, Visibility
from fedcity.storage.queries import feeds
from fedcity.storage.queries import posts as q
from fedcity.storage.queries.posts import Page


async def home(session: AsyncSession, viewer: Actor, page: Page) -> list[Post]:
    return await q.list_page(session, q.timeline_select(q.home_filter(viewer.id)), page)


async def public(
    session: AsyncSession,
    page: Page,
    *,
    local: bool = False,
    remote: bool = False,
    viewer_id: int | None = None,
) -> list[Post]:
    """Public posts, no boosts; for a signed-in viewer, without the accounts it
    muted, blocked or domain-blocked."""
    conditions = [Post.visibility == Visibility.PUBLIC, Post.reblog_of_id.is_(None)]
    if viewer_id is not None:
        conditions.append(feeds.not_silenced(viewer_id))
    if local:
        conditions.append(Post.local.is_(True))
    if remote:
        conditions.append(Post.local.is_(False))
    return await q.list_page(session, q.timeline_select(*conditions), page)


@dataclass(frozen=True)
class AccountFilter:
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    only_media: bool = False  # with an attachment (boosts have none)
    tagged: str | None = None  # with this hashtag (boosts carry none)


async def account_statuses(
    session: AsyncSession,
    viewer: Actor | None,
    author: Actor,
    page: Page,
    flt: AccountFilter = AccountFilter(),
) -> list[Post]:
    conditions = [
        Post.actor_id == author.id,
        q.visible_to(viewer.id if viewer else None),
    ]
    if flt.exclude_replies:
        conditions.append(
            Post.in_reply_to_id.is_(None) | (Post.in_reply_to_actor_id == author.id)
        )
    if flt.exclude_reblogs:
        conditions.append(Post.reblog_of_id.is_(None))
    if flt.only_media:
        conditions.append(feeds.has_media())
    if flt.tagged is not None:
        conditions.append(_tagged(flt.tagged))
    return await q.list_page(session, q.timeline_select(*conditions), page)


def _tagged(raw: str) -> ColumnElement[bool]:
    """Posts with the hashtag `raw`; none for a name with nothing left in it."""
    try:
        return feeds.tag_filter([tag_name(raw)], [], [])
    except Unprocessable:
        return false()


async def context(
    session: AsyncSession, viewer: Actor | None, post: Post
) -> tuple[list[Post], list[Post]]:
    """Ancestors (oldest first) and descendants visible to `viewer`."""
    ancestors: list[Post] = []
    seen = {post.id}
    parent_id = post.in_reply_to_id
    while parent_id is not None and parent_id not in seen and len(ancestors) < 100:
        seen.add(parent_id)
        parent = await q.get_post_by_id(session, parent_id)
        if parent is None:
            break
        if await can_view(session, viewer, parent):
            ancestors.append(parent)
        parent_id = parent.in_reply_to_id
    ancestors.reverse()
    descendants = [
        p
        for p in await q.list_descendants(session, post.id)
        if await can_view(session, viewer, p)
    ]
    return ancestors, descendants


async def notifications(
    session: AsyncSession,
    viewer: Actor,
    page: Page,
    types: frozenset[str] | None = None,
    exclude_types: frozenset[str] = frozenset(),
) -> list[Notification]:
    stmt = select(Notification).where(Notification.recipient_id == viewer.id)
    if types:
        stmt = stmt.where(Notification.type.in_(types))
    if exclude_types:
        stmt = stmt.where(Notification.type.not_in(exclude_types))
    if page.max_id is not None:
        stmt = stmt.where(Notification.id < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(Notification.id > page.since_id)
    if page.min_id is not None:
        stmt = stmt.where(Notification.id > page.min_id).order_by(Notification.id.asc())
        rows = list((await session.scalars(stmt.limit(page.limit))).all())
        rows.reverse()
        return rows
    return list(
        (
            await session.scalars(
                stmt.order_by(Notification.id.desc()).limit(page.limit)
            )
        ).all()
    )
