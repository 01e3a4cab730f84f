"""The library's paths: `/library/case-studies/ID` and `/library/funding/ID`
(urls.library_item), and the pages under them."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from fedcity import i18n
from fedcity.appkeys import SETTINGS
from fedcity.i18n import N_
from fedcity.ids import require_id
from fedcity.services.library import vocabulary
from fedcity.services.offices.vocabulary import STATES
from fedcity.storage.models import LibraryKind
from fedcity.storage.queries.library import ItemFilter
from fedcity.web.templating import page_language

LIBRARY: Final = "/library"
SEARCH: Final = "/library/search"  # the search page (its own module registers it)
BOARD: Final = "/library/funding"
SECTIONS: Final = {
    "case-studies": LibraryKind.CASE_STUDY,
    "funding": LibraryKind.FUNDING_OPPORTUNITY,
}
SECTION_OF: Final = {kind: section for section, kind in SECTIONS.items()}
# The path pattern of a section, for routes.
SECTION_PATTERN: Final = "{section:case-studies|funding}"
FEED_TITLES: Final = {
    LibraryKind.CASE_STUDY: N_("Case studies on {instance}"),
    LibraryKind.FUNDING_OPPORTUNITY: N_("Funding opportunities on {instance}"),
}
ITEM_PATTERN: Final = f"/library/{SECTION_PATTERN}/{{item_id:[0-9]{{1,19}}}}"


def section_path(kind: LibraryKind) -> str:
    """`/library/case-studies` or `/library/funding`."""
    return f"{LIBRARY}/{SECTION_OF[kind]}"


def item_path(kind: LibraryKind | str, item_id: int) -> str:
    """An item's page here."""
    return f"{section_path(LibraryKind(kind))}/{item_id}"


def kind_of(request: web.Request) -> LibraryKind:
    return SECTIONS[request.match_info["section"]]


def item_id_of(request: web.Request) -> int:
    return require_id(request.match_info["item_id"])


def asked_filter(request: web.Request) -> ItemFilter:
    """The topic and state asked for, when they are words of the lists."""
    topic = request.query.get("topic") or None
    state = (request.query.get("state") or "").upper() or None
    return ItemFilter(
        topic=topic if topic in vocabulary.TOPICS else None,
        state=state if state in STATES else None,
    )


def feed_title(request: web.Request, kind: LibraryKind) -> str:
    instance = request.app[SETTINGS].instance.name
    return i18n.translate(
        page_language(request), FEED_TITLES[kind], {"instance": instance}
    )


def atom_links(request: web.Request, kind: LibraryKind) -> list[dict[str, str]]:
    """The `alternates` of a page whose feed is `kind`'s Atom feed."""
    return [
        {
            "type": "application/atom+xml",
            "href": f"{section_path(kind)}.atom",
            "title": feed_title(request, kind),
        }
    ]
