"""Reading a web page's own description of itself: OpenGraph, Twitter and plain
HTML meta tags, and oEmbed discovery links (stdlib `html.parser`; no I/O here).

The oEmbed answer is read too (`card_from_oembed`): a `video` becomes a card with an
`<iframe>` embed (nothing else of the provider's HTML is kept), a `photo` a card
showing the picture, a `link` a plain card; `rich` embeds are refused, as Mastodon
refuses them (they rely on scripts).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from fedcity.previews.cards import CardData

MAX_TEXT = 2000  # characters kept of a title or description


@dataclass
class PageMeta:
    """The `<head>` facts of a page."""

    meta: dict[str, str] = field(default_factory=dict)  # first value of each key
    title: str = ""
    language: str | None = None
    oembed_url: str | None = None


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageMeta()
        self._in_title = False
        self._title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and found.get("lang"):
            self.page.language = found["lang"].split("-")[0].lower()[:16]
        elif tag == "meta":
            key = (found.get("property") or found.get("name") or "").strip().lower()
            if key and "content" in found:
                self.page.meta.setdefault(key, found["content"].strip())
        elif tag == "link":
            rel = found.get("rel", "").lower().split()
            kind = found.get("type", "").lower()
            if "alternate" in rel and kind == "application/json+oembed":
                self.page.oembed_url = self.page.oembed_url or found.get("href")
        elif tag == "title" and not self.page.title:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.page.title = " ".join("".join(self._title).split())

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)


def parse_page(document: str) -> PageMeta:
    parser = _HeadParser()
    parser.feed(document)
    parser.close()
    return parser.page


def absolute_url(base: str, value: str | None) -> str | None:
    """`value` resolved against `base`, if it is an http(s) URL."""
    if not value:
        return None
    url = urljoin(base, value.strip())
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def _int(value: Any) -> int:
    try:
        return max(0, min(int(value), 100_000))
    except (TypeError, ValueError):
        return 0


def _date(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _first(meta: dict[str, str], *keys: str) -> str:
    return next((meta[k] for k in keys if meta.get(k)), "")


def card_from_page(url: str, page: PageMeta) -> CardData:
    """A `link` card from OpenGraph (then Twitter, then plain HTML) tags."""
    meta = page.meta
    image = absolute_url(
        url,
        _first(
            meta, "og:image", "og:image:url", "og:image:secure_url", "twitter:image"
        ),
    )
    author = _first(meta, "author", "article:author")
    return CardData(
        type="link",
        title=_first(meta, "og:title", "twitter:title")[:MAX_TEXT] or page.title,
        description=_first(
            meta, "og:description", "twitter:description", "description"
        )[:MAX_TEXT],
        author_name="" if absolute_url(url, author) == author else author,
        provider_name=_first(meta, "og:site_name"),
        width=_int(meta.get("og:image:width")) if image else 0,
        height=_int(meta.get("og:image:height")) if image else 0,
        image_url=image,
        language=page.language,
        published_at=_date(meta.get("article:published_time")),
    )


_IFRAME = re.compile(r"<iframe\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([a-z-]+)\s*=\s*("[^"]*"|\'[^\']*\')', re.IGNORECASE)


def _iframe(source: str) -> str:
    """The provider's `<iframe>`, rebuilt from its https `src` and size only (the
    one element of oEmbed HTML kept, like Mastodon's MASTODON_OEMBED allow-list)."""
    found = _IFRAME.search(source or "")
    if found is None:
        return ""
    attrs = {
        k.lower(): html.unescape(v[1:-1]) for k, v in _ATTRIBUTE.findall(found.group())
    }
    src = attrs.get("src", "")
    if urlsplit(src).scheme != "https":
        return ""
    width, height = _int(attrs.get("width")), _int(attrs.get("height"))
    return (
        f'<iframe src="{html.escape(src)}" width="{width}" height="{height}" '
        'frameborder="0" allowfullscreen="true"></iframe>'
    )


def card_from_oembed(
    url: str, endpoint: str, embed: dict[str, Any], page: CardData
) -> CardData | None:
    """A card from an oEmbed answer (relative links resolved against `endpoint`);
    None when the answer is unusable, so the page's own tags are used instead."""
    kind = embed.get("type")
    texts = CardData(  # what every kind of card takes from the answer and the page
        title=str(embed.get("title") or "")[:MAX_TEXT] or page.title,
        description=page.description,
        author_name=str(embed.get("author_name") or ""),
        author_url=absolute_url(endpoint, embed.get("author_url")) or "",
        provider_name=str(embed.get("provider_name") or "") or page.provider_name,
        provider_url=absolute_url(endpoint, embed.get("provider_url")) or "",
        language=page.language,
        published_at=page.published_at,
    )
    thumbnail = absolute_url(endpoint, embed.get("thumbnail_url")) or page.image_url
    match kind:
        case "video":
            embed_html = _iframe(str(embed.get("html") or ""))
            if not embed_html:
                return None
            return replace(
                texts,
                type="video",
                html=embed_html,
                image_url=thumbnail,
                width=_int(embed.get("width")),
                height=_int(embed.get("height")),
            )
        case "photo":
            photo = absolute_url(endpoint, embed.get("url"))
            if photo is None:
                return None
            return replace(
                texts,
                type="photo",
                image_url=photo,
                width=_int(embed.get("width")),
                height=_int(embed.get("height")),
            )
        case "link":
            return replace(texts, type="link", image_url=thumbnail)
    return None  # "rich" (scripts) or unknown
