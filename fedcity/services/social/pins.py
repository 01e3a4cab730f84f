"""Pins: up to five own statuses featured on the profile (Mastodon's rules)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.services.limits import MAX_PINNED_STATUSES
from fedcity.services.statuses.visibility import can_view
from fedcity.storage.models import Actor, Pin, Post, Visibility
from fedcity.storage.queries import interactions as q
from fedcity.storage.queries.posts import Page


async def pin(session: AsyncSession, actor: Actor, post: Post) -> None:
    """Pin an own, non-direct status; pinning a pinned one changes nothing."""
    if post.reblog_of_id is not None:
        raise Unprocessable("Validation failed: A boost cannot be pinned")
    if post.actor_id != actor.id:
        raise Unprocessable("Validation failed: Someone else's post cannot be pinned")
    if post.visibility == Visibility.DIRECT:
        raise Unprocessable(
            "Validation failed: Posts that are only visible to mentioned users "
            "cannot be pinned"
        )
    if await q.get_pin(session, actor.id, post.id) is not None:
        return
    if await q.count_pins(session, actor.id) >= MAX_PINNED_STATUSES:
        raise Unprocessable(
            "Validation failed: You have already pinned the maximum number of posts"
        )
    session.add(Pin(actor_id=actor.id, post_id=post.id))
    await session.flush()


async def unpin(session: AsyncSession, actor: Actor, post: Post) -> None:
    row = await q.get_pin(session, actor.id, post.id)
    if row is not None:
        await session.delete(row)
        await session.flush()


async def pinned_posts(
    session: AsyncSession, viewer: Actor | None, actor: Actor, page: Page | None = None
) -> list[Post]:
    """The account's pinned statuses that `viewer` may see, most recently pinned
    first; `page` bounds them by status id (max_id, since_id, min_id, limit)."""
    found = []
    for post in await q.list_pinned_posts(session, actor.id):
        if page is not None and not _in_page(post.id, page):
            continue
        if await can_view(session, viewer, post):
            found.append(post)
    return found[: page.limit] if page is not None else found


def _in_page(post_id: int, page: Page) -> bool:
    return not (
        (page.max_id is not None and post_id >= page.max_id)
        or (page.since_id is not None and post_id <= page.since_id)
        or (page.min_id is not None and post_id <= page.min_id)
    )
