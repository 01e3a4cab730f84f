"""Hashtags: following them, and their timelines."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.i18n import N_
from fedcity.services.limits import MAX_TAG_NAME, check_length
from fedcity.storage.models import Actor, Post, Tag, TagFollow, Visibility
from fedcity.storage.queries import feeds
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page
from fedcity.text import normalize_hashtag


def tag_name(raw: str) -> str:
    """The stored form of a hashtag given with or without '#'.

    Raises:
        Unprocessable: nothing is left of the name.
    """
    name = normalize_hashtag(raw.strip().lstrip("#")).lower()[:255]
    if not name:
        raise Unprocessable("Validation failed: Name is invalid")
    return name


async def get_tag(session: AsyncSession, raw: str) -> Tag:
    """A known hashtag.

    Raises:
        NotFound: no post has used it and nobody follows it.
    """
    tag = await session.scalar(select(Tag).where(Tag.name == tag_name(raw)))
    if tag is None:
        raise NotFound("Record not found")
    return tag


async def is_following(session: AsyncSession, actor: Actor, tag: Tag) -> bool:
    row = await session.scalar(
        select(TagFollow.id).where(
            TagFollow.actor_id == actor.id, TagFollow.tag_id == tag.id
        )
    )
    return row is not None


async def followed_tag_ids(
    session: AsyncSession, actor: Actor, tag_ids: Sequence[int]
) -> set[int]:
    """Which of `tag_ids` the actor follows."""
    if not tag_ids:
        return set()
    rows = await session.scalars(
        select(TagFollow.tag_id).where(
            TagFollow.actor_id == actor.id, TagFollow.tag_id.in_(set(tag_ids))
        )
    )
    return set(rows)


async def get_or_create_tag(session: AsyncSession, raw: str) -> Tag:
    """The hashtag named `raw` (with or without '#'), created if unknown, as
    Mastodon does when a tag is followed or featured before anyone used it.

    Raises:
        Unprocessable: a name that is empty or longer than a tag may be.
    """
    check_length(N_("Name"), raw.strip().lstrip("#"), MAX_TAG_NAME)
    name = tag_name(raw)
    tag = await session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        tag = Tag(name=name)
        session.add(tag)
        await session.flush()
    return tag


async def follow_tag(session: AsyncSession, actor: Actor, raw: str) -> Tag:
    """Follow a hashtag (created if unknown, as Mastodon does); idempotent."""
    tag = await get_or_create_tag(session, raw)
    if not await is_following(session, actor, tag):
        session.add(TagFollow(actor_id=actor.id, tag_id=tag.id))
        await session.flush()
    return tag


async def unfollow_tag(session: AsyncSession, actor: Actor, raw: str) -> Tag:
    """Stop following a hashtag; idempotent. An unknown hashtag is created, as
    Mastodon does for follow and unfollow alike, so the answer is always the Tag."""
    tag = await get_or_create_tag(session, raw)
    row = await session.scalar(
        select(TagFollow).where(
            TagFollow.actor_id == actor.id, TagFollow.tag_id == tag.id
        )
    )
    if row is not None:
        await session.delete(row)
        await session.flush()
    return tag


async def followed_tags_page(
    session: AsyncSession, actor: Actor, page: Page
) -> list[tuple[int, Tag]]:
    """(follow id, tag) pairs, most recently followed first."""
    stmt = (
        select(TagFollow.id, Tag)
        .join(Tag, Tag.id == TagFollow.tag_id)
        .where(TagFollow.actor_id == actor.id)
    )
    return [(i, t) for i, t in await paged_rows(session, stmt, TagFollow.id, page)]


async def timeline(
    session: AsyncSession,
    viewer: Actor | None,
    page: Page,
    *,
    any_of: Sequence[str],
    all_of: Sequence[str] = (),
    none_of: Sequence[str] = (),
    local: bool = False,
    remote: bool = False,
    only_media: bool = False,
) -> list[Post]:
    """Public posts (no boosts) with the hashtags asked for, newest first."""
    conditions = [
        Post.visibility == Visibility.PUBLIC,
        Post.reblog_of_id.is_(None),
        feeds.tag_filter(
            [tag_name(n) for n in any_of],
            [tag_name(n) for n in all_of],
            [tag_name(n) for n in none_of],
        ),
    ]
    conditions += feeds.origin_filters(
        local=local, remote=remote, only_media=only_media
    )
    if viewer is not None:
        conditions.append(feeds.not_silenced(viewer.id))
    return await post_q.list_page(session, post_q.timeline_select(*conditions), page)
