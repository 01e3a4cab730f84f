"""iCalendar (RFC 5545) documents of deadlines, written by hand: no iCalendar
package is among fedcity's dependencies, and a feed of events needs little.

What the RFC asks and is done here: CRLF line ends (3.1); lines folded at 75
octets, never inside a UTF-8 character, with a space starting each continued
line (3.1); backslash, semicolon, comma and newlines escaped in TEXT values
(3.3.11); UTC date-times written `YYYYMMDDTHHMMSSZ` (3.3.5); a VEVENT with
UID, DTSTAMP and DTSTART (3.6.1); VERSION and PRODID on the calendar (3.7)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

PRODID: Final = "-//fedcity//Library deadlines//EN"
LINE_OCTETS: Final = 75
CRLF: Final = "\r\n"


@dataclass(frozen=True)
class Event:
    """One deadline, as a calendar event at that moment (no DTEND: RFC 5545
    3.6.1 makes it end when it starts)."""

    uid: str  # stable: the same opportunity is the same event on each fetch
    start: datetime  # aware
    stamp: datetime  # when this version of it was written
    summary: str
    description: str = ""
    url: str = ""
    created: datetime | None = None
    sequence: int = 0  # its revision: 0, then 1 after the first edit…
    categories: Sequence[str] = field(default_factory=tuple)


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def utc(moment: datetime) -> str:
    """A DATE-TIME in UTC (RFC 5545 3.3.5, form #2)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """`line` cut into lines of at most 75 octets (the first) and a space plus
    74 octets (the others), between characters."""
    parts: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            current, size, limit = " ", 1, LINE_OCTETS
        current += char
        size += octets
    parts.append(current)
    return CRLF.join(parts)


def _event(event: Event) -> Iterable[str]:
    yield "BEGIN:VEVENT"
    yield f"UID:{escape_text(event.uid)}"
    yield f"DTSTAMP:{utc(event.stamp)}"
    yield f"DTSTART:{utc(event.start)}"
    if event.created is not None:
        yield f"CREATED:{utc(event.created)}"
    yield f"LAST-MODIFIED:{utc(event.stamp)}"
    yield f"SEQUENCE:{event.sequence}"
    yield f"SUMMARY:{escape_text(event.summary)}"
    if event.description:
        yield f"DESCRIPTION:{escape_text(event.description)}"
    if event.url:
        # URL is a URI value, not TEXT: written as it is (RFC 5545 3.8.4.6).
        yield f"URL:{event.url}"
    if event.categories:
        yield "CATEGORIES:" + ",".join(escape_text(c) for c in event.categories)
    yield "TRANSP:TRANSPARENT"
    yield "END:VEVENT"


def calendar(name: str, events: Iterable[Event]) -> str:
    """A VCALENDAR of `events`, named `name` for the apps that show one."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines.extend(_event(event))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
