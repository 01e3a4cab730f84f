"""Searching the library (issue 14, services/library/search.py): words with
stemming and ranking on both engines, each filter alone and together, what may
not be found (withdrawn, not indexable, consent withdrawn), "verified officials
only", and the parameters refused with their reason."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from fedcity.errors import Unprocessable
from fedcity.services.library import items
from fedcity.services.library.search import parse_search, search_library, words_of
from fedcity.storage.fulltext import Words
from fedcity.storage.models import Actor, LibraryKind
from fedcity.storage.queries.library import search as search_query
from fedcity.storage.queries.posts import Page
from tests.services.test_library import remote_article
from tests.support.library import case_study, funding
from tests.support.officials import URLS, account, official

CASE = LibraryKind.CASE_STUDY
FUNDING = LibraryKind.FUNDING_OPPORTUNITY
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
NOW = datetime(2030, 1, 1, tzinfo=UTC)


async def publish(session, author: Actor, kind=CASE, **changes: Any):
    doc = case_study(**changes) if kind == CASE else funding(**changes)
    return await items.create_item(
        session, URLS, author, kind, doc, default_license=LICENSE
    )


async def found(session, page: Page | None = None, offset=0, **asked: str) -> list:
    views = await search_library(
        session, None, parse_search(asked), page or Page(), offset, now=NOW
    )
    return [v.item.title for v in views]


async def remote_item(session, indexable: bool):
    """A case study from reno.example whose author's actor says `indexable`."""
    author, post = await remote_article(session, indexable)
    return await items.store_remote_item(
        session, post, author, CASE, case_study(), author_indexable=indexable
    )


# --- words ------------------------------------------------------------------------


async def test_words_are_stemmed_so_repairs_finds_repair(db):
    async with db.session() as session:
        # Given a case study whose text says "pothole repair", and another
        mayor = await account(session, "mayor")
        await publish(session, mayor)
        await publish(
            session,
            mayor,
            title="Library hours",
            problem="The library closed at five.",
            approach="Volunteers kept it open until nine.",
            results=[],
            hashtags=[],
            lessons_learned="Ask early.",
        )
        # When one searches for other forms of its words
        # Then it is found by each, and the other is not
        assert await found(session, q="repairs") == ["Pothole blitz"]
        assert await found(session, q="Potholes repaired") == ["Pothole blitz"]
        assert await found(session, q="volunteer") == ["Library hours"]
        # Every word must be there; a phrase must be there in order
        assert await found(session, q="repairs volunteers") == []
        assert await found(session, q='"pothole repair"') == ["Pothole blitz"]
        assert await found(session, q='"repair pothole"') == []


async def test_a_word_in_the_title_ranks_above_the_same_word_in_the_text(db):
    async with db.session() as session:
        # Given "sidewalk" in an older item's title and a newer one's text
        mayor = await account(session, "mayor")
        await publish(session, mayor, title="Sidewalk repairs")
        await publish(session, mayor, title="Curb ramps", problem="Cracked sidewalks.")
        await publish(session, mayor, title="Crosswalk paint")
        # Then the title wins over the newer item
        assert await found(session, q="sidewalk") == ["Sidewalk repairs", "Curb ramps"]
        # And without words, the newest comes first
        assert await found(session) == [
            "Crosswalk paint",
            "Curb ramps",
            "Sidewalk repairs",
        ]


async def test_the_words_of_a_query():
    assert words_of('pothole "repair time" ... “crew”') == (
        Words("pothole"),
        Words("repair time", phrase=True),
        Words("crew", phrase=True),
    )
    assert words_of(' -- "" ') == ()


