"""Boosts (reblogs): a local account boosting or un-boosting a post, and boosts
received from other servers. A boost is a `Post` row with `reblog_of_id` set."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.ids import new_id
from fedcity.jobs.verbs import PostRef, Verb, enqueue_federate
from fedcity.services.events import record
from fedcity.services.notifications.notify import notify
from fedcity.services.statuses.counters import bump_post
from fedcity.services.statuses.posts import delete_local_post, tombstone
from fedcity.services.statuses.visibility import get_visible_post
from fedcity.storage.models import Actor, NotificationType, Post, Visibility
from fedcity.storage.queries import posts as q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls


async def reblog(
    session: AsyncSession,
    urls: Urls,
    actor: Actor,
    original: Post,
    visibility: Visibility = Visibility.PUBLIC,
) -> Post:
    """`actor` boosts `original` (or the post it boosts): once, and never wider
    than the post's audience; the Announce goes out through a `federate` job.

    Raises:
        Unprocessable: a direct post, or someone else's followers-only post.
    """
    if original.reblog_of_id is not None:
        original = await get_visible_post(session, actor, original.reblog_of_id)
    if original.visibility == Visibility.DIRECT or (
        original.visibility == Visibility.PRIVATE and original.actor_id != actor.id
    ):
        raise Unprocessable("This status cannot be reblogged")
    existing = await q.get_reblog(session, actor.id, original.id)
    if existing is not None:
        return existing
    if original.visibility == Visibility.PRIVATE:
        visibility = Visibility.PRIVATE  # a self-boost never widens the audience
    boost_id = new_id()
    boost = await store_boost(
        session, actor, original, urls.activity(boost_id), visibility, boost_id=boost_id
    )
    await enqueue_federate(session, Verb.ANNOUNCE, PostRef(boost.id))
    return boost


async def unreblog(session: AsyncSession, actor: Actor, original: Post) -> Post:
    """Withdraw `actor`'s boost of `original`, if any (an Undo goes out)."""
    boost = await q.get_reblog(session, actor.id, original.id)
    if boost is not None:
        await delete_local_post(session, actor, boost)
    return original


async def receive_boost(
    session: AsyncSession,
    actor: Actor,
    original: Post,
    activity_uri: str,
    visibility: Visibility,
) -> Post | None:
    """Store a remote account's Announce of a known post; None for a replay, a
    second boost of the same post by the same account, or a boost of a post that
    is not public."""
    if await q.get_post_by_uri(session, activity_uri) is not None:
        return None
    if await q.get_reblog(session, actor.id, original.id) is not None:
        return None  # the same boost again (a group's two forms of one announce)
    if original.visibility not in (Visibility.PUBLIC, Visibility.UNLISTED):
        return None  # nobody boosts what isn't public; don't widen its audience
    return await store_boost(session, actor, original, activity_uri, visibility)


async def receive_unboost(
    session: AsyncSession, actor: Actor, activity_uri: str
) -> None:
    """A remote account's Undo{Announce}: its boost goes, if it was theirs."""
    boost = await q.get_post_by_uri(session, activity_uri)
    if (
        boost is not None
        and boost.actor_id == actor.id
        and boost.reblog_of_id is not None
    ):
        await tombstone(session, boost)


async def store_boost(
    session: AsyncSession,
    actor: Actor,
    original: Post,
    uri: str,
    visibility: Visibility,
    boost_id: int | None = None,
) -> Post:
    boost = Post(
        uri=uri,
        actor_id=actor.id,
        reblog_of_id=original.id,
        visibility=visibility,
        local=actor.is_local,
        published_at=utcnow(),
        attachments=[],
    )
    if boost_id is not None:
        boost.id = boost_id
    session.add(boost)
    await session.flush()
    await bump_post(session, original.id, Post.reblogs_count, 1)
    record(session, "status.created", post_id=boost.id)
    author = await session.get(Actor, original.actor_id)
    if author is not None:
        await notify(session, author, actor, NotificationType.REBLOG, original.id)
    return boost
