"""How a local account's content filters apply to a page of statuses in one context:
keyword and status matches, `hide` filters drop a status, `warn` filters mark it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.feeds.filters import LoadedFilter, list_filters
from fedcity.services.statuses import search_index
from fedcity.storage.models import Actor, FilterAction, Post
from fedcity.storage.types import utcnow


@dataclass(frozen=True)
class Match:
    filter: LoadedFilter
    keyword_matches: list[str] | None
    status_matches: list[str] | None


def keyword_pattern(keyword: str, whole_word: bool) -> re.Pattern[str]:
    """Mastodon's CustomFilter.keyword_regex: with whole_word, a word boundary on a
    side only where the keyword starts or ends with a word character."""
    escaped = re.escape(keyword)
    if whole_word:
        start = r"\b" if re.match(r"\w", keyword) else ""
        end = r"\b" if re.search(r"\w$", keyword) else ""
        escaped = f"{start}{escaped}{end}"
    return re.compile(escaped, re.IGNORECASE)


def searchable_text(post: Post) -> str:
    """What keywords are matched against: Mastodon's `searchable_text`, the text
    full-text search matches (content warning, plain-text content, poll options,
    media descriptions), kept on the post by `services.statuses.search_index`."""
    if post.search_text is not None:
        return post.search_text
    return search_index.compose(post.spoiler_text, post.content)


async def active_filters(
    session: AsyncSession, viewer: Actor, context: str
) -> list[LoadedFilter]:
    """The viewer's filters for `context` that have not expired."""
    now = utcnow()
    return [
        f
        for f in await list_filters(session, viewer)
        if context in f.filter.contexts
        and (f.filter.expires_at is None or f.filter.expires_at > now)
    ]


async def apply_filters(
    session: AsyncSession,
    viewer: Actor | None,
    posts: Sequence[Post],
    context: str,
) -> tuple[list[Post], dict[int, list[Match]]]:
    """Drop posts a `hide` filter matches; return the rest and, per post id, the
    `warn` filters that matched. A boost is judged by the post it boosts."""
    if viewer is None or not posts:
        return list(posts), {}
    filters = await active_filters(session, viewer, context)
    if not filters:
        return list(posts), {}
    originals = {
        p.id: p
        for p in await session.scalars(
            select(Post).where(
                Post.id.in_([p.reblog_of_id for p in posts if p.reblog_of_id])
            )
        )
    }
    kept: list[Post] = []
    warned: dict[int, list[Match]] = {}
    for post in posts:
        shown = originals.get(post.reblog_of_id or 0, post)
        matches = _matches(filters, shown)
        if any(m.filter.filter.action == FilterAction.HIDE for m in matches):
            continue
        kept.append(post)
        if matches:
            warned[post.id] = matches
    return kept, warned


def _matches(filters: Sequence[LoadedFilter], post: Post) -> list[Match]:
    text = searchable_text(post)
    found = []
    for loaded in filters:
        words = [
            k.keyword
            for k in loaded.keywords
            if keyword_pattern(k.keyword, k.whole_word).search(text)
        ]
        statuses = [str(post.id) for s in loaded.statuses if s.post_id == post.id]
        if words or statuses:
            found.append(Match(loaded, words or None, statuses or None))
    return found
