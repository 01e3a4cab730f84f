"""Featured hashtags: up to ten tags an account shows on its profile, with how many
of its public and unlisted statuses carry each (Mastodon's rules and messages).

A change is announced as an Update of the actor; Mastodon then refetches the
actor's `featuredTags` collection.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.services.accounts.accounts import announce_profile_change
from fedcity.services.discovery.tags import get_or_create_tag, get_tag
from fedcity.services.limits import MAX_FEATURED_TAGS
from fedcity.storage.models import Actor, FeaturedTag, Tag
from fedcity.storage.queries import profiles as q
from fedcity.storage.queries.profiles import FeaturedTagStats

SUGGESTIONS = 10


async def feature(
    session: AsyncSession, actor: Actor, raw_name: str
) -> FeaturedTagStats:
    """POST /api/v1/featured_tags: feature a tag not featured yet.

    Raises:
        Unprocessable: the name is invalid, already featured, or ten are featured.
    """
    tag = await get_or_create_tag(session, raw_name)
    if await q.get_featured_tag(session, actor.id, tag.id) is not None:
        raise Unprocessable("Validation failed: Name has already been taken")
    row = await _add(session, actor, tag)
    return (await q.list_featured_tags(session, actor.id, row.id))[0]


async def feature_tag(session: AsyncSession, actor: Actor, raw_name: str) -> Tag:
    """POST /api/v1/tags/:name/feature: featuring a featured tag changes nothing."""
    tag = await get_or_create_tag(session, raw_name)
    if await q.get_featured_tag(session, actor.id, tag.id) is None:
        await _add(session, actor, tag)
    return tag


async def _add(session: AsyncSession, actor: Actor, tag: Tag) -> FeaturedTag:
    if await q.count_featured_tags(session, actor.id) >= MAX_FEATURED_TAGS:
        raise Unprocessable(
            "Validation failed: You have already featured the maximum number of "
            "hashtags"
        )
    row = FeaturedTag(actor_id=actor.id, tag_id=tag.id)
    session.add(row)
    await announce_profile_change(session, actor)
    return row


async def unfeature(session: AsyncSession, actor: Actor, featured_id: int) -> None:
    """DELETE /api/v1/featured_tags/:id.

    Raises:
        NotFound: no such featured tag of this account.
    """
    row = await session.get(FeaturedTag, featured_id)
    if row is None or row.actor_id != actor.id:
        raise NotFound("Record not found")
    await session.delete(row)
    await announce_profile_change(session, actor)


async def unfeature_tag(session: AsyncSession, actor: Actor, raw_name: str) -> Tag:
    """POST /api/v1/tags/:name/unfeature; unfeaturing twice changes nothing.

    Raises:
        NotFound: the hashtag is unknown.
    """
    tag = await get_tag(session, raw_name)
    row = await q.get_featured_tag(session, actor.id, tag.id)
    if row is not None:
        await session.delete(row)
        await announce_profile_change(session, actor)
    return tag


async def is_featuring(session: AsyncSession, actor: Actor, tag: Tag) -> bool:
    return await q.get_featured_tag(session, actor.id, tag.id) is not None


async def featured_tags(session: AsyncSession, actor: Actor) -> list[FeaturedTagStats]:
    return await q.list_featured_tags(session, actor.id)


async def suggestions(session: AsyncSession, actor: Actor) -> list[Tag]:
    """Up to ten tags the account used lately and does not feature yet."""
    return await q.recently_used_tags(session, actor.id, SUGGESTIONS)
