"""The parts of an item's page, made from its document in the page's language:
its facts, its long texts as HTML, its results as before/after bars, its
contacts with their verified offices, its links, and its edit history.

Everything a template prints from here is text (escaped there), except the long
texts, which `text.render_plain_text` escapes and links as a post's text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlencode

from aiohttp import web

from fedcity import text
from fedcity.api.entities.formats import Entity
from fedcity.i18n import N_
from fedcity.services.library import rendering, summaries
from fedcity.services.library.browsing import Contact
from fedcity.services.library.reading import ItemVersion
from fedcity.services.library.summaries import Words
from fedcity.services.library.vocabulary import LABELS
from fedcity.storage.models import LibraryItem, LibraryKind
from fedcity.urls import Urls
from fedcity.web.library.form_spec import FORMS, Field
from fedcity.web.library.sections import LIBRARY, item_path
from fedcity.web.media import account_for_page

LONG_TEXTS: Final = (
    ("problem", N_("Problem")),
    ("approach", N_("Approach")),
    ("lessons_learned", N_("Lessons learned")),
)
# The document's objects by what the history says changed.
OBJECT_LABELS: Final = {
    "jurisdiction": N_("Place"),
    "cost": N_("Cost"),
    "amount": N_("Amount"),
    "funder": N_("Funder"),
    "eligibility": N_("Eligibility"),
}
# At most this many accounts in a direct message from "contact the author".
MAX_MENTIONS: Final = 10


def fact(label: str, *values: tuple[str, str | None]) -> Entity | None:
    """A fact of the item: `label` and its values as (text, link or None);
    None when it has no value."""
    shown = [{"text": t, "href": href} for t, href in values if t]
    return {"label": label, "values": shown} if shown else None


def words(
    say: Words, values: object, kind: LibraryKind, key: str
) -> list[tuple[str, str | None]]:
    """The schemas' words (topics…) by their labels; topics link to the
    library's list of that topic."""
    listed = values if isinstance(values, list) else []
    section = "funding" if kind == LibraryKind.FUNDING_OPPORTUNITY else "case-studies"
    return [
        (
            say(LABELS.get(str(v), str(v))),
            f"{LIBRARY}?{urlencode({'kind': section, key: v})}" if key else None,
        )
        for v in listed
    ]


def word(say: Words, value: object) -> tuple[str, str | None]:
    """One of the schemas' words (a status…) by its label."""
    return (say(LABELS.get(str(value), str(value))), None) if value else ("", None)


def case_study_facts(say: Words, doc: Mapping[str, Any], urls: Urls) -> list[Entity]:
    kind = LibraryKind.CASE_STUDY
    place = doc.get("jurisdiction") or {}
    cost = doc.get("cost")
    dates = rendering.dates_text(say, doc)
    found = [
        fact(
            say(N_("Place")),
            (summaries.place_of(say, place), None),
            (str(place.get("ocd_id") or ""), None),
        ),
        fact(say(N_("Topics")), *words(say, doc.get("topics"), kind, "topic")),
        fact(say(N_("Status")), word(say, doc.get("status"))),
        fact(say(N_("Evidence")), word(say, doc.get("evidence_level"))),
        fact(say(N_("Dates")), (dates, None)),
        fact(
            say(N_("Cost")),
            (say.money(cost.get("amount"), str(cost.get("currency"))), None)
            if isinstance(cost, Mapping)
            else ("", None),
        ),
        fact(
            say(N_("Funding sources")),
            *((str(n), None) for n in doc.get("funding_sources") or ()),
        ),
        fact(say(N_("Partners")), *((str(n), None) for n in doc.get("partners") or ())),
        fact(
            say(N_("Hashtags")),
            *((f"#{t}", urls.tag(t)) for t in rendering.hashtags_of(doc)),
        ),
        fact(say(N_("Language")), (str(doc.get("language") or ""), None)),
        fact(say(N_("License")), (str(doc.get("license") or ""), doc.get("license"))),
    ]
    return [f for f in found if f is not None]


def funding_facts(say: Words, doc: Mapping[str, Any]) -> list[Entity]:
    kind = LibraryKind.FUNDING_OPPORTUNITY
    funder = doc.get("funder") or {}
    amount = doc.get("amount")
    eligibility = doc.get("eligibility") or {}
    match = doc.get("match_required")
    found = [
        fact(say(N_("Funder")), (str(funder.get("name") or ""), funder.get("actor"))),
        fact(
            say(N_("Amount")),
            (
                summaries.amount_span(say, amount)
                if isinstance(amount, Mapping)
                else "",
                None,
            ),
        ),
        fact(say(N_("Deadline")), (rendering.deadline_text(doc), None)),
        fact(say(N_("Status")), word(say, doc.get("status"))),
        fact(
            say(N_("Opportunity number")),
            (str(doc.get("opportunity_number") or ""), None),
        ),
        fact(
            say(N_("Match required")),
            (f"{say.number(match)} %" if match is not None else "", None),
        ),
        fact(
            say(N_("Eligible states")),
            *((str(s), None) for s in eligibility.get("states") or ()),
        ),
        fact(
            say(N_("Eligible populations")),
            (rendering.population_span(say, eligibility), None),
        ),
        fact(
            say(N_("Eligible applicants")),
            *words(say, eligibility.get("applicants"), kind, ""),
        ),
        fact(say(N_("Topics")), *words(say, doc.get("topics"), kind, "topic")),
        fact(say(N_("Apply at")), (str(doc.get("url") or ""), doc.get("url"))),
        fact(say(N_("Language")), (str(doc.get("language") or ""), None)),
    ]
    return [f for f in found if f is not None]


