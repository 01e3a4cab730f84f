"""Mastodon's status search syntax, parsed (`SearchQueryParser` and
`SearchQueryTransformer` in Mastodon 4.2+). Pure: no database.

A query is a list of clauses separated by spaces. Each clause may start with `+`
(required, the default) or `-` (excluded), and is one of:
- a word, or a `"quoted phrase"` (words next to each other, in order);
- a `#hashtag`: posts carrying that tag;
- `prefix:value` or `prefix:"value"`, for the prefixes Mastodon knows: `from:`
  (a handle or `me`), `has:`, `is:`, `language:`, `before:`, `after:`, `during:`
  and `in:` (`library` or `public`). An unknown prefix is read as the words
  "prefix value", as Mastodon does.
Typographic quotes count as `"`. Clauses without a letter or digit are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Final

from fedcity.storage.fulltext import Words
from fedcity.text import normalize_hashtag

FILTER_PREFIXES: Final = frozenset(
    {"from", "has", "is", "language", "before", "after", "during"}
)
SCOPES: Final = frozenset({"library", "public"})

_QUOTES: Final = re.compile(r"[“”„«»「」『』《》]")  # typographic quotes
_CLAUSE: Final = re.compile(
    r'(?P<op>[+-])?(?:(?P<prefix>[^\s:"]+):)?'
    r'(?:"(?P<phrase>[^"]*)"?|(?P<term>[^\s"]+))'
)


@dataclass(frozen=True)
class Filter:
    """A `prefix:value` clause; `excluded` for `-prefix:value`."""

    prefix: str
    value: str
    excluded: bool = False


@dataclass
class ParsedQuery:
    required: list[Words] = field(default_factory=list)
    excluded: list[Words] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    excluded_tags: list[str] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    scope: str | None = None  # `in:library` or `in:public`

    @property
    def is_empty(self) -> bool:
        return not (
            self.required
            or self.excluded
            or self.tags
            or self.excluded_tags
            or self.filters
            or self.scope
        )


def parse(query: str) -> ParsedQuery:
    """Split a search query into the clauses above."""
    parsed = ParsedQuery()
    for match in _CLAUSE.finditer(_QUOTES.sub('"', query)):
        excluded = match["op"] == "-"
        prefix = (match["prefix"] or "").lower()
        value = match["phrase"] if match["phrase"] is not None else match["term"]
        if prefix in FILTER_PREFIXES:
            if value.strip():
                parsed.filters.append(Filter(prefix, value.strip(), excluded))
        elif prefix == "in":
            if value.lower() in SCOPES:
                parsed.scope = value.lower()
        elif prefix:
            _add_words(parsed, Words(f"{match['prefix']} {value}"), excluded)
        elif match["phrase"] is not None:
            _add_words(parsed, Words(value, phrase=True), excluded)
        elif value.startswith("#") and len(value) > 1:
            tags = parsed.excluded_tags if excluded else parsed.tags
            tags.append(normalize_hashtag(value[1:]))
        else:
            _add_words(parsed, Words(value), excluded)
    return parsed


def _add_words(parsed: ParsedQuery, words: Words, excluded: bool) -> None:
    # Without a letter or digit, neither engine has a word to look up ("_" is a
    # separator to both), and they would disagree on what an empty clause means.
    if any(char.isalnum() for char in words.text):
        (parsed.excluded if excluded else parsed.required).append(words)


@dataclass(frozen=True)
class Moment:
    """A `before:`/`after:`/`during:` value: a whole UTC day, or an instant."""

    start: datetime
    whole_day: bool

    @property
    def end(self) -> datetime:
        """The first instant after it: the next midnight for a day."""
        return self.start + timedelta(days=1) if self.whole_day else self.start

    @property
    def day(self) -> Moment:
        """The whole UTC day it falls on."""
        start = self.start.replace(hour=0, minute=0, second=0, microsecond=0)
        return Moment(start, whole_day=True)


def parse_moment(value: str) -> Moment | None:
    """`2024-05-01` (a day, UTC) or an ISO 8601 date-time; None if neither."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return Moment(datetime(day.year, day.month, day.day, tzinfo=UTC), True)
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return Moment(instant.astimezone(UTC), False)