async def test_ranked_results_page_by_offset(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        for n in range(3):
            await publish(session, mayor, title=f"Pothole crew {n}")
        first = await found(session, Page(limit=2), q="pothole")
        rest = await found(session, Page(limit=2), offset=2, q="pothole")
        assert len(first) == 2
        assert len(rest) == 1
        assert set(first + rest) == {f"Pothole crew {n}" for n in range(3)}


async def test_past_the_ranked_window_older_matches_follow_newest_first(
    db, monkeypatch
):
    # Given five items about potholes, the oldest two with it in their title,
    # two of them in Nevada, and a window of the three newest matches
    monkeypatch.setattr(search_query, "RANKED", 3)
    nevada = {"jurisdiction": {"name": "Reno", "state": "NV"}}
    async with db.session() as session:
        mayor = await account(session, "mayor")
        for title, place in [
            ("Pothole map", {}),
            ("Pothole crew", nevada),
            ("Elm street", {}),
            ("Oak street", nevada),
            ("Ash street", {}),
        ]:
            await publish(session, mayor, title=title, **place)

        async def pages(**asked: str) -> list[list[str]]:
            return [
                await found(session, Page(limit=2), offset=n, **asked)
                for n in (0, 2, 4, 6)
            ]

        # When one searches a page at a time, then the window is ranked (all
        # three alike here: newest first) and the older matches follow, newest
        # first, each once: the titles outside the window do not jump ahead
        assert await pages(q="pothole") == [
            ["Ash street", "Oak street"],
            ["Elm street", "Pothole crew"],
            ["Pothole map"],
            [],
        ]
        # And with a filter the window is the same three, less those it leaves
        assert await pages(q="pothole", state="CA") == [
            ["Ash street", "Elm street"],
            ["Pothole map"],
            [],
            [],
        ]


# --- filters ----------------------------------------------------------------------


async def seed_library(session) -> None:
    """Ojai's pothole blitz (CA, 7,600, $42,000, measured, completed), Reno's
    safe streets (NV, 264,000, evaluated, in progress, no cost), and two
    funding opportunities: CAL FIRE's (CA and NV, up to 50,000 people, due
    2099) and a nationwide one due in 2031."""
    mayor = await account(session, "mayor")
    await publish(session, mayor)
    await publish(
        session,
        mayor,
        title="Safe streets",
        topics=["public_safety", "transportation"],
        jurisdiction={
            "name": "Reno",
            "state": "NV",
            "population": 264000,
            "ocd_id": "ocd-division/country:us/state:nv/place:reno",
        },
        evidence_level="evaluated",
        status="in_progress",
        cost=None,
    )
    await publish(session, mayor, FUNDING)
    await publish(
        session,
        mayor,
        FUNDING,
        title="Broadband for all",
        topics=["technology"],
        eligibility={"population_min": 10000},
        deadline="2031-06-01T17:00:00-04:00",
        timezone="America/New_York",
    )


@pytest.mark.parametrize(
    ("asked", "titles"),
    [
        ({"type": "case_study"}, ["Safe streets", "Pothole blitz"]),
        ({"type": "funding_opportunity"}, ["Broadband for all", "Wildfire resilience grants"]),
        ({"topic": "sustainability"}, ["Wildfire resilience grants"]),
        ({"topic": "transportation"}, ["Safe streets"]),
        # A case study's state; funding open to it, or to every state
        ({"state": "ca"}, ["Broadband for all", "Wildfire resilience grants", "Pothole blitz"]),
        ({"state": "NV", "type": "case_study"}, ["Safe streets"]),
        ({"state": "TX"}, ["Broadband for all"]),
        # A division, or one inside it
        ({"ocd_id": "ocd-division/country:us/state:ca"}, ["Pothole blitz"]),
        ({"ocd_id": "ocd-division/country:us/state:nv/place:reno"}, ["Safe streets"]),
        ({"ocd_id": "ocd-division/country:us/state:c"}, []),
        # A case study's population; funding whose eligible range overlaps
        ({"population_min": "10000", "type": "case_study"}, ["Safe streets"]),
        ({"population_max": "10000"}, ["Broadband for all", "Wildfire resilience grants", "Pothole blitz"]),
        ({"population_min": "100000"}, ["Broadband for all", "Safe streets"]),
        ({"population_min": "5000", "population_max": "9000"}, ["Wildfire resilience grants", "Pothole blitz"]),
        ({"status": "in_progress"}, ["Safe streets"]),
        ({"evidence_level": "measured"}, ["Pothole blitz"]),
        ({"cost_max": "50000"}, ["Pothole blitz"]),
        ({"cost_max": "41999.5"}, []),
        ({"deadline_after": "2032-01-01"}, ["Wildfire resilience grants"]),
        ({"deadline_after": "2031-06-01T21:00:00Z"}, ["Broadband for all", "Wildfire resilience grants"]),
        ({"deadline_after": "2031-06-01T21:00:01Z"}, ["Wildfire resilience grants"]),
        ({"origin": "city.example"}, ["Broadband for all", "Wildfire resilience grants", "Safe streets", "Pothole blitz"]),
        ({"origin": "reno.example"}, []),
    ],
    ids=lambda v: "&".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else "",
)  # fmt: skip
async def test_each_filter(db, asked, titles):
    async with db.session() as session:
        await seed_library(session)
        assert await found(session, **asked) == titles


async def test_filters_and_words_combine(db):
    async with db.session() as session:
        await seed_library(session)
        assert await found(session, q="wildfire", state="NV") == [
            "Wildfire resilience grants"
        ]
        assert await found(session, q="wildfire", state="NV", type="case_study") == []
        assert await found(
            session, q="streets", topic="public_safety", population_min="200000"
        ) == ["Safe streets"]
        assert await found(session, q="pothole", evidence_level="measured") == [
            "Pothole blitz"
        ]
        assert await found(session, q="pothole", evidence_level="anecdotal") == []
        assert await found(
            session, q="grants", state="CA", deadline_after="2030-01-01"
        ) == ["Wildfire resilience grants"]


async def test_closed_and_past_funding_only_when_asked(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        await publish(session, mayor, FUNDING, title="Open grant")
        await publish(session, mayor, FUNDING, title="Closed grant", status="closed")
        await publish(
            session,
            mayor,
            FUNDING,
            title="Past grant",
            deadline="2029-12-30T17:00:00-08:00",
        )
        assert await found(session, q="grant") == ["Open grant"]
        assert sorted(await found(session, q="grant", include_closed="true")) == [
            "Closed grant",
            "Open grant",
            "Past grant",
        ]
        assert await found(session, status="closed") == ["Closed grant"]


# --- what may not be found ---------------------------------------------------------


async def test_withdrawn_and_unindexable_items_are_not_found(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        kept = await publish(session, mayor, title="Pothole blitz")
        gone = await publish(session, mayor, title="Pothole patrol")
        await publish(session, mayor, title="Pothole pilot", indexable=False)
        assert await found(session, q="pothole") == ["Pothole patrol", "Pothole blitz"]
        # When one is withdrawn, it leaves the index and the lists
        await items.withdraw_item(session, mayor, gone)
        await session.flush()
        assert await found(session, q="pothole") == ["Pothole blitz"]
        assert await found(session) == ["Pothole blitz"]
        # When its author withdraws consent in an edit, it leaves too…
        await items.update_item(
            session,
            URLS,
            mayor,
            kept,
            case_study(indexable=False),
            default_license=LICENSE,
        )
        await session.flush()
        assert await found(session, q="pothole") == []
        # …and comes back, with its new words, when consent is given again
        await items.update_item(
            session,
            URLS,
            mayor,
            kept,
            case_study(title="Pothole sprint"),
            default_license=LICENSE,
        )
        await session.flush()
        assert await found(session, q="sprint") == ["Pothole sprint"]
        assert await found(session, q="blitz") == []


async def test_a_remote_item_follows_its_consent(db):
    async with db.session() as session:
        # Given a remote item whose author's actor does not consent
        item = await remote_item(session, indexable=False)
        await session.flush()
        assert await found(session, q="pothole") == []
        # When the item itself says it may be found, it is
        item.indexable = True
        await session.flush()
        assert await found(session, q="pothole", origin="reno.example") == [
            "Pothole blitz"
        ]
        # When its row is deleted (as its author's deletion cascades), it leaves
        await session.delete(item)
        await session.flush()
        assert await found(session, q="pothole") == []


# --- verified officials only ---------------------------------------------------------


async def test_verified_officials_only(db):
    async with db.session() as session:
        councillor = await official(session, "councillor")
        resident = await account(session, "resident")
        await publish(session, councillor, title="Pothole blitz")
        await publish(session, resident, title="Pothole watch")
        assert await found(session, q="pothole") == ["Pothole watch", "Pothole blitz"]
        assert await found(session, q="pothole", verified="true") == ["Pothole blitz"]
        assert await found(session, verified="true") == ["Pothole blitz"]
        views = await search_library(
            session, None, parse_search({"q": "pothole"}), Page(), now=NOW
        )
        assert [v.author.username for v in views] == ["resident", "councillor"]


async def test_a_former_officials_items_are_not_verified(db):
    async with db.session() as session:
        former = await official(
            session,
            "former",
            term_start=date(2020, 1, 1),
            term_end=date(2022, 1, 1),
        )
        await publish(session, former)
        assert await found(session, verified="true") == []


# --- parameters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "reason"),
    [
        ({"type": "case_studies"}, "type 'case_studies' is not one of case_study, funding_opportunity"),
        ({"topic": "roads"}, "topic 'roads' is not one of housing, homelessness"),
        ({"status": "done"}, "status 'done' is not one of planned, in_progress"),
        ({"evidence_level": "strong"}, "evidence_level 'strong' is not one of anecdotal"),
        ({"state": "California"}, "state must be a two-letter code such as CA"),
        ({"ocd_id": "ojai"}, "ocd_id must be an OCD division id"),
        ({"population_min": "-1"}, "population_min must be a whole number of at least 0"),
        ({"population_max": "many"}, "population_max must be a whole number"),
        ({"population_min": "9", "population_max": "8"}, "population_min must not be above population_max"),
        ({"cost_max": "cheap"}, "cost_max must be a number of at least 0"),
        ({"cost_max": "nan"}, "cost_max must be a number"),
        ({"deadline_after": "2027-02-30"}, "deadline_after must be a date (2027-03-01)"),
        ({"deadline_after": "2027-03-01T17:00:00"}, "deadline_after must be a date"),
        ({"verified": "maybe"}, "verified must be true or false"),
        ({"q": "x" * 1001}, "Q is too long"),
    ],
)  # fmt: skip
def test_a_wrong_parameter_is_refused_with_its_reason(asked, reason):
    with pytest.raises(Unprocessable) as refused:
        parse_search(asked)
    assert reason in refused.value.message


def test_empty_parameters_are_not_given():
    asked = parse_search({"q": " ", "topic": "", "state": "ca", "verified": ""})
    assert (asked.words, asked.filter.topic, asked.filter.state) == ((), None, "CA")
    assert not asked.verified_only
