"""Who may see a post: the single-post form of the rule that
`storage/queries/posts.py` `visible_to` applies in SQL to timelines (keep the two
in step)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound
from fedcity.storage.models import Actor, Mention, Post, Visibility
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as group_q
from fedcity.storage.queries import posts as q


async def can_view(session: AsyncSession, viewer: Actor | None, post: Post) -> bool:
    """Whether `viewer` (None: signed out) may see `post`: public and unlisted
    posts to all, others to their author, the accounts they mention, for
    followers-only posts the author's followers, and the members of a group
    that carries the post. Deleted posts to no one."""
    if post.deleted_at is not None:
        return False
    if post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        return True
    if viewer is None:
        return False
    if viewer.id == post.actor_id:
        return True
    mentioned = await session.scalar(
        select(Mention).where(Mention.post_id == post.id, Mention.actor_id == viewer.id)
    )
    if mentioned is not None:
        return True
    if post.visibility == Visibility.PRIVATE and await actor_q.is_follower(
        session, viewer.id, post.actor_id
    ):
        return True
    # A post a group carries is shown to the group's members: a members group's
    # threads are addressed to it, not to each member.
    return await group_q.is_member_of_group_carrying(session, viewer.id, post.id)


async def get_visible_post(
    session: AsyncSession, viewer: Actor | None, post_id: int
) -> Post:
    """The post `viewer` asked for.

    Raises:
        NotFound: no such post, or one the viewer may not see (the same answer,
            so that a hidden post's existence does not leak).
    """
    post = await q.get_post_by_id(session, post_id)
    if post is None or not await can_view(session, viewer, post):
        raise NotFound("Record not found")
    return post


async def require_post(session: AsyncSession, post_id: int) -> Post:
    """A live post by id, whoever may see it.

    Raises:
        NotFound: no such post, or a deleted one.
    """
    post = await q.get_post_by_id(session, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound("Record not found")
    return post
