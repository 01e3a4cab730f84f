"""Public posts by hashtag or author, for the web's hashtag pages and the RSS and
Atom feeds: public ones only (never unlisted, followers-only or direct), no
boosts, newest first."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.services.discovery.tags import tag_name
from fedcity.storage.models import Actor, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries.posts import Page

FEED_SIZE = 20


def hashtag(raw: str) -> str:
    """The stored name of the hashtag in a page's address.

    Raises:
        NotFound: nothing of a hashtag is left in it.
    """
    try:
        return tag_name(raw)
    except Unprocessable:
        raise NotFound("no such hashtag") from None


async def local_author(session: AsyncSession, username: str) -> Actor:
    """A local account whose public posts may be listed (not the instance actor).

    Raises:
        NotFound: no such account here.
    """
    actor = await actor_q.get_local_actor(session, username)
    if actor is None or actor.actor_type == "Application":
        raise NotFound("no such account here")
    return actor


async def tagged(
    session: AsyncSession, name: str, page: Page, author: Actor | None = None
) -> list[Post]:
    """Public posts with the hashtag `name` (stored form), by `author` if given."""
    return await post_q.list_public_posts(
        session, page, tag=name, actor_id=author.id if author else None
    )


async def profile_feed(session: AsyncSession, author: Actor) -> list[Post]:
    """What a profile's feed carries: its latest public posts, without replies to
    others (as Mastodon's RSS leaves out replies) and boosts."""
    return await post_q.list_public_posts(
        session, Page(limit=FEED_SIZE), actor_id=author.id, without_replies=True
    )
