"""An item's summary: the author's, or one generated from its fields when it has
none. The summary is all that Mastodon shows of an `Article` besides its title
and link, so a generated one is one self-contained paragraph of at most 500
characters saying the place, the result and the cost ("Ojai, CA (pop. 7,600) cut
pothole repair time from 9 to 2 days for $42,000.").

Generated text is in the item's own language when fedcity has a catalogue for
it (the templates below are translated like any message), else in English;
numbers and amounts are written the way that language writes them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal

from fedcity import i18n
from fedcity.i18n import N_
from fedcity.storage.models import LibraryKind

MAX_SUMMARY: Final = 500
EN_DASH: Final = "\u2013"  # between the ends of a range


def summary_of(kind: LibraryKind, doc: Mapping[str, Any]) -> str:
    """The author's summary, or the generated one."""
    given = doc.get("summary")
    if isinstance(given, str) and given.strip():
        return given.strip()
    return generated_summary(kind, doc)


def is_generated(doc: Mapping[str, Any]) -> bool:
    """Whether `summary_of` generates the document's summary."""
    given = doc.get("summary")
    return not (isinstance(given, str) and given.strip())


def generated_summary(kind: LibraryKind, doc: Mapping[str, Any]) -> str:
    """One paragraph from the fields, at most MAX_SUMMARY characters."""
    say = Words(doc.get("language"))
    if kind == LibraryKind.CASE_STUDY:
        text = _case_study(say, doc)
    else:
        text = _funding(say, doc)
    return shorten(text, MAX_SUMMARY)


class Words:
    """Messages and numbers in one language (an item's `language`)."""

    def __init__(self, language: object) -> None:
        tag = language if isinstance(language, str) and language else "en"
        self.language = tag.split("-")[0].lower()
        try:
            self.locale = Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            self.locale = Locale.parse("en")

    def __call__(self, message: str, **params: object) -> str:
        return i18n.translate(self.language, message, params)

    def number(self, value: object) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_decimal(value, locale=self.locale)
        return str(value)

    def money(self, amount: object, currency: str) -> str:
        """`$42,000`: whole amounts without cents."""
        if not isinstance(amount, int | float) or isinstance(amount, bool):
            return f"{amount} {currency}"
        pattern = self.locale.currency_formats["standard"].pattern
        if float(amount).is_integer():
            pattern = pattern.replace(".00", "")
        return format_currency(
            amount, currency, format=pattern, locale=self.locale, currency_digits=False
        )


def place_of(say: Words, place: Mapping[str, Any]) -> str:
    """`Ojai, CA (pop. 7,600)`."""
    name = f"{place.get('name', '')}, {place.get('state', '')}"
    population = place.get("population")
    if population is None:
        return name
    return say(
        N_("{place} (pop. {population})"),
        place=name,
        population=say.number(population),
    )


def result_of(say: Words, result: Mapping[str, Any]) -> str | None:
    """`cut pothole repair time from 9 to 2 days`; None without before and after."""
    before, after = result.get("before"), result.get("after")
    if before is None or after is None:
        return None
    unit = str(result.get("unit") or "")
    values = {
        "measure": result.get("measure", ""),
        "before": say.number(before),
        "after": say.number(after),
        "unit": f" {unit}" if unit else "",
    }
    numeric = all(isinstance(v, int | float) for v in (before, after))
    if numeric and after < before:
        return say(N_("cut {measure} from {before} to {after}{unit}"), **values)
    if numeric and after > before:
        return say(N_("raised {measure} from {before} to {after}{unit}"), **values)
    return say(N_("took {measure} from {before} to {after}{unit}"), **values)


def _case_study(say: Words, doc: Mapping[str, Any]) -> str:
    place = place_of(say, doc.get("jurisdiction") or {})
    results = [r for r in doc.get("results") or () if isinstance(r, Mapping)]
    outcome = next(filter(None, (result_of(say, r) for r in results)), None)
    if outcome is None:
        sentence = say(N_("{place}: {title}"), place=place, title=doc.get("title", ""))
    else:
        sentence = f"{place} {outcome}"
    cost = doc.get("cost")
    if isinstance(cost, Mapping):
        money = say.money(cost.get("amount"), str(cost.get("currency", "")))
        sentence = say(N_("{sentence} for {cost}"), sentence=sentence, cost=money)
    if doc.get("status") == "abandoned":
        sentence = say(N_("{sentence} (abandoned)"), sentence=sentence)
    return f"{sentence}."


def _funding(say: Words, doc: Mapping[str, Any]) -> str:
    funder = (doc.get("funder") or {}).get("name", "")
    sentence = say(
        N_("{funder} offers {title}"), funder=funder, title=doc.get("title", "")
    )
    amount = doc.get("amount")
    if isinstance(amount, Mapping):
        span = amount_span(say, amount)
        if span:
            sentence = say(N_("{sentence}: {amount}"), sentence=sentence, amount=span)
    deadline = doc.get("deadline")
    if isinstance(deadline, str):
        sentence = say(
            N_("{sentence}, apply by {deadline}"),
            sentence=sentence,
            deadline=deadline_day(deadline),
        )
    return f"{sentence}."


def amount_span(say: Words, amount: Mapping[str, Any]) -> str:
    """`$10,000 to $250,000` (with an en dash), `up to $250,000`, `from $10,000`; "" without either."""
    currency = str(amount.get("currency", ""))
    low, high = amount.get("min"), amount.get("max")
    if low is not None and high is not None:
        return f"{say.money(low, currency)} {EN_DASH} {say.money(high, currency)}"
    if high is not None:
        return say(N_("up to {amount}"), amount=say.money(high, currency))
    if low is not None:
        return say(N_("from {amount}"), amount=say.money(low, currency))
    return ""


def deadline_day(deadline: str) -> str:
    """The day of an RFC 3339 deadline, as written in its own offset."""
    try:
        return datetime.fromisoformat(deadline).date().isoformat()
    except ValueError:
        return deadline


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to fit `limit` characters, with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
