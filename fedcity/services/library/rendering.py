"""The readable HTML of an item: every part of its document, escaped, as the
content of its post (what timelines, Mastodon apps and other servers show, and
what status search matches).

It opens with what Mastodon shows of an `Article` (the title, the summary and a
link to the item's page), then the facts as a list, the long texts under
headings, the results as a table, and contacts, attachments, related items and
the license. Labels are in the item's language when fedcity has a catalogue
for it (`summaries.Words`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from fedcity import text
from fedcity.i18n import N_
from fedcity.services.library import summaries, validation
from fedcity.services.library.summaries import EN_DASH, Words
from fedcity.services.library.vocabulary import LABELS
from fedcity.storage.models import LibraryKind
from fedcity.urls import Urls


def item_html(
    kind: LibraryKind, doc: Mapping[str, Any], page_url: str | None, urls: Urls
) -> str:
    """The whole item as HTML (see the module docstring)."""
    say = Words(doc.get("language"))
    parts = [
        f"<h2>{escape(str(doc.get('title', '')))}</h2>",
        f"<p>{escape(summaries.summary_of(kind, doc))}</p>",
    ]
    if page_url:
        parts.append(f"<p>{link(page_url)}</p>")
    body = _case_study if kind == LibraryKind.CASE_STUDY else _funding
    parts.extend(body(say, doc, urls))
    tags = hashtags_of(doc)
    if tags:
        parts.append(f"<p>{' '.join(_hashtag(t, urls) for t in tags)}</p>")
    return "".join(parts)


def hashtags_of(doc: Mapping[str, Any]) -> list[str]:
    """The item's hashtags: its own, then those its texts use (normalised)."""
    own = [text.normalize_hashtag(t.lstrip("#")) for t in doc.get("hashtags") or ()]
    written = [
        tag
        for key in ("problem", "approach", "lessons_learned")
        for tag in text.extract_hashtags(str(doc.get(key) or ""))
    ]
    return list(dict.fromkeys([*own, *written]))


def link(url: str, label: str | None = None) -> str:
    href = escape(url)
    return f'<a href="{href}">{escape(label) if label else href}</a>'


def _hashtag(name: str, urls: Urls) -> str:
    return (
        f'<a href="{escape(urls.tag(name))}" class="mention hashtag" rel="tag">'
        f"#<span>{escape(name)}</span></a>"
    )


def _facts(rows: Iterable[tuple[str, str | None]]) -> str:
    """`<ul>` of "Label: value" (values already HTML); empty values left out."""
    items = [
        f"<li><strong>{escape(label)}:</strong> {value}</li>"
        for label, value in rows
        if value
    ]
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _words(say: Words, values: object) -> str:
    """A list of the schemas' words (topics, applicants…) by their labels."""
    names = values if isinstance(values, list) else []
    return escape(", ".join(say(LABELS.get(str(v), str(v))) for v in names))


def _word(say: Words, value: object) -> str | None:
    return escape(say(LABELS.get(str(value), str(value)))) if value else None


def _plain(values: object) -> str:
    return escape(", ".join(str(v) for v in values)) if isinstance(values, list) else ""


def _section(say: Words, heading: str, body: str) -> str:
    return f"<h3>{escape(say(heading))}</h3>{body}" if body else ""


def _prose(doc: Mapping[str, Any], key: str, urls: Urls) -> str:
    return text.render_plain_text(
        str(doc.get(key) or ""), mention_url=lambda _ref: None, tag_url=urls.tag
    )


def _case_study(say: Words, doc: Mapping[str, Any], urls: Urls) -> Iterator[str]:
    place = summaries.place_of(say, doc.get("jurisdiction") or {})
    cost = doc.get("cost")
    yield _facts(
        [
            (say(N_("Place")), escape(place)),
            (say(N_("Topics")), _words(say, doc.get("topics"))),
            (say(N_("Status")), _word(say, doc.get("status"))),
            (say(N_("Evidence")), _word(say, doc.get("evidence_level"))),
            (say(N_("Dates")), escape(dates_text(say, doc))),
            (
                say(N_("Cost")),
                escape(say.money(cost.get("amount"), str(cost.get("currency"))))
                if isinstance(cost, Mapping)
                else None,
            ),
            (say(N_("Funding sources")), _plain(doc.get("funding_sources"))),
            (say(N_("Partners")), _plain(doc.get("partners"))),
        ]
    )
    yield _section(say, N_("Problem"), _prose(doc, "problem", urls))
    yield _section(say, N_("Approach"), _prose(doc, "approach", urls))
    yield _section(say, N_("Results"), _results_table(say, doc.get("results") or []))
    yield _section(say, N_("Lessons learned"), _prose(doc, "lessons_learned", urls))
    yield from _people_and_links(say, doc)


