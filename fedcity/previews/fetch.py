"""The `fetch_card` job: fetch the page a post links to and store its preview card.

The page is fetched through the app's transport (SSRF guard, blocked domains,
timeout), only as `text/html`, at most `[federation] max_fetch_bytes`; an oEmbed
endpoint the page announces is asked first, then the page's own meta tags are read
(as Mastodon's FetchLinkCardService does). A page that cannot be read gets no card,
and the job is not retried: the next post linking it tries again.
"""

from __future__ import annotations

import logging
from typing import Any

from fedcity.errors import FetchError
from fedcity.federation.context import Federation
from fedcity.federation.fetch import fetch_json
from fedcity.federation.transport import HttpResponse
from fedcity.previews import cards as link_cards
from fedcity.previews.cards import CardData
from fedcity.previews.parse import (
    absolute_url,
    card_from_oembed,
    card_from_page,
    parse_page,
)
from fedcity.storage.models import Post
from fedcity.storage.queries import cards as card_q
from fedcity.storage.queries import posts as post_q

log = logging.getLogger(__name__)

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9"


async def fetch_card(fed: Federation, payload: dict[str, Any]) -> None:
    """Job handler for `fetch_card`: give the post the card of its first link."""
    post_id = payload["post_id"]
    async with fed.db.session() as session:
        post = await session.get(Post, post_id)
        if post is None or post.deleted_at is not None:
            return
        mentioned = await post_q.list_mentioned_actors(session, post.id)
        skip = {a.uri for a in mentioned} | {a.url for a in mentioned if a.url}
        url = link_cards.first_link(post.content, skip, fed.urls.base)
        if url is None:
            await link_cards.detach_card(session, post.id)
            return
        card = await card_q.get_card_by_url(session, url)
        if card is not None and not link_cards.needs_fetch(card):
            await link_cards.attach_card(session, post.id, card)
            return
    data = await read_card(fed, url)
    async with fed.db.session() as session:
        if data is not None and data.usable:
            card = await link_cards.save_card(session, url, data)
        else:  # keep showing a stale card rather than none
            card = await card_q.get_card_by_url(session, url)
        if card is not None:
            await link_cards.attach_card(session, post_id, card)


async def read_card(fed: Federation, url: str) -> CardData | None:
    """What the page at `url` says about itself; None if it is no readable HTML."""
    try:
        response = await fed.transport.get(
            url,
            {"Accept": PAGE_ACCEPT},
            max_bytes=fed.settings.federation.max_fetch_bytes,
        )
    except FetchError as exc:
        log.info("no card for %s: %s", url, exc)
        return None
    document = _html_of(response)
    if document is None:
        return None
    page = parse_page(document)
    from_page = card_from_page(url, page)
    if page.oembed_url:
        embedded = await _oembed(fed, url, page.oembed_url, from_page)
        if embedded is not None:
            return embedded
    return from_page


def _html_of(response: HttpResponse) -> str | None:
    content_type = response.headers.get("Content-Type", "")
    mime, _, rest = content_type.partition(";")
    if response.status != 200 or mime.strip().lower() != "text/html":
        return None
    charset = "utf-8"
    for part in rest.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"' ")
    try:
        return response.body.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return response.body.decode("utf-8", errors="replace")


async def _oembed(
    fed: Federation, url: str, endpoint: str, from_page: CardData
) -> CardData | None:
    absolute = absolute_url(url, endpoint)
    if absolute is None:
        return None
    try:
        embed = await fetch_json(fed, absolute, "application/json")
    except FetchError as exc:
        log.info("oEmbed of %s unusable: %s", url, exc)
        return None
    return card_from_oembed(url, absolute, embed, from_page)
