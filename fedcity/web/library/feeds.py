"""The library's feeds: Atom feeds of new items (`/library/case-studies.atom`,
`/library/funding.atom`, 20 newest, `?topic=` and `?state=` as the library's
filters) and an iCalendar feed of deadlines (`/library/funding.ics`, filtered
as the funding board: `?topic=`, `?state=`, `?population=`,
`?include_closed=1`).

The Atom feeds are written by web/feeds/render.py, as the profiles' and
hashtags' are, from entries of a Status's shape with the item's own title and
summary; the calendar by web/library/calendar.py."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedcity import i18n
from fedcity.api.entities.formats import timestamp
from fedcity.api.entities.statuses import serialize_account
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.i18n import N_
from fedcity.services.library import board, reading, rendering
from fedcity.services.library.reading import ItemView
from fedcity.services.library.summaries import summary_of
from fedcity.storage.models import LibraryItem, LibraryKind
from fedcity.storage.queries.posts import Page
from fedcity.web.feeds import render
from fedcity.web.feeds.syndication import MAX_AGE
from fedcity.web.library import calendar
from fedcity.web.library.board import asked_of
from fedcity.web.library.sections import (
    LIBRARY,
    SECTION_OF,
    asked_filter,
    feed_title,
    section_path,
)
from fedcity.web.templating import page_language

FEED_SIZE = 20
DESCRIPTIONS = {
    LibraryKind.CASE_STUDY: N_(
        "New case studies: what cities tried, what it cost and what came of it."
    ),
    LibraryKind.FUNDING_OPPORTUNITY: N_(
        "New funding opportunities cities can apply for."
    ),
}
DEADLINE = N_("Deadline: {title}")
CALENDAR_NAME = N_("Funding deadlines on {instance}")
APPLY_AT = N_("Apply at {url}")


def entry(view: ItemView, request: web.Request) -> dict[str, Any]:
    """An item as an Atom entry (see web/feeds/render.py)."""
    item, doc = view.item, view.item.document
    kind = LibraryKind(item.kind)
    urls = request.app[FEDERATION].urls
    page = urls.library_item(item.kind, item.id)
    return {
        "uri": item.uri,
        "url": page,
        "title": item.title,
        "summary": summary_of(kind, doc),
        "content": rendering.item_html(kind, doc, page, urls),
        "created_at": timestamp(item.created_at),
        "edited_at": timestamp(item.updated_at),
        "account": serialize_account(view.author, urls),
        "tags": [{"name": tag} for tag in rendering.hashtags_of(doc)],
    }


def _kind_of_feed(request: web.Request) -> LibraryKind:
    return {"case-studies": LibraryKind.CASE_STUDY}.get(
        request.match_info["section"], LibraryKind.FUNDING_OPPORTUNITY
    )


async def atom_feed(request: web.Request) -> web.Response:
    kind = _kind_of_feed(request)
    async with request.app[DB].session() as session:
        views = await reading.list_items(
            session, None, kind, asked_filter(request), Page(limit=FEED_SIZE)
        )
    base = request.app[FEDERATION].urls.base
    language = page_language(request)
    feed = render.Feed(
        title=feed_title(request, kind),
        description=i18n.translate(language, DESCRIPTIONS[kind]),
        page=f"{base}{LIBRARY}?kind={SECTION_OF[kind]}",
        self_url=f"{base}{section_path(kind)}.atom",
    )
    body = render.atom(feed, [entry(view, request) for view in views])
    return _answer(body, "application/atom+xml")


def event(item: LibraryItem, versions: int, request: web.Request) -> calendar.Event:
    """A funding opportunity's deadline as a calendar event."""
    assert item.deadline is not None  # board.deadlines keeps those with one
    doc = item.document
    urls = request.app[FEDERATION].urls
    language = page_language(request)
    summary = summary_of(LibraryKind.FUNDING_OPPORTUNITY, doc)
    if doc.get("url"):
        summary += "\n\n" + i18n.translate(language, APPLY_AT, {"url": doc["url"]})
    return calendar.Event(
        uid=f"{item.uri}#deadline",
        start=item.deadline,
        stamp=item.updated_at or item.created_at,
        created=item.created_at,
        sequence=versions - 1,
        summary=i18n.translate(language, DEADLINE, {"title": item.title}),
        description=summary,
        url=urls.library_item(item.kind, item.id),
        categories=list(item.topics),
    )


async def calendar_feed(request: web.Request) -> web.Response:
    asked = asked_of(request, None)
    async with request.app[DB].session() as session:
        items = await board.deadlines(session, asked.wanted)
        views = await reading.views_of(session, None, items)
    instance = request.app[SETTINGS].instance.name
    name = i18n.translate(page_language(request), CALENDAR_NAME, {"instance": instance})
    body = calendar.calendar(
        name, [event(v.item, v.versions_count, request) for v in views]
    )
    return _answer(body.encode("utf-8"), "text/calendar")


def _answer(body: bytes, content_type: str) -> web.Response:
    response = web.Response(body=body, content_type=content_type, charset="utf-8")
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