def dates_text(say: Words, doc: Mapping[str, Any]) -> str:
    start, end = doc.get("start_date"), doc.get("end_date")
    if start and end:
        return f"{start} {EN_DASH} {end}"
    if start:
        return say(N_("from {day}"), day=start)
    return say(N_("until {day}"), day=end) if end else ""


def _results_table(say: Words, results: Sequence[Mapping[str, Any]]) -> str:
    if not results:
        return ""
    head = "".join(
        f"<th>{escape(say(h))}</th>"
        for h in (N_("Measure"), N_("Before"), N_("After"), N_("Unit"))
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(say.number(r[key]) if r.get(key) is not None else '')}</td>"
            for key in ("measure", "before", "after", "unit")
        )
        + "</tr>"
        for r in results
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _people_and_links(say: Words, doc: Mapping[str, Any]) -> Iterator[str]:
    contacts = [f"<li>{escape(str(c))}</li>" for c in doc.get("contacts") or ()]
    yield _section(
        say, N_("Contacts"), f"<ul>{''.join(contacts)}</ul>" if contacts else ""
    )
    files = [
        f"<li>{link(str(a['url']), str(a['name']))}"
        + (f" ({escape(str(a['media_type']))})" if a.get("media_type") else "")
        + "</li>"
        for a in doc.get("attachments") or ()
    ]
    yield _section(
        say, N_("Attachments"), f"<ul>{''.join(files)}</ul>" if files else ""
    )
    related = [f"<li>{link(str(u))}</li>" for u in doc.get("related") or ()]
    yield _facts(
        [
            (
                say(N_("Adapted from")),
                link(doc["adapted_from"]) if doc.get("adapted_from") else None,
            ),
            (say(N_("Related")), f"<ul>{''.join(related)}</ul>" if related else None),
            (say(N_("License")), link(doc["license"]) if doc.get("license") else None),
        ]
    )


def _funding(say: Words, doc: Mapping[str, Any], urls: Urls) -> Iterator[str]:
    funder = doc.get("funder") or {}
    name = str(funder.get("name", ""))
    eligibility = doc.get("eligibility") or {}
    amount = doc.get("amount")
    yield _facts(
        [
            (
                say(N_("Funder")),
                link(funder["actor"], name) if funder.get("actor") else escape(name),
            ),
            (
                say(N_("Amount")),
                escape(summaries.amount_span(say, amount))
                if isinstance(amount, Mapping)
                else None,
            ),
            (say(N_("Deadline")), escape(deadline_text(doc))),
            (say(N_("Status")), _word(say, doc.get("status"))),
            (
                say(N_("Opportunity number")),
                escape(str(doc.get("opportunity_number") or "")),
            ),
            (
                say(N_("Match required")),
                f"{escape(say.number(doc['match_required']))}%"
                if doc.get("match_required") is not None
                else None,
            ),
            (say(N_("Eligible states")), _plain(eligibility.get("states"))),
            (
                say(N_("Eligible populations")),
                escape(population_span(say, eligibility)),
            ),
            (
                say(N_("Eligible applicants")),
                _words(say, eligibility.get("applicants")),
            ),
            (say(N_("Topics")), _words(say, doc.get("topics"))),
            (say(N_("Apply at")), link(doc["url"]) if doc.get("url") else None),
        ]
    )
    contacts = [f"<li>{escape(str(c))}</li>" for c in doc.get("contacts") or ()]
    yield _section(
        say, N_("Contacts"), f"<ul>{''.join(contacts)}</ul>" if contacts else ""
    )


def deadline_text(doc: Mapping[str, Any]) -> str:
    """`2027-03-01 17:00 America/Los_Angeles`: the deadline in the item's time
    zone (else at its own offset, `2027-03-01 17:00 -08:00`); "" without one."""
    deadline = doc.get("deadline")
    moment = validation.parse_deadline(deadline) if isinstance(deadline, str) else None
    if moment is None:
        return ""
    zone = doc.get("timezone")
    if isinstance(zone, str) and validation.zone_exists(zone):
        return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"
    return f"{moment:%Y-%m-%d %H:%M} {_offset(moment)}"


def _offset(moment: datetime) -> str:
    text = moment.strftime("%z")  # +0000
    return "UTC" if text in ("+0000", "") else f"{text[:3]}:{text[3:]}"


def population_span(say: Words, eligibility: Mapping[str, Any]) -> str:
    low, high = eligibility.get("population_min"), eligibility.get("population_max")
    if low is not None and high is not None:
        return f"{say.number(low)} {EN_DASH} {say.number(high)}"
    if high is not None:
        return say(N_("up to {amount}"), amount=say.number(high))
    return say(N_("from {amount}"), amount=say.number(low)) if low is not None else ""
