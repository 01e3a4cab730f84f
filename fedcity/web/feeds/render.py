"""RSS 2.0 and Atom 1.0 documents of public posts, drawn from the same Mastodon
`Status` entities the pages and the client API show.

An entry is a Status entity, or an entity of the same shape with its own
`title` and `summary` (the library's items: web/library/feeds.py).

Built with `xml.etree`, which escapes every text and attribute: a post's HTML
travels as escaped text (`<description>`, `<content type="html">`), as both
formats ask, and nothing from a post can add an element.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from xml.etree import ElementTree as ET

from fedcity.text import html_to_text

ATOM = "http://www.w3.org/2005/Atom"
MEDIA = "http://search.yahoo.com/mrss/"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ET.register_namespace("atom", ATOM)
ET.register_namespace("media", MEDIA)
ET.register_namespace("dc", DC)
TITLE_LENGTH = 80
GENERATOR = "fedcity"


@dataclass(frozen=True)
class Feed:
    """What a feed says about itself."""

    title: str
    description: str
    page: str  # the HTML page the feed follows
    self_url: str  # where the feed itself is (RSS or Atom)
    language: str | None = None
    image: str | None = None  # the account's avatar, for a profile's feed
    author: str | None = None  # the account's name, for a profile's feed
    author_url: str | None = None


def _moment(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _atom_time(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def _title(status: dict[str, Any]) -> str:
    """A title for an item: its own (a library item's), the content warning,
    else the start of the text."""
    if status.get("title"):
        return str(status["title"])
    if status.get("spoiler_text"):
        return str(status["spoiler_text"])
    text = " ".join(html_to_text(status.get("content") or "").split())
    if len(text) > TITLE_LENGTH:
        text = text[: TITLE_LENGTH - 1].rstrip() + "…"
    return text or str(status.get("url") or status.get("uri"))


def _images(status: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        item
        for item in status.get("media_attachments") or ()
        if item.get("type") in ("image", "gifv") and item.get("url")
    ]


def _media_type(url: str) -> str | None:
    return mimetypes.guess_type(url.split("?")[0])[0]


def _author_name(account: dict[str, Any]) -> str:
    name = account.get("display_name") or account.get("username") or ""
    return f"{name} (@{account.get('acct', '')})"


def _sub(
    parent: ET.Element, tag: str, text: str | None = None, **attrs: str
) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _document(root: ET.Element) -> bytes:
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def rss(feed: Feed, statuses: Sequence[dict[str, Any]]) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.page)
    _sub(channel, "description", feed.description)
    _sub(
        channel,
        f"{{{ATOM}}}link",
        href=feed.self_url,
        rel="self",
        type="application/rss+xml",
    )
    if feed.language:
        _sub(channel, "language", feed.language)
    _sub(channel, "generator", GENERATOR)
    newest = _moment(statuses[0]["created_at"]) if statuses else datetime.now(UTC)
    _sub(channel, "lastBuildDate", format_datetime(newest, usegmt=True))
    if feed.image:
        image = _sub(channel, "image")
        _sub(image, "url", feed.image)
        _sub(image, "title", feed.title)
        _sub(image, "link", feed.page)
    for status in statuses:
        _rss_item(channel, status)
    return _document(root)


def _rss_item(channel: ET.Element, status: dict[str, Any]) -> None:
    item = _sub(channel, "item")
    link = str(status.get("url") or status["uri"])
    _sub(item, "title", _title(status))
    _sub(item, "link", link)
    _sub(item, "guid", link, isPermaLink="true")
    _sub(
        item,
        "pubDate",
        format_datetime(_moment(status["created_at"]), usegmt=True),
    )
    _sub(item, f"{{{DC}}}creator", _author_name(status["account"]))
    _sub(item, "description", status.get("content") or "")
    for tag in status.get("tags") or ():
        _sub(item, "category", str(tag["name"]))
    images = _images(status)
    if images:
        first = images[0]
        attrs = {"url": str(first["url"]), "length": "0"}
        if media_type := _media_type(str(first["url"])):
            attrs["type"] = media_type
        _sub(item, "enclosure", **attrs)
    for image in images:
        content = _sub(
            item, f"{{{MEDIA}}}content", url=str(image["url"]), medium="image"
        )
        if media_type := _media_type(str(image["url"])):
            content.set("type", media_type)
        if image.get("description"):
            _sub(
                content,
                f"{{{MEDIA}}}description",
                str(image["description"]),
                type="plain",
            )


def atom(feed: Feed, statuses: Sequence[dict[str, Any]]) -> bytes:
    # Unprefixed Atom elements: the default namespace is declared on the root.
    root = ET.Element("feed", {"xmlns": ATOM})
    if feed.language:
        root.set(XML_LANG, feed.language)
    _sub(root, "id", feed.page)
    _sub(root, "title", feed.title)
    _sub(root, "subtitle", feed.description)
    newest = _moment(statuses[0]["created_at"]) if statuses else datetime.now(UTC)
    _sub(root, "updated", _atom_time(newest))
    _sub(root, "link", rel="alternate", type="text/html", href=feed.page)
    _sub(
        root,
        "link",
        rel="self",
        type="application/atom+xml",
        href=feed.self_url,
    )
    _sub(root, "generator", GENERATOR)
    if feed.image:
        _sub(root, "icon", feed.image)
    if feed.author:
        author = _sub(root, "author")
        _sub(author, "name", feed.author)
        if feed.author_url:
            _sub(author, "uri", feed.author_url)
    for status in statuses:
        _atom_entry(root, status)
    return _document(root)


def _atom_entry(root: ET.Element, status: dict[str, Any]) -> None:
    entry = _sub(root, "entry")
    published = _moment(status["created_at"])
    updated = _moment(status.get("edited_at") or status["created_at"])
    _sub(entry, "id", str(status["uri"]))
    _sub(entry, "title", _title(status))
    link = str(status.get("url") or status["uri"])
    _sub(entry, "link", rel="alternate", type="text/html", href=link)
    _sub(entry, "published", _atom_time(published))
    _sub(entry, "updated", _atom_time(updated))
    account = status["account"]
    author = _sub(entry, "author")
    _sub(author, "name", _author_name(account))
    if account.get("url"):
        _sub(author, "uri", str(account["url"]))
    summary = status.get("summary") or status.get("spoiler_text")
    if summary:
        _sub(entry, "summary", str(summary), type="text")
    _sub(entry, "content", status.get("content") or "", type="html")
    for tag in status.get("tags") or ():
        _sub(entry, "category", term=str(tag["name"]))
    for image in _images(status):
        attrs = {"rel": "enclosure", "href": str(image["url"])}
        if media_type := _media_type(str(image["url"])):
            attrs["type"] = media_type
        if image.get("description"):
            attrs["title"] = str(image["description"])
        _sub(entry, "link", **attrs)
