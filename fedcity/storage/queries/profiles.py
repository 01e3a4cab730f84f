"""Look-ups of what profiles show and keep: endorsements, featured tags with their
statistics, private notes, familiar followers, the directory and suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from fedcity.storage.models import (
    AccountNote,
    Actor,
    Endorsement,
    FeaturedTag,
    Follow,
    FollowState,
    Post,
    PostTag,
    Tag,
    Visibility,
)


async def get_endorsement(
    session: AsyncSession, actor_id: int, target_id: int
) -> Endorsement | None:
    return await session.scalar(
        select(Endorsement).where(
            Endorsement.actor_id == actor_id, Endorsement.target_id == target_id
        )
    )


async def get_account_note(
    session: AsyncSession, actor_id: int, target_id: int
) -> AccountNote | None:
    return await session.scalar(
        select(AccountNote).where(
            AccountNote.actor_id == actor_id, AccountNote.target_id == target_id
        )
    )


def endorsed_accounts(actor_id: int) -> Select[int, Actor]:
    """(endorsement id, endorsed account) rows, for paging on the endorsement."""
    return (
        select(Endorsement.id, Actor)
        .join(Actor, Actor.id == Endorsement.target_id)
        .where(Endorsement.actor_id == actor_id, Actor.deleted_at.is_(None))
    )


def followed_ids(actor_id: int) -> Select[int]:
    """Accounts `actor_id` follows (accepted follows only)."""
    return select(Follow.target_id).where(
        Follow.actor_id == actor_id, Follow.state == FollowState.ACCEPTED
    )


# --- featured tags -------------------------------------------------------------------


@dataclass(frozen=True)
class FeaturedTagStats:
    """A featured tag with what Mastodon shows of it: how many of the account's
    public and unlisted statuses carry the tag, and when the latest was posted."""

    row: FeaturedTag
    name: str
    statuses_count: int
    last_status_at: datetime | None


def _profile_posts(actor_id: int) -> tuple[ColumnElement[bool], ...]:
    return (
        Post.actor_id == actor_id,
        Post.visibility.in_([Visibility.PUBLIC, Visibility.UNLISTED]),
        Post.deleted_at.is_(None),
        Post.reblog_of_id.is_(None),
    )


async def list_featured_tags(
    session: AsyncSession, actor_id: int, featured_id: int | None = None
) -> list[FeaturedTagStats]:
    """The account's featured tags, oldest first, counted in one query."""
    stats = (
        select(
            PostTag.tag_id.label("tag_id"),
            func.count(Post.id).label("count"),
            func.max(func.coalesce(Post.published_at, Post.created_at)).label("last"),
        )
        .join(Post, Post.id == PostTag.post_id)
        .where(*_profile_posts(actor_id))
        .group_by(PostTag.tag_id)
        .subquery()
    )
    stmt = (
        select(FeaturedTag, Tag.name, stats.c.count, stats.c.last)
        .join(Tag, Tag.id == FeaturedTag.tag_id)
        .outerjoin(stats, stats.c.tag_id == FeaturedTag.tag_id)
        .where(FeaturedTag.actor_id == actor_id)
        .order_by(FeaturedTag.id)
    )
    if featured_id is not None:
        stmt = stmt.where(FeaturedTag.id == featured_id)
    rows = await session.execute(stmt)
    return [
        FeaturedTagStats(row, name, int(count or 0), last)
        for row, name, count, last in rows
    ]


async def get_featured_tag(
    session: AsyncSession, actor_id: int, tag_id: int
) -> FeaturedTag | None:
    return await session.scalar(
        select(FeaturedTag).where(
            FeaturedTag.actor_id == actor_id, FeaturedTag.tag_id == tag_id
        )
    )


async def count_featured_tags(session: AsyncSession, actor_id: int) -> int:
    stmt = select(func.count()).where(FeaturedTag.actor_id == actor_id)
    return int(await session.scalar(stmt.select_from(FeaturedTag)) or 0)


async def recently_used_tags(
    session: AsyncSession, actor_id: int, limit: int, window: int = 1000
) -> list[Tag]:
    """Tags of the account's latest `window` statuses that it does not feature yet,
    most used first (Mastodon's featured tag suggestions)."""
    recent = (
        select(Post.id)
        .where(Post.actor_id == actor_id, Post.deleted_at.is_(None))
        .order_by(Post.id.desc())
        .limit(window)
        .subquery()
    )
    featured = select(FeaturedTag.tag_id).where(FeaturedTag.actor_id == actor_id)
    stmt = (
        select(Tag)
        .join(PostTag, PostTag.tag_id == Tag.id)
        .where(PostTag.post_id.in_(select(recent.c.id)), Tag.id.not_in(featured))
        .group_by(Tag.id)
        .order_by(func.count().desc(), func.max(PostTag.post_id).desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


# --- accounts to discover ------------------------------------------------------------


def listed_accounts(
    *, include_undiscoverable: bool = False
) -> tuple[ColumnElement[bool], ...]:
    """Accounts that asked to be found: discoverable, not gone, people or groups
    (with `include_undiscoverable`, the caller decides on discoverability)."""
    alive = (Actor.deleted_at.is_(None), Actor.actor_type != "Application")
    return alive if include_undiscoverable else (Actor.discoverable.is_(True), *alive)


async def familiar_followers(
    session: AsyncSession, viewer_id: int, target_ids: Sequence[int]
) -> dict[int, list[Actor]]:
    """For each target, the accounts `viewer_id` follows that follow it. Followers
    who hide their collections are left out: showing them would reveal whom they
    follow."""
    if not target_ids:
        return {}
    theirs = aliased(Follow)
    rows = await session.execute(
        select(theirs.target_id, Actor)
        .join(Actor, Actor.id == theirs.actor_id)
        .where(
            theirs.target_id.in_(set(target_ids)),
            theirs.state == FollowState.ACCEPTED,
            theirs.actor_id.in_(followed_ids(viewer_id)),
            Actor.deleted_at.is_(None),
            or_(Actor.hide_collections.is_(None), Actor.hide_collections.is_(False)),
        )
        .order_by(theirs.id.desc())
    )
    found: dict[int, list[Actor]] = {}
    for target_id, actor in rows:
        found.setdefault(target_id, []).append(actor)
    return found
