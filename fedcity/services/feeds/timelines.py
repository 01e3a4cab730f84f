"""Timelines, account statuses and threads, as one query each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.services.discovery.tags import tag_name
from fedcity.services.statuses.visibility import can_view
from fedcity.storage.models import (
    Actor,
    Mention,
    Post,
    PostCard,
    Visibility,
)
from fedcity.storage.queries import feeds
from fedcity.storage.queries import posts as q
from fedcity.storage.queries.actors import silenced_domain_actor_ids
from fedcity.storage.queries.posts import Page


async def home(session: AsyncSession, viewer: Actor, page: Page) -> list[Post]:
    return await q.list_page(session, q.timeline_select(q.home_filter(viewer.id)), page)


async def public(
    session: AsyncSession,
    page: Page,
    *,
    local: bool = False,
    remote: bool = False,
    only_media: bool = False,
    viewer_id: int | None = None,
    card_id: int | None = None,
) -> list[Post]:
    """Public posts, no boosts (with `only_media`, those with attachments); for a
    signed-in viewer, without the accounts it muted, blocked or domain-blocked.
    With `card_id`, only posts with that link preview card (the link timeline)."""
    conditions = [
        Post.visibility == Visibility.PUBLIC,
        Post.reblog_of_id.is_(None),
        # A silenced domain's posts reach followers only (issue 12).
        Post.actor_id.not_in(silenced_domain_actor_ids()),
    ]
    if card_id is not None:
        conditions.append(
            Post.id.in_(select(PostCard.post_id).where(PostCard.card_id == card_id))
        )
    if viewer_id is not None:
        conditions.append(feeds.not_silenced(viewer_id))
    conditions.append(feeds.not_moderated_out(viewer_id))
    conditions += feeds.origin_filters(
        local=local, remote=remote, only_media=only_media
    )
    return await q.list_page(session, q.timeline_select(*conditions), page)


async def direct(session: AsyncSession, viewer: Actor, page: Page) -> list[Post]:
    """Direct posts the viewer wrote or is mentioned in, newest first, without
    muted, blocked or domain-blocked accounts (Mastodon's former direct timeline,
    since replaced by conversations)."""
    mentioned = select(Mention.post_id).where(Mention.actor_id == viewer.id)
    conditions = [
        Post.visibility == Visibility.DIRECT,
        Post.reblog_of_id.is_(None),
        or_(Post.actor_id == viewer.id, Post.id.in_(mentioned)),
        feeds.not_silenced(viewer.id),
    ]
    return await q.list_page(session, q.timeline_select(*conditions), page)


@dataclass(frozen=True)
class AccountFilter:
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    only_media: bool = False  # with an attachment (boosts have none)
    tagged: str | None = None  # with this hashtag (boosts carry none)
    exclude_direct: bool = False  # leave out private mentions (direct posts)


async def account_statuses(
    session: AsyncSession,
    viewer: Actor | None,
    author: Actor,
    page: Page,
    flt: AccountFilter = AccountFilter(),
) -> list[Post]:
    if author.suspended_at is not None:
        return []  # a suspended account shows nothing (Mastodon)
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
    if flt.exclude_direct:
        conditions.append(Post.visibility != Visibility.DIRECT)
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
