"""/library: the library's items of one kind (`?kind=case-studies`, the default,
or `funding`), newest first, 20 a page (`?max_id=`), by topic and by state
(`?topic=`, `?state=`: links with how many items each has), and a link to the
search page. Funding opportunities that are closed or past their deadline are
left out here (the funding board can show them)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from fedcity import i18n
from fedcity.appkeys import DB
from fedcity.i18n import N_
from fedcity.ids import parse_id
from fedcity.services.library import browsing, reading, vocabulary
from fedcity.services.library.reading import ItemView
from fedcity.services.library.summaries import summary_of
from fedcity.storage.models import LibraryKind
from fedcity.storage.queries.library import ItemFilter
from fedcity.storage.queries.posts import Page
from fedcity.web.accounts.guard import ADMIN_ROLES
from fedcity.web.library.item_parts import verified_offices
from fedcity.web.library.sections import (
    LIBRARY,
    SECTION_OF,
    SECTIONS,
    asked_filter,
    atom_links,
    item_path,
)
from fedcity.web.media import account_for_page
from fedcity.web.sessions import viewer
from fedcity.web.templating import page_language, render

PER_PAGE = 20
NOTICES = {"withdrawn": N_("The item is withdrawn.")}


def card(request: web.Request, view: ItemView) -> dict[str, Any]:
    """An item as a list shows it."""
    item = view.item
    kind = LibraryKind(item.kind)
    language = page_language(request)
    account = account_for_page(request, view.author)
    offices = verified_offices(account)
    return {
        "id": item.id,
        "path": item_path(kind, item.id),
        "title": item.title,
        "summary": summary_of(kind, item.document),
        "author_name": account["display_name"] or account["username"],
        "verified": offices[0]["title"] if offices else "",
        "created_at": item.created_at,
        "remote": not view.author.is_local,
        "origin": item.origin,
        "topics": [
            i18n.translate(language, vocabulary.LABELS.get(t, t)) for t in item.topics
        ],
    }


def _link(section: str, asked: ItemFilter, **changes: str | None) -> str:
    query = {"kind": section, "topic": asked.topic, "state": asked.state, **changes}
    kept = {k: v for k, v in query.items() if v}
    return f"{LIBRARY}?{urlencode(kept)}"


async def library_page(request: web.Request) -> web.Response:
    section = request.query.get("kind", "case-studies")
    kind = SECTIONS.get(section, LibraryKind.CASE_STUDY)
    section = SECTION_OF[kind]
    asked = asked_filter(request)
    page = Page(max_id=parse_id(request.query.get("max_id")), limit=PER_PAGE)
    signed = viewer(request)
    me = signed.actor if signed else None
    async with request.app[DB].session() as session:
        views = await reading.list_items(session, me, kind, asked, page)
        counts = await browsing.facets(session, me, kind, asked)
        totals = await browsing.kind_totals(session, me)
    language = page_language(request)
    context = {
        "kind": kind.value,
        "section": section,
        "cards": [card(request, view) for view in views],
        "asked": asked,
        "totals": {SECTION_OF[k]: n for k, n in totals.items()},
        "total": counts.total,
        "topics": [
            {
                "label": i18n.translate(language, vocabulary.LABELS[t]),
                "count": counts.topics.get(t, 0),
                "href": _link(section, asked, topic=t),
                "current": asked.topic == t,
            }
            for t in vocabulary.TOPICS
            if counts.topics.get(t) or asked.topic == t
        ],
        "states": [
            {
                "label": s,
                "count": n,
                "href": _link(section, asked, state=s),
                "current": asked.state == s,
            }
            for s, n in sorted(counts.states.items())
        ],
        "any_topic": _link(section, asked, topic=None),
        "any_state": _link(section, asked, state=None),
        "older": (
            _link(section, asked, max_id=str(views[-1].item.id))
            if len(views) == PER_PAGE
            else ""
        ),
        "newer": _link(section, asked) if page.max_id else "",
        "may_publish": signed is not None
        and browsing.may_publish(signed.actor, admin=signed.user.role in ADMIN_ROLES),
        "notice": i18n.translate(language, NOTICES[done])
        if (done := request.query.get("done", "")) in NOTICES
        else "",
        "alternates": atom_links(request, kind),
    }
    return await render(request, "library/library.html", context)
