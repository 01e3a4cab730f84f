"""Link preview cards: which link of a post gets a card, storing cards (one per URL,
shared by every post that links it), and the links trending in public posts.

Fetching the page is the federation layer's job (`previews/fetch.py`, run as
the durable `fetch_card` job); this module decides and stores. Trending links are
counted in `services/discovery/trends.py`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue
from fedcity.storage.db import insert_for
from fedcity.storage.models import Post, PostCard, PreviewCard
from fedcity.storage.queries import cards as card_q
from fedcity.storage.types import utcnow

REFRESH_AFTER = timedelta(days=14)  # Mastodon refetches cards older than two weeks


class _Links(HTMLParser):
    """`<a href>` of post HTML, leaving out hashtags and mentions (microformats)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        rel = (found.get("rel") or "").split()
        if "tag" in rel or {"mention", "hashtag", "u-url", "h-card"} & set(classes):
            return
        if found.get("href"):
            self.hrefs.append(str(found["href"]))


def first_link(
    content: str, skip: Collection[str] = (), local_base: str = ""
) -> str | None:
    """The link that gets a card, as Mastodon picks it: the first http(s) link of
    the post that is neither a hashtag nor a mention (nor a link to a mentioned
    account, in `skip`) and does not point at this instance."""
    parser = _Links()
    parser.feed(content)
    parser.close()
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        if href in skip or (local_base and href.startswith(local_base + "/")):
            continue
        return href
    return None


async def queue_card_fetch(
    session: AsyncSession, post: Post, *, edited: bool = False
) -> None:
    """Enqueue the `fetch_card` job for a post with a link, or for an edited post
    that had a card (its link may be gone). Any post may have a card, as in
    Mastodon: it is shown to whoever may see the post."""
    if post.reblog_of_id is not None:
        return
    if first_link(post.content) is not None or (
        edited and await session.get(PostCard, post.id) is not None
    ):
        await enqueue(session, JobKind.FETCH_CARD, {"post_id": post.id})


def needs_fetch(card: PreviewCard | None) -> bool:
    return (
        card is None
        or card.fetched_at is None
        or card.fetched_at < utcnow() - REFRESH_AFTER
    )


@dataclass(frozen=True)
class CardData:
    """What a page says about itself, parsed by the federation layer."""

    type: str = "link"
    title: str = ""
    description: str = ""
    author_name: str = ""
    author_url: str = ""
    provider_name: str = ""
    provider_url: str = ""
    html: str = ""
    width: int = 0
    height: int = 0
    image_url: str | None = None
    language: str | None = None
    published_at: datetime | None = None

    @property
    def usable(self) -> bool:
        return bool(self.title or self.html)


async def save_card(session: AsyncSession, url: str, data: CardData) -> PreviewCard:
    """Create or refresh the card of `url`. Jobs for two posts linking one page may
    run at once: the row is inserted with ON CONFLICT DO NOTHING, then updated."""
    insert = insert_for(session)
    await session.execute(
        insert(PreviewCard)
        .values(url=url)
        .on_conflict_do_nothing(index_elements=["url"])
    )
    card = await card_q.get_card_by_url(session, url)
    assert card is not None
    fields: dict[str, Any] = {
        "type": data.type,
        "title": data.title[:2000],
        "description": data.description[:2000],
        "author_name": data.author_name[:500],
        "author_url": data.author_url[:2048],
        "provider_name": data.provider_name[:500],
        "provider_url": data.provider_url[:2048],
        "html": data.html,
        "width": data.width,
        "height": data.height,
        "image_url": data.image_url[:2048] if data.image_url else None,
        "language": data.language[:16] if data.language else None,
        "published_at": data.published_at,
        "fetched_at": utcnow(),
    }
    for key, value in fields.items():
        setattr(card, key, value)
    await session.flush()
    return card


async def attach_card(session: AsyncSession, post_id: int, card: PreviewCard) -> None:
    """Make `card` the post's card (an edit that changed the link replaces it)."""
    insert = insert_for(session)
    stmt = insert(PostCard).values(post_id=post_id, card_id=card.id)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["post_id"], set_={"card_id": stmt.excluded.card_id}
        )
    )


async def detach_card(session: AsyncSession, post_id: int) -> None:
    """An edit removed the post's links: it has no card any more."""
    row = await session.get(PostCard, post_id)
    if row is not None:
        await session.delete(row)
        await session.flush()
