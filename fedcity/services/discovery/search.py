"""Full-text status search, as Mastodon 4.2+ does it.

A signed-in viewer finds, among posts it may read (and not by accounts it muted,
blocked or domain-blocked), the public posts of accounts that are `indexable`, and
any post it wrote, was mentioned in, favourited, bookmarked, boosted or voted in.
Boosts are never results. Newest first, as Mastodon orders them.

The words are matched by the database's full-text index (`storage/fulltext.py`);
the operators of `services/discovery/search_query.py` become SQL conditions here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, func, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.discovery.search_query import (
    Filter,
    ParsedQuery,
    parse,
    parse_moment,
)
from fedcity.storage import fulltext
from fedcity.storage.db import dialect_of
from fedcity.storage.models import Actor, Poll, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import feeds
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries.search import findable_by, publicly_indexable


@dataclass(frozen=True)
class StatusSearch:
    """One search: the query text and Mastodon's parameters for statuses."""

    query: str
    limit: int = 20
    offset: int = 0
    account_id: int | None = None  # only posts by this account
    min_id: int | None = None  # only posts newer than this id
    max_id: int | None = None  # only posts older than this id


async def search_statuses(
    session: AsyncSession, viewer: Actor, search: StatusSearch, local_domain: str
) -> list[Post]:
    """The posts `viewer` may find for `search`, newest first. A query with
    nothing to search by (only punctuation, say) finds nothing."""
    parsed = parse(search.query)
    if parsed.is_empty:
        return []
    conditions = [
        Post.deleted_at.is_(None),
        post_q.visible_to(viewer.id),
        feeds.not_silenced(viewer.id),
        findable_by(viewer.id, parsed.scope),
        *await _conditions(session, viewer, parsed, local_domain),
    ]
    if not parsed.required:
        # Boosts have no search text, so a query with words never finds one; the
        # term is only needed without words. With words it would be harmful: SQLite
        # (no statistics) takes the reblog index for `IS NULL` and walks every
        # original post instead of starting from the few full-text matches
        # (bench/timelines.py: 160 ms → about 10 ms a page).
        conditions.append(Post.reblog_of_id.is_(None))
    if search.account_id is not None:
        conditions.append(Post.actor_id == search.account_id)
    if search.min_id is not None:
        conditions.append(Post.id > search.min_id)
    if search.max_id is not None:
        conditions.append(Post.id < search.max_id)
    stmt = (
        select(Post)
        .where(*conditions)
        .order_by(Post.id.desc())
        .offset(search.offset)
        .limit(search.limit)
    )
    await fulltext.plan_for_values(session)
    return list(await session.scalars(stmt))


async def search_public_statuses(
    session: AsyncSession, search: StatusSearch, local_domain: str
) -> list[Post]:
    """What a signed-out visitor may find (the web's search page): this server's
    own public posts by accounts that chose to be `indexable`, newest first, with
    the same operators (`from:me` and `in:library` find nothing without an
    account)."""
    parsed = parse(search.query)
    if parsed.is_empty or parsed.scope == "library":
        return []
    conditions = [
        Post.deleted_at.is_(None),
        Post.local.is_(True),
        Post.reblog_of_id.is_(None),
        publicly_indexable(),
        *await _conditions(session, None, parsed, local_domain),
    ]
    stmt = (
        select(Post)
        .where(*conditions)
        .order_by(Post.id.desc())
        .offset(search.offset)
        .limit(search.limit)
    )
    await fulltext.plan_for_values(session)
    return list(await session.scalars(stmt))


async def _conditions(
    session: AsyncSession, viewer: Actor | None, parsed: ParsedQuery, local_domain: str
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if parsed.required or parsed.excluded:
        conditions.append(
            fulltext.matches(dialect_of(session), parsed.required, parsed.excluded)
        )
    for name in parsed.tags:
        conditions.append(feeds.tag_filter([name], (), ()))
    if parsed.excluded_tags:
        conditions.append(not_(feeds.tag_filter(parsed.excluded_tags, (), ())))
    for item in parsed.filters:
        condition = await _filter(session, viewer, item, local_domain)
        conditions.append(not_(condition) if item.excluded else condition)
    return conditions


async def _filter(
    session: AsyncSession, viewer: Actor | None, item: Filter, local_domain: str
) -> ColumnElement[bool]:
    """The condition of one `prefix:value`; an unknown value matches nothing, as a
    term on a property no post has does in Mastodon. None of these is ever NULL,
    so that their negation (`-prefix:value`) is exact."""
    value = item.value.lower()
    match item.prefix:
        case "from":
            author = await _author(session, viewer, value, local_domain)
            return Post.actor_id == author.id if author is not None else false()
        case "has":
            return _HAS.get(value, false)()
        case "is":
            return _IS.get(value, false)()
        case "language":
            code = value.replace("_", "-")
            return func.coalesce(func.lower(Post.language), "").in_(
                {code, code.split("-")[0]}
            )
        case _:
            return _when(item.prefix, item.value)


async def _author(
    session: AsyncSession, viewer: Actor | None, handle: str, local_domain: str
) -> Actor | None:
    """`me`, `name`, `@name`, `name@domain` or `@name@domain`."""
    if handle == "me":
        return viewer
    username, _, domain = handle.lstrip("@").partition("@")
    if not username:
        return None
    if domain in ("", local_domain.lower()):
        return await actor_q.get_local_actor(session, username)
    return await actor_q.get_actor_by_handle(session, username, domain)


def _when(prefix: str, value: str) -> ColumnElement[bool]:
    """before: (earlier than that day or instant), after: (later than it),
    during: (within that UTC day); dates are days in UTC."""
    moment = parse_moment(value)
    if moment is None:
        return false()
    if prefix == "before":
        return Post.created_at < moment.start
    if prefix == "after":
        if moment.whole_day:
            return Post.created_at >= moment.end
        return Post.created_at > moment.start
    day = moment.day
    return (Post.created_at >= day.start) & (Post.created_at < day.end)


def _has_poll() -> ColumnElement[bool]:
    return Post.id.in_(select(Poll.post_id))


_HAS = {"media": feeds.has_media, "poll": _has_poll}
_IS = {
    "reply": lambda: Post.in_reply_to_uri.is_not(None),
    "sensitive": lambda: Post.sensitive.is_(True),
}
