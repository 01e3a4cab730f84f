"""/library/search: the library's search page (issue 14, docs/library.md
"Search"), for people in a browser.

A GET form with every filter of `/api/v1/fedcity/search` and the "verified
officials only" switch, and the items found, each linking to its page. The same
service as the API (services.library.search): a wrong value comes back beside
its field with the reason (422), the values kept. With words the results go best
first and the pages are counted (`?offset=`); without, newest first
(`?max_id=`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from fedcity import i18n
from fedcity.appkeys import DB, FEDERATION
from fedcity.errors import Unprocessable
from fedcity.i18n import N_
from fedcity.ids import parse_id
from fedcity.services.library import vocabulary
from fedcity.services.library.reading import ItemView
from fedcity.services.library.search import (
    PARAMETERS,
    STATUSES,
    ParameterInvalid,
    parse_search,
    search_library,
)
from fedcity.services.library.summaries import summary_of
from fedcity.services.offices.status import actor_views
from fedcity.services.offices.vocabulary import STATES
from fedcity.storage.models import LibraryKind
from fedcity.storage.queries.posts import Page
from fedcity.web.sessions import viewer
from fedcity.web.templating import page_language, render

PATH = "/library/search"
PER_PAGE = 20
KINDS = {
    LibraryKind.CASE_STUDY: N_("Case study"),
    LibraryKind.FUNDING_OPPORTUNITY: N_("Funding opportunity"),
}


async def library_search_page(request: web.Request) -> web.Response:
    values = {k: request.query.get(k, "").strip() for k in PARAMETERS}
    language = page_language(request)
    context: dict[str, Any] = {
        "values": values,
        "choices": _choices(language),
        "errors": {},
        "searched": any(values.values()),
        "results": [],
    }
    try:
        asked = parse_search(values)
    except Unprocessable as refused:
        name = refused.field if isinstance(refused, ParameterInvalid) else "q"
        context["errors"] = {name: refused.localized(language)}
        return await render(
            request, "discovery/library_search.html", context, status=422
        )
    offset = _offset(request) if asked.ranked else 0
    page = Page(max_id=parse_id(request.query.get("max_id")), limit=PER_PAGE)
    if not context["searched"]:
        return await render(request, "discovery/library_search.html", context)
    signed = viewer(request)
    async with request.app[DB].session() as session:
        views = await search_library(
            session, signed.actor if signed else None, asked, page, offset
        )
    context.update(
        results=[_result(request, v, language) for v in views],
        first=offset + 1,
        **_pager(values, asked.ranked, offset, views),
    )
    return await render(request, "discovery/library_search.html", context)


def _offset(request: web.Request) -> int:
    value = request.query.get("offset", "")
    return min(int(value), 10_000) if value.isascii() and value.isdigit() else 0


def _pager(
    values: dict[str, str], ranked: bool, offset: int, views: list[ItemView]
) -> dict[str, str]:
    """Links to the next and previous pages, keeping the search."""
    kept = {k: v for k, v in values.items() if v}

    def link(**at: int) -> str:
        return f"{PATH}?{urlencode({**kept, **at})}"

    full = len(views) == PER_PAGE
    if ranked:
        return {
            "previous": link(offset=max(0, offset - PER_PAGE)) if offset else "",
            "next": link(offset=offset + PER_PAGE) if full else "",
        }
    return {"previous": "", "next": link(max_id=views[-1].item.id) if full else ""}


def _result(request: web.Request, view: ItemView, language: str) -> dict[str, Any]:
    """An item as the results list shows it."""
    item, author = view.item, view.author
    kind = LibraryKind(item.kind)
    place = item.document.get("jurisdiction") or {}
    offices = [v for v in actor_views(author) if v.status == "verified"]
    return {
        "url": request.app[FEDERATION].urls.library_item(kind, item.id),
        "title": item.title,
        "kind": i18n.translate(language, KINDS[kind]),
        "summary": summary_of(kind, item.document),
        "place": ", ".join(
            str(p) for p in (place.get("name"), place.get("state")) if p
        ),
        "topics": [
            i18n.translate(language, vocabulary.LABELS.get(t, t)) for t in item.topics
        ],
        "author": author.display_name or author.username,
        "handle": author.username + (f"@{author.domain}" if author.domain else ""),
        "office": offices[0].title if offices else "",
        "origin": item.origin if not author.is_local else "",
        "created_at": item.created_at.isoformat(),
    }


def _choices(language: str) -> dict[str, list[tuple[str, str]]]:
    def words(values: tuple[str, ...], anything: str) -> list[tuple[str, str]]:
        label = i18n.translate
        return [
            ("", label(language, anything)),
            *((v, label(language, vocabulary.LABELS.get(v, v))) for v in values),
        ]

    return {
        "type": [
            ("", i18n.translate(language, N_("Both kinds"))),
            *((k.value, i18n.translate(language, label)) for k, label in KINDS.items()),
        ],
        "topic": words(vocabulary.TOPICS, N_("Any topic")),
        "status": words(STATUSES, N_("Any status")),
        "evidence_level": words(vocabulary.EVIDENCE_LEVELS, N_("Any evidence")),
        "state": [
            ("", i18n.translate(language, N_("Any state"))),
            *((s, s) for s in sorted(STATES)),
        ],
    }


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH, library_search_page)
