"""Library documents as cities write them, for the library benchmarks
(bench/library_import.py, bench/library_search.py): places with their states
and populations, case studies and funding opportunities, in the vocabulary of
bench/citytext.py. Every document is valid against its schema
(schemas/*.schema.json)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from citytext import Writer

from fedcity.services.library.vocabulary import (
    APPLICANTS,
    CASE_STUDY_STATUSES,
    EVIDENCE_LEVELS,
    TOPICS,
)

STATES = (
    "AL", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV",
    "NH", "NJ", "NM", "NY", "NC", "OH", "OK", "OR", "PA", "SC", "TN", "TX", "UT", "WA",
)  # fmt: skip
TOWN_PARTS = (
    ("Spring", "Oak", "Cedar", "Maple", "River", "Lake", "Green", "Fair", "Clear",
     "Pine", "Red", "Silver", "Mill", "Stone", "Bridge"),
    ("field", "ville", "ton", " Falls", "wood", " Springs", "dale", "port", " City",
     " Heights", "view", "burg", "ford"),
)  # fmt: skip
MEASURES = (
    ("pothole repair time", "days"), ("911 answer time", "seconds"),
    ("energy use", "MWh/year"), ("permits issued", "per month"),
    ("bus ridership", "riders/day"), ("tree canopy", "%"),
    ("unsheltered count", "people"), ("overtime hours", "hours/month"),
    ("park visits", "per week"), ("water loss", "%"),
)  # fmt: skip
APPROACHES = (
    "We piloted {x} in one district for six months before going city-wide.",
    "Staff mapped every request and scheduled crews by the map, not by the call.",
    "The council funded {x} from one-time money and asked for a report in a year.",
    "A shared-services agreement with the county paid for {x}.",
    "Residents reported problems through a 311 app; crews closed the loop in it.",
)
LESSONS = (
    "Publish the data early: trust came from the map, not from the press release.",
    "Budget for maintenance in year two; the pilot grant did not cover it.",
    "Union buy-in mattered more than the software.",
    "Start smaller than you think; the first district taught us the most.",
    "It failed because nobody owned it after the champion left.",
)
FUNDERS = (
    "General fund", "State DOT grant", "ARPA", "County partnership",
    "Community foundation", "Federal EPA grant", "Utility rebate",
)  # fmt: skip


def towns(rng: random.Random) -> list[tuple[str, str, int]]:
    """About 200 (name, state, population) places."""
    made = set()
    while len(made) < 200:
        name = rng.choice(TOWN_PARTS[0]) + rng.choice(TOWN_PARTS[1])
        made.add((name, rng.choice(STATES)))
    return [
        (name, state, int(10 ** rng.uniform(2.95, 5.95)))
        for name, state in sorted(made)
    ]


def text(writer: Writer, paragraphs: int) -> str:
    return "\n\n".join(
        " ".join(writer.sentence() for _ in range(writer.rng.randint(2, 5)))
        for _ in range(paragraphs)
    )


def case_study(
    writer: Writer, place: tuple[str, str, int], number: int
) -> dict[str, Any]:
    rng = writer.rng
    name, state, population = place
    measure = rng.sample(MEASURES, rng.randint(0, 4))
    start = f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    topic = rng.sample(TOPICS, rng.randint(1, 3))
    subject = rng.choice(measure)[0] if measure else topic[0].replace("_", " ")
    doc: dict[str, Any] = {
        "title": f"{name}: {subject} ({number})",
        "jurisdiction": {
            "name": name,
            "state": state,
            "population": population,
            "ocd_id": f"ocd-division/country:us/state:{state.lower()}/place:"
            + name.lower().replace(" ", "_"),
        },
        "topics": topic,
        "hashtags": writer.hashtags(),
        "problem": text(writer, rng.randint(1, 6)),
        "approach": " ".join(a.format(x=subject) for a in rng.sample(APPROACHES, 2))
        + "\n\n"
        + text(writer, rng.randint(0, 4)),
        "results": [
            {
                "measure": m,
                "before": round(rng.uniform(5, 500), 1),
                "after": round(rng.uniform(2, 400), 1),
                "unit": unit,
            }
            for m, unit in measure
        ],
        "lessons_learned": rng.choice(LESSONS)
        + "\n\n"
        + text(writer, rng.randint(0, 3)),
        "cost": {"amount": rng.randrange(5_000, 5_000_000, 500), "currency": "USD"},
        "funding_sources": rng.sample(FUNDERS, rng.randint(1, 3)),
        "partners": [f"{rng.choice(TOWN_PARTS[0])} County"],
        "evidence_level": rng.choice(EVIDENCE_LEVELS),
        "start_date": start,
        "status": rng.choice(CASE_STUDY_STATUSES),
        "contacts": [f"@publicworks@{name.lower().replace(' ', '')}.example"],
        "language": "en",
    }
    if not doc["results"]:
        del doc["results"]
    if rng.random() < 0.3:
        doc["attachments"] = [
            {
                "name": "Council report",
                "url": f"https://{state.lower()}.example/reports/{number}.pdf",
                "media_type": "application/pdf",
            }
        ]
    return doc


# --- the search benchmark's wider library -------------------------------------------

ALL_STATES = (
    *STATES, "AK", "HI", "ND", "RI", "SD", "VT", "VA", "WV", "WI", "WY",
)  # fmt: skip
GRANT_PROGRAMS = (
    "Safe Streets and Roads for All", "Brownfields Cleanup", "Community Development",
    "Energy Efficiency and Conservation", "Urban and Community Forestry",
    "Building Resilient Infrastructure", "Transit Capital", "Broadband Equity",
    "Clean Water State Revolving Fund", "Homeless Prevention", "Main Street",
    "Public Safety Innovation", "Parks and Trails", "Smart Cities Challenge",
)  # fmt: skip
GRANTORS = (
    ("US DOT", "DOT"), ("US EPA", "EPA"), ("HUD", "HUD"), ("FEMA", "FEMA"),
    ("Department of Energy", "DOE"), ("State DOT", "SDOT"),
    ("Community foundation", "CF"), ("State housing agency", "SHA"),
)  # fmt: skip


def places(rng: random.Random, count: int) -> list[tuple[str, str, int]]:
    """`count` (name, state, population) places across the fifty states, sized
    as places are: most are small towns, a few are big cities (a Pareto tail:
    the median near 2,400, one in forty above 100,000, none above 4 million)."""
    made: set[tuple[str, str]] = set()
    while len(made) < count:
        name = rng.choice(TOWN_PARTS[0]) + rng.choice(TOWN_PARTS[1])
        made.add((name, rng.choice(ALL_STATES)))
    return [
        (name, state, min(4_000_000, int(1_000 * rng.paretovariate(0.8))))
        for name, state in sorted(made)
    ]


def funding_opportunity(writer: Writer, number: int, now: datetime) -> dict[str, Any]:
    """A grant: a program of a funder, open to every state or to a few, to
    places of some sizes, with a deadline within a year either side of `now`
    (closed or still posted if past, posted or forecasted if to come)."""
    rng = writer.rng
    funder, agency = rng.choice(GRANTORS)
    program = rng.choice(GRANT_PROGRAMS)
    deadline = now + timedelta(days=rng.uniform(-365, 365))
    past = deadline < now
    low = rng.randrange(10_000, 200_000, 5_000)
    doc: dict[str, Any] = {
        "title": f"{program} grants, {deadline.year} round ({number})",
        "funder": {"name": funder},
        "summary": " ".join(writer.sentence() for _ in range(2))[:480],
        "amount": {"min": low, "max": low * rng.randint(2, 40), "currency": "USD"},
        "deadline": deadline.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timezone": "America/New_York",
        "status": rng.choice(
            ("closed", "closed", "posted")
            if past
            else ("posted", "posted", "forecasted")
        ),
        "opportunity_number": f"{agency}-{deadline.year}-{number:06d}",
        "eligibility": _eligibility(rng),
        "topics": rng.sample(TOPICS, rng.randint(1, 3)),
        "url": f"https://grants.example/{agency.lower()}/{number}",
        "language": "en",
    }
    return doc


def _eligibility(rng: random.Random) -> dict[str, Any]:
    """Most grants are open everywhere; some to a few states, some to small
    places only or to big ones."""
    found: dict[str, Any] = {
        "applicants": rng.sample(APPLICANTS, rng.randint(1, len(APPLICANTS)))
    }
    if rng.random() < 0.4:
        found["states"] = rng.sample(ALL_STATES, rng.randint(1, 3))
    size = rng.random()
    if size < 0.25:
        found["population_max"] = rng.choice((5_000, 10_000, 50_000))
    elif size < 0.35:
        found["population_min"] = rng.choice((50_000, 100_000))
    return found


def created_times(
    rng: random.Random, count: int, now: datetime, days: int
) -> list[datetime]:
    """`count` moments over the `days` before `now`, oldest first."""
    start = now - timedelta(days=days)
    return sorted(start + timedelta(days=days * rng.random()) for _ in range(count))
