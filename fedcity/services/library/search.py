"""Searching the library (issue 14, docs/library.md "Search"): every item this
instance knows, local and remote, that may be found (not withdrawn, indexable),
by words and by filters.

`parse_search` reads the parameters as the API and the web's search form send
them (strings) and refuses a wrong one with its reason; `search_library` runs
the search and returns the items as they are shown (`reading.views_of`). The
words and the ranking are the database's full-text search
(storage/queries/library/search.py); the "verified officials only" filter keeps
items whose author holds an office that reads as verified today, the rule of
services/offices (`listing.verified_now`, decided in the query).

Funding opportunities that are closed or past their deadline are left out, as
the lists leave them out, unless asked for (`include_closed`, or a `status`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any, Final

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.i18n import N_
from fedcity.services.library import vocabulary
from fedcity.services.library.reading import ItemView, views_of
from fedcity.services.library.validation import parse_deadline
from fedcity.services.limits import MAX_SEARCH_QUERY, check_length
from fedcity.services.offices.listing import verified_now
from fedcity.storage.fulltext import Words
from fedcity.storage.models import Actor, LibraryItem, LibraryKind, OfficeListing
from fedcity.storage.queries.library import Search, SearchFilter, search_items
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow

# Every parameter a search takes besides paging, in the order forms show them.
PARAMETERS: Final = (
    "q", "type", "topic", "state", "ocd_id", "population_min", "population_max",
    "status", "evidence_level", "cost_max", "deadline_after", "origin",
    "verified", "include_closed",
)  # fmt: skip
STATUSES: Final = tuple(
    dict.fromkeys((*vocabulary.CASE_STUDY_STATUSES, *vocabulary.FUNDING_STATUSES))
)
_STATE: Final = re.compile(r"[A-Z]{2}")
_OCD_ID: Final = re.compile(r"ocd-division/country:[a-z]{2}(/[a-z_]+:[a-z0-9_.~-]+)*")
_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLAUSE: Final = re.compile(r'"([^"]*)"?|([^\s"]+)')
_QUOTES: Final = re.compile(r"[“”„«»]")
_TRUE: Final = frozenset({"true", "1", "on", "yes"})
_FALSE: Final = frozenset({"false", "0", "off", "no", ""})

NOT_ONE_OF = N_("{name} {value!r} is not one of {choices}")
BAD_STATE = N_("state must be a two-letter code such as CA, not {value!r}")
BAD_OCD_ID = N_(
    "ocd_id must be an OCD division id such as "
    "ocd-division/country:us/state:ca, not {value!r}"
)
BAD_COUNT = N_("{name} must be a whole number of at least 0, not {value!r}")
BAD_AMOUNT = N_("{name} must be a number of at least 0, not {value!r}")
BAD_RANGE = N_("population_min must not be above population_max")
BAD_MOMENT = N_(
    "deadline_after must be a date (2027-03-01) or a moment with its offset "
    "(2027-03-01T17:00:00-08:00), not {value!r}"
)
BAD_BOOLEAN = N_("{name} must be true or false, not {value!r}")


class ParameterInvalid(Unprocessable):
    """A search parameter that is not what it must be; `field` names it (for a
    form to show the reason beside it)."""

    def __init__(self, field: str, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.field = field


@dataclass(frozen=True)
class LibrarySearch:
    """A search, checked: its words, its filters, and two switches."""

    words: tuple[Words, ...] = ()
    filter: SearchFilter = field(default_factory=SearchFilter)
    verified_only: bool = False
    include_closed: bool = False

    @property
    def ranked(self) -> bool:
        """Whether results go best first (with words) or newest first."""
        return bool(self.words)


def parse_search(values: Mapping[str, str | None]) -> LibrarySearch:
    """A search from its parameters (see PARAMETERS; empty means not given).

    Raises:
        Unprocessable: a parameter that is not what it must be, named, with
            what it must be.
    """
    given = {k: v.strip() for k in PARAMETERS if (v := values.get(k)) is not None}
    given = {k: v for k, v in given.items() if v}
    check_length(N_("Q"), given.get("q"), MAX_SEARCH_QUERY)
    low = _count(given, "population_min")
    high = _count(given, "population_max")
    if low is not None and high is not None and low > high:
        raise ParameterInvalid("population_min", BAD_RANGE)
    found = SearchFilter(
        kind=_one_of(given, "type", tuple(LibraryKind)),
        topic=_one_of(given, "topic", vocabulary.TOPICS),
        state=_state(given.get("state")),
        ocd_id=_ocd_id(given.get("ocd_id")),
        population_min=low,
        population_max=high,
        status=_one_of(given, "status", STATUSES),
        evidence_level=_one_of(given, "evidence_level", vocabulary.EVIDENCE_LEVELS),
        cost_max=_amount(given, "cost_max"),
        deadline_after=_moment(given.get("deadline_after")),
        origin=given.get("origin", "").lower() or None,
    )
    return LibrarySearch(
        words=words_of(given.get("q", "")),
        filter=found,
        verified_only=_switch(given, "verified"),
        include_closed=_switch(given, "include_closed"),
    )


async def search_library(
    session: AsyncSession,
    viewer: Actor | None,
    asked: LibrarySearch,
    page: Page,
    offset: int = 0,
    *,
    now: datetime | None = None,
) -> list[ItemView]:
    """The items `asked` finds, as shown to `viewer`: with words best first
    (paged by `offset`), without them newest first (paged on ids, `page`)."""
    found = await search_items(session, search_of(asked, now or utcnow()), page, offset)
    return await views_of(session, viewer, found)


def search_of(asked: LibrarySearch, moment: datetime) -> Search:
    """The storage's search for `asked` at `moment` (closed funding left out
    unless asked for, the verified rule decided for that day)."""
    f = asked.filter
    if not asked.include_closed and f.status is None:
        f = replace(f, open_at=moment)
    return Search(
        words=asked.words,
        filter=f,
        author_ok=_verified(moment.date()) if asked.verified_only else None,
    )


def words_of(text: str) -> tuple[Words, ...]:
    """The words of a query: its quoted phrases one each, and the other words
    together (every one must be found). Pieces without a letter or digit count
    for nothing."""
    words: list[str] = []
    phrases: list[Words] = []
    for phrase, word in _CLAUSE.findall(_QUOTES.sub('"', text)):
        if word and _has_word(word):
            words.append(word)
        elif phrase and _has_word(phrase):
            phrases.append(Words(" ".join(phrase.split()), phrase=True))
    return (*((Words(" ".join(words)),) if words else ()), *phrases)


def _verified(today: date) -> ColumnElement[bool]:
    """Items whose author holds an office that reads as verified `today`. The
    author column is written `actor_id + 0` so that no index can take it:
    officials write a good part of the library, and SQLite would otherwise read
    every item of every official and sort them, instead of walking the items
    newest first until a page is full (bench/library_search.py: 77 → 0.3 ms)."""
    holders = (
        select(OfficeListing.actor_id)
        .join(Actor, Actor.id == OfficeListing.actor_id)
        .where(verified_now(today))
    )
    return (LibraryItem.actor_id + 0).in_(holders)


# --- the parameters -------------------------------------------------------------


def _has_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _one_of(
    given: Mapping[str, str], name: str, choices: tuple[str, ...]
) -> str | None:
    value = given.get(name)
    if value is None or value in choices:
        return value
    raise ParameterInvalid(
        name, NOT_ONE_OF, name=name, value=value, choices=", ".join(choices)
    )


def _state(value: str | None) -> str | None:
    if value is None:
        return None
    if not _STATE.fullmatch(value.upper()):
        raise ParameterInvalid("state", BAD_STATE, value=value)
    return value.upper()


def _ocd_id(value: str | None) -> str | None:
    if value is None:
        return None
    if not _OCD_ID.fullmatch(value.lower()):
        raise ParameterInvalid("ocd_id", BAD_OCD_ID, value=value)
    return value.lower()


def _count(given: Mapping[str, str], name: str) -> int | None:
    value = given.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 15:
        raise ParameterInvalid(name, BAD_COUNT, name=name, value=value)
    return int(value)


def _amount(given: Mapping[str, str], name: str) -> float | None:
    value = given.get(name)
    if value is None:
        return None
    try:
        amount = float(value)
    except ValueError:
        amount = -1.0
    if not (0 <= amount < float("inf")):
        raise ParameterInvalid(name, BAD_AMOUNT, name=name, value=value)
    return amount


def _moment(value: str | None) -> datetime | None:
    """A day (its start, in UTC) or an RFC 3339 moment with its offset."""
    if value is None:
        return None
    moment = parse_deadline(value)
    if moment is None and _DAY.fullmatch(value):
        try:
            moment = datetime.combine(date.fromisoformat(value), time(), UTC)
        except ValueError:
            moment = None
    if moment is None:
        raise ParameterInvalid("deadline_after", BAD_MOMENT, value=value)
    return moment.astimezone(UTC)


def _switch(given: Mapping[str, str], name: str) -> bool:
    value = given.get(name, "").lower()
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    raise ParameterInvalid(name, BAD_BOOLEAN, name=name, value=given[name])
