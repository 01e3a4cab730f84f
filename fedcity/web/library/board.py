"""/library/funding: the funding board. Open funding opportunities, the soonest
deadline first, 20 a page (`?page=N`); closed and past ones with
`?include_closed=1`. The eligibility filter is the viewer's own: the
jurisdiction of the signed-in account's verified office (state, population),
unless the form asks otherwise (`?state=`, `?population=`, `?all=1` for every
place). Each opportunity says who is applying (here and on the instances this
one follows), with the "I'm applying" form and "contact the author".

POST /library/funding/ID/applying (`applying` 1 or 0, `next`): mark or unmark,
then 303 back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from fedcity.appkeys import DB
from fedcity.i18n import N_
from fedcity.services.library import applying, board, rendering, summaries, vocabulary
from fedcity.services.library.board import BoardFilter, Place
from fedcity.services.library.reading import ItemView
from fedcity.services.library.summaries import Words
from fedcity.services.offices.vocabulary import STATES
from fedcity.storage.models import Actor, LibraryKind
from fedcity.web.accounts.guard import signed_in_or_redirect
from fedcity.web.forms import read_form, safe_next
from fedcity.web.groups.group_page import page_number
from fedcity.web.library.browse import card
from fedcity.web.library.item_parts import contact_link
from fedcity.web.library.sections import BOARD, atom_links, item_id_of, item_path
from fedcity.web.media import account_for_page
from fedcity.web.sessions import viewer
from fedcity.web.statuses.compose import account_of
from fedcity.web.templating import page_language, render

BAD_POPULATION = N_("Enter the population as a whole number, such as 7600")
MAX_POPULATION = 10**10


@dataclass(frozen=True)
class Asked:
    """The board's filter as asked, and where its place came from."""

    wanted: BoardFilter
    office: str  # the name of the viewer's office's jurisdiction, when used
    error: str  # an untranslated message about the population typed


def _population(text: str) -> tuple[int | None, str]:
    text = text.strip().replace(",", "")
    if not text:
        return None, ""
    if not text.isdigit() or int(text) > MAX_POPULATION:
        return None, BAD_POPULATION
    return int(text), ""


def asked_of(request: web.Request, me: Actor | None) -> Asked:
    """The filter of the query; without one, the viewer's office's place."""
    query = request.query
    topic = query.get("topic") or None
    topic = topic if topic in vocabulary.TOPICS else None
    closed = query.get("include_closed") == "1"
    chosen = any(key in query for key in ("state", "population", "all"))
    office = board.office_place(me) if me is not None and not chosen else None
    if office is not None:
        return Asked(BoardFilter(topic, office.place, closed), office.name, "")
    state = (query.get("state") or "").upper()
    population, error = _population(query.get("population", ""))
    place = Place(state=state if state in STATES else None, population=population)
    return Asked(BoardFilter(topic, place, closed), "", error)


def feed_query(wanted: BoardFilter) -> str:
    """The board's filter as the calendar feed's query (explicit: a calendar
    app has no cookie to find an office by)."""
    query = {
        "topic": wanted.topic,
        "state": wanted.place.state,
        "population": str(wanted.place.population)
        if wanted.place.population is not None
        else None,
        "include_closed": "1" if wanted.include_closed else None,
    }
    kept = {k: v for k, v in query.items() if v}
    return f"?{urlencode(kept)}" if kept else ""


def board_entry(
    request: web.Request, view: ItemView, applicants: list[Actor], say: Words
) -> dict[str, Any]:
    """An opportunity as the board shows it (a card, and its money, deadline,
    eligibility and applicants)."""
    entry = card(request, view)
    doc = view.item.document
    eligibility = doc.get("eligibility") or {}
    amount = doc.get("amount")
    entry.update(
        {
            "funder": str((doc.get("funder") or {}).get("name", "")),
            "amount": summaries.amount_span(say, amount) if amount else "",
            "deadline_text": rendering.deadline_text(doc),
            "status": say(vocabulary.LABELS[doc["status"]])
            if doc.get("status")
            else "",
            "states": list(eligibility.get("states") or ()),
            "populations": rendering.population_span(say, eligibility),
            "apply_url": doc.get("url"),
            "open": applying.takes_applicants(view.item),
            "applying": view.applying,
            "applicants_count": view.applicants_count,
            "applicants": [account_for_page(request, a) for a in applicants],
            "contact_url": contact_link(
                account_for_page(request, view.author)["acct"], []
            ),
        }
    )
    return entry


def pages(request: web.Request, page: int, more: bool) -> tuple[str, str]:
    """The links to the newer and older pages of the board ("" for none)."""
    query = {k: v for k, v in request.query.items() if k != "page"}

    def at(number: int) -> str:
        return f"{BOARD}?{urlencode({**query, 'page': str(number)})}"

    return (at(page - 1) if page > 1 else "", at(page + 1) if more else "")


async def board_page(request: web.Request) -> web.Response:
    signed = viewer(request)
    me = signed.actor if signed else None
    asked = asked_of(request, me)
    page = page_number(request)
    async with request.app[DB].session() as session:
        found = await board.board(session, me, asked.wanted, page=page)
    language = page_language(request)
    say = Words(language)
    wanted = asked.wanted
    newer, older = pages(request, page, found.more)
    typed = request.query.get("population", "")
    context = {
        "entries": [
            board_entry(request, v, found.applicants[v.item.id], say)
            for v in found.views
        ],
        "topics": [(t, say(vocabulary.LABELS[t])) for t in vocabulary.TOPICS],
        "states": sorted(STATES),
        "wanted": wanted,
        "population": typed if asked.error else str(wanted.place.population or ""),
        "office": asked.office,
        "errors": {"population": say(asked.error)} if asked.error else {},
        "calendar": f"{BOARD}.ics{feed_query(wanted)}",
        "newer": newer,
        "older": older,
        "alternates": atom_links(request, LibraryKind.FUNDING_OPPORTUNITY),
    }
    return await render(request, "library/board.html", context)


async def mark(request: web.Request) -> web.StreamResponse:
    """POST: "I'm applying" (`applying=1`) or no longer (`applying=0`); back to
    the item's page (with its notice) or to the opportunity on the board."""
    signed = signed_in_or_redirect(request)
    item_id = item_id_of(request)
    form = await read_form(request)
    marking = form.get("applying") == "1"
    async with request.app[DB].session() as session:
        me = await account_of(session, signed)
        if marking:
            await applying.mark_applying(session, me, item_id)
        else:
            await applying.unmark_applying(session, me, item_id)
    page = item_path(LibraryKind.FUNDING_OPPORTUNITY, item_id)
    back = safe_next(form.get("next"), page)
    if back == page:
        back += "?done=" + ("applying" if marking else "not_applying")
    else:
        back += f"#item-{item_id}"
    raise web.HTTPSeeOther(back)
