"""Look-ups of posts, threads and timelines. Visibility rules are expressed as SQL here
so that timelines stay one query; which rule applies is decided in services/timelines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.db import insert_for
from fedcity.storage.models import (
    Actor,
    Favourite,
    Follow,
    FollowState,
    IdempotencyKey,
    Mention,
    Post,
    PostEdit,
    PostTag,
    RemovedReply,
    Tag,
    UserList,
    Visibility,
)
from fedcity.storage.queries import feeds


@dataclass(frozen=True)
class Page:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = 20


async def get_post_by_id(session: AsyncSession, post_id: int) -> Post | None:
    return await session.get(Post, post_id)


async def get_post_by_uri(session: AsyncSession, uri: str) -> Post | None:
    return await session.scalar(select(Post).where(Post.uri == uri))


async def list_mentioned_actors(session: AsyncSession, post_id: int) -> list[Actor]:
    stmt = (
        select(Actor)
        .join(Mention, Mention.actor_id == Actor.id)
        .where(Mention.post_id == post_id)
    )
    return list((await session.scalars(stmt)).all())


async def list_mentions(
    session: AsyncSession, post_ids: Sequence[int]
) -> dict[int, list[int]]:
    if not post_ids:
        return {}
    rows = await session.execute(
        select(Mention.post_id, Mention.actor_id).where(Mention.post_id.in_(post_ids))
    )
    out: dict[int, list[int]] = {}
    for post_id, actor_id in rows:
        out.setdefault(post_id, []).append(actor_id)
    return out


async def list_tags(
    session: AsyncSession, post_ids: Sequence[int]
) -> dict[int, list[str]]:
    if not post_ids:
        return {}
    rows = await session.execute(
        select(PostTag.post_id, Tag.name)
        .join(Tag, Tag.id == PostTag.tag_id)
        .where(PostTag.post_id.in_(post_ids))
    )
    out: dict[int, list[str]] = {}
    for post_id, name in rows:
        out.setdefault(post_id, []).append(name)
    return out


async def list_posts_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, Post]:
    if not ids:
        return {}
    rows = await session.scalars(select(Post).where(Post.id.in_(set(ids))))
    return {post.id: post for post in rows}


async def get_reblog(session: AsyncSession, actor_id: int, post_id: int) -> Post | None:
    return await session.scalar(
        select(Post).where(
            Post.actor_id == actor_id,
            Post.reblog_of_id == post_id,
            Post.deleted_at.is_(None),
        )
    )


async def get_favourite(
    session: AsyncSession, actor_id: int, post_id: int
) -> Favourite | None:
    return await session.scalar(
        select(Favourite).where(
            Favourite.actor_id == actor_id, Favourite.post_id == post_id
        )
    )


async def favourited_ids(
    session: AsyncSession, viewer_id: int, post_ids: Sequence[int]
) -> set[int]:
    if not post_ids:
        return set()
    rows = await session.scalars(
        select(Favourite.post_id).where(
            Favourite.actor_id == viewer_id, Favourite.post_id.in_(post_ids)
        )
    )
    return set(rows)


async def reblogged_ids(
    session: AsyncSession, viewer_id: int, post_ids: Sequence[int]
) -> set[int]:
    if not post_ids:
        return set()
    rows = await session.scalars(
        select(Post.reblog_of_id).where(
            Post.actor_id == viewer_id,
            Post.reblog_of_id.in_(post_ids),
            Post.deleted_at.is_(None),
        )
    )
    return {row for row in rows if row is not None}


def visible_to(viewer_id: int | None) -> ColumnElement[bool]:
    """Posts `viewer_id` may read (None: an anonymous visitor)."""
    open_to_all = Post.visibility.in_([Visibility.PUBLIC, Visibility.UNLISTED])
    if viewer_id is None:
        return open_to_all
    return or_(
        open_to_all,
        Post.actor_id == viewer_id,
        _mentioned(viewer_id),
        and_(Post.visibility == Visibility.PRIVATE, _follows_author(viewer_id)),
    )


def _mentioned(viewer_id: int) -> ColumnElement[bool]:
    return Post.id.in_(select(Mention.post_id).where(Mention.actor_id == viewer_id))


def _follows_author(viewer_id: int) -> ColumnElement[bool]:
    return Post.actor_id.in_(
        select(Follow.target_id).where(
            Follow.actor_id == viewer_id, Follow.state == FollowState.ACCEPTED
        )
    )


def visible_in_feed_to(viewer_id: int) -> ColumnElement[bool]:
    """`visible_to(viewer_id)` without direct messages (what a list shows).

    Written so that the OR has a branch no index can answer (`!=`): as `visible_to`
    writes it, every branch can use an index, and SQLite (without statistics, as
    fedcity runs it) answers the OR with one index scan per branch, reading every
    public post (`ix_posts_visibility_id`) and sorting them all before the LIMIT.
    """
    return and_(
        Post.visibility != Visibility.DIRECT,
        or_(
            Post.visibility != Visibility.PRIVATE,
            Post.actor_id == viewer_id,
            _mentioned(viewer_id),
            _follows_author(viewer_id),
        ),
    )


def in_followed_languages(viewer_id: int) -> ColumnElement[bool]:
    """False for a post by an account the viewer follows with `languages` that
    leave out the post's language (Mastodon's follow option); posts without a
    language always pass. The languages are stored as ",en,es,"."""
    limited = select(Follow.target_id).where(
        Follow.actor_id == viewer_id, Follow.languages.is_not(None)
    )
    outside = select(Follow.id).where(
        Follow.actor_id == viewer_id,
        Follow.target_id == Post.actor_id,
        Follow.languages.not_like(literal("%,") + func.lower(Post.language) + ",%"),
    )
    # The uncorrelated NOT IN is computed once per query; only posts by the few
    # language-limited follows reach the correlated test (bench/timelines.py: the
    # correlated test alone cost every home page about 3 ms).
    return or_(
        Post.language.is_(None), Post.actor_id.not_in(limited), ~outside.exists()
    )


def home_filter(viewer_id: int) -> ColumnElement[bool]:
    """What Mastodon's FeedManager puts in a home feed: one's own posts; the posts
    and boosts of accepted follows (a direct post only if it mentions the viewer),
    under its rules for replies (`feeds.home_reply_shown`), boosts, exclusive
    lists and languages; public posts with a followed hashtag. A post that only
    mentions the viewer is a notification, not a home item."""
    followed = select(Follow.target_id).where(
        Follow.actor_id == viewer_id, Follow.state == FollowState.ACCEPTED
    )
    # Follows made with reblogs=false keep that account's boosts out of home.
    boosts_hidden = select(Follow.target_id).where(
        Follow.actor_id == viewer_id, Follow.show_reblogs.is_(False)
    )
    mentioned = select(Mention.post_id).where(Mention.actor_id == viewer_id)
    # Muted, blocked and domain-blocked accounts leave home (one's own posts stay).
    return or_(
        Post.actor_id == viewer_id,
        and_(
            feeds.not_silenced(viewer_id),
            or_(
                and_(
                    Post.actor_id.in_(followed),
                    Post.actor_id.not_in(feeds.exclusive_list_members(viewer_id)),
                    or_(
                        Post.visibility != Visibility.DIRECT,
                        Post.id.in_(mentioned),
                    ),
                    or_(
                        Post.reblog_of_id.is_(None),
                        Post.actor_id.not_in(boosts_hidden),
                    ),
                    feeds.home_reply_shown(viewer_id, followed),
                    in_followed_languages(viewer_id),
                ),
                and_(
                    Post.visibility == Visibility.PUBLIC,
                    Post.id.in_(feeds.followed_tag_post_ids(viewer_id)),
                ),
            ),
        ),
    )


def list_timeline_filter(lst: UserList) -> ColumnElement[bool]:
    """What a list's timeline shows its owner: posts and boosts by its members that
    the owner may read, no direct messages, the list's replies policy applied and
    silenced accounts left out. The list stream asks the same."""
    return and_(
        feeds.list_filter(lst),
        visible_in_feed_to(lst.actor_id),
        feeds.not_silenced(lst.actor_id),
    )


def paged(stmt: Select[Post], page: Page) -> Select[Post]:
    """Mastodon paging: max_id/since_id newest first; min_id oldest first after it."""
    stmt = stmt.where(Post.deleted_at.is_(None))
    if page.max_id is not None:
        stmt = stmt.where(Post.id < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(Post.id > page.since_id)
    if page.min_id is not None:
        return (
            stmt.where(Post.id > page.min_id).order_by(Post.id.asc()).limit(page.limit)
        )
    return stmt.order_by(Post.id.desc()).limit(page.limit)


async def list_page(
    session: AsyncSession, stmt: Select[Post], page: Page
) -> list[Post]:
    posts = list((await session.scalars(paged(stmt, page))).all())
    if page.min_id is not None:
        posts.reverse()
    return posts


def timeline_select(*conditions: ColumnElement[bool]) -> Select[Post]:
    return (
        select(Post).where(*conditions) if conditions else select(Post).where(false())
    )


async def list_descendants(
    session: AsyncSession, post_id: int, limit: int = 200
) -> list[Post]:
    # A reply its parent's author removed is left out, and so is what answers it.
    shown = Post.id.not_in(select(RemovedReply.post_id))
    tree = (
        select(Post.id).where(Post.in_reply_to_id == post_id, shown).cte(recursive=True)
    )
    tree = tree.union(select(Post.id).where(Post.in_reply_to_id == tree.c.id, shown))
    stmt = (
        select(Post)
        .where(Post.id.in_(select(tree.c.id)))
        .order_by(Post.id)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def list_post_edits(session: AsyncSession, post_id: int) -> list[PostEdit]:
    """Former versions of a post, oldest first."""
    rows = await session.scalars(
        select(PostEdit)
        .where(PostEdit.post_id == post_id)
        .order_by(PostEdit.created_at, PostEdit.id)
    )
    return list(rows)


async def list_public_posts(
    session: AsyncSession,
    page: Page,
    *,
    tag: str | None = None,
    actor_id: int | None = None,
    without_replies: bool = False,
) -> list[Post]:
    """Public posts (no boosts), newest first: with the hashtag `tag` (a stored
    name), by `actor_id`, and without replies to others (`without_replies`: a
    thread an author continues stays in). The hashtag pages and the feeds."""
    conditions = [
        Post.visibility == Visibility.PUBLIC,
        Post.reblog_of_id.is_(None),
    ]
    if tag is not None:
        conditions.append(feeds.tag_filter([tag], (), ()))
    if actor_id is not None:
        conditions.append(Post.actor_id == actor_id)
    if without_replies:
        conditions.append(
            Post.in_reply_to_uri.is_(None)
            | (Post.in_reply_to_actor_id == Post.actor_id)
        )
    return await list_page(session, timeline_select(*conditions), page)


async def get_post_by_uri_or_url(session: AsyncSession, address: str) -> Post | None:
    """The post whose id or web page is `address` (what people paste and link)."""
    return await session.scalar(
        select(Post).where(or_(Post.uri == address, Post.url == address)).limit(1)
    )


async def list_reply_uris(
    session: AsyncSession, post_id: int, offset: int, limit: int
) -> list[str]:
    """The ids of the public and unlisted replies to a post known here, oldest
    first (a `replies` collection)."""
    stmt = (
        select(Post.uri)
        .where(
            Post.in_reply_to_id == post_id,
            Post.deleted_at.is_(None),
            Post.visibility.in_((Visibility.PUBLIC, Visibility.UNLISTED)),
        )
        .order_by(Post.id)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


# --- idempotency keys (a repeated POST /api/v1/statuses answers the same status)


async def get_idempotency_key(
    session: AsyncSession, account_id: int, key: str
) -> IdempotencyKey | None:
    return await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.account_id == account_id, IdempotencyKey.key == key
        )
    )


async def insert_idempotency_key(
    session: AsyncSession, row_id: int, account_id: int, key: str, now: datetime
) -> bool:
    """Claim (account, key); False if another request holds it already. On
    PostgreSQL this waits for a concurrent holder to commit or roll back."""
    table = IdempotencyKey.metadata.tables[IdempotencyKey.__tablename__]
    insert = insert_for(session)
    stmt = (
        insert(table)
        .values(id=row_id, account_id=account_id, key=key, created_at=now)
        .on_conflict_do_nothing(index_elements=["account_id", "key"])
        .returning(table.c.id)
    )
    return (await session.execute(stmt)).scalar() is not None