def long_texts(say: Words, doc: Mapping[str, Any], urls: Urls) -> list[Entity]:
    """The problem, approach and lessons learned, as HTML paragraphs."""
    return [
        {
            "key": key,
            "heading": say(heading),
            "html": text.render_plain_text(
                str(doc[key]), mention_url=lambda _ref: None, tag_url=urls.tag
            ),
        }
        for key, heading in LONG_TEXTS
        if doc.get(key)
    ]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def figure(say: Words, value: object, unit: str) -> str:
    """`9 days`; "" without a value."""
    if value is None:
        return ""
    return f"{say.number(value)} {unit}" if unit else say.number(value)


def bars(before: object, after: object) -> list[float] | None:
    """The widths (0 to 100) of a before and an after bar, when both figures
    are numbers (a negative one draws no bar)."""
    if not (_is_number(before) and _is_number(after)):
        return None
    values = [float(before), float(after)]  # type: ignore[arg-type]
    top = max(abs(v) for v in values)
    return [round(100 * max(v, 0) / top, 1) if top else 0.0 for v in values]


def results(say: Words, doc: Mapping[str, Any]) -> list[Entity]:
    """Each result with its figures as text, its bars, and what it did in a
    sentence ("cut pothole repair time from 9 to 2 days")."""
    shown = []
    for result in doc.get("results") or ():
        unit = str(result.get("unit") or "")
        before, after = result.get("before"), result.get("after")
        shown.append(
            {
                "measure": str(result.get("measure", "")),
                "before": figure(say, before, unit),
                "after": figure(say, after, unit),
                "bars": bars(before, after),
                "sentence": summaries.result_of(say, result) or "",
            }
        )
    return shown


def contacts(request: web.Request, found: Sequence[Contact]) -> list[Entity]:
    """Each contact: its handle, and its account (with its verified offices)
    when known here."""
    shown = []
    for contact in found:
        account = account_for_page(request, contact.actor) if contact.actor else None
        shown.append(
            {
                "handle": "@" + contact.handle.lstrip("@"),
                "account": account,
                "offices": verified_offices(account),
            }
        )
    return shown


def verified_offices(account: Entity | None) -> list[Entity]:
    """The offices an Account entity shows as verified today."""
    if account is None:
        return []
    offices = (account.get("fedcity") or {}).get("offices") or []
    return [o for o in offices if o.get("status") == "verified"]


def link(uri: str, known: Mapping[str, LibraryItem]) -> Entity:
    """A link to a case study: its page here (with its title) when it is known
    here, else its address."""
    item = known.get(uri)
    if item is None:
        return {"href": uri, "title": uri}
    return {"href": item_path(item.kind, item.id), "title": item.title}


def history(
    say: Words, kind: LibraryKind, versions: Sequence[ItemVersion]
) -> list[Entity]:
    """The versions of the document, newest first, each with what it changed."""
    labels = key_labels(kind)
    shown = []
    for number, version in enumerate(versions, start=1):
        former = versions[number - 2].document if number > 1 else None
        changed = []
        if former is not None:
            keys = sorted(set(former) | set(version.document), key=list(labels).index)
            changed = [
                say(labels[k])
                for k in keys
                if k in labels and former.get(k) != version.document.get(k)
            ]
        shown.append(
            {
                "number": number,
                "written_at": version.written_at,
                "current": version.current,
                "title": str(version.document.get("title", "")),
                "changed": changed,
            }
        )
    return list(reversed(shown))


def key_labels(kind: LibraryKind) -> dict[str, str]:
    """The label of each top-level field of the document, in the form's order."""
    found: dict[str, str] = {}
    for section in FORMS[kind]:
        for part in section.parts:
            key = part.name.split(".")[0]
            label = OBJECT_LABELS.get(key) or (
                part.label if isinstance(part, Field) else part.legend
            )
            found.setdefault(key, label)
    return found


def contact_link(author_acct: str, found: Sequence[Contact]) -> str:
    """/compose with a direct message to the author and the item's contacts."""
    handles = [author_acct, *(c.handle.lstrip("@") for c in found)]
    unique = list(dict.fromkeys(h for h in handles if h))[:MAX_MENTIONS]
    query = [("mention", h) for h in unique] + [("visibility", "direct")]
    return "/compose?" + urlencode(query)
