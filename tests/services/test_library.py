"""The library's rules (issue 14): documents checked against their schemas and the
rules beside them, each mistake named by its field; the generated summary; the
readable HTML; publishing, editing, withdrawing and listing items with their
posts and federate jobs; and "I'm applying" marks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from fedcity.errors import DocumentInvalid, Forbidden, Gone, Unprocessable
from fedcity.jobs.kinds import JobKind
from fedcity.services.accounts.remote_actors import (
    RemoteActorData,
    upsert_remote_actor,
)
from fedcity.services.library import applying, items, reading
from fedcity.services.library.rendering import item_html
from fedcity.services.library.summaries import MAX_SUMMARY, summary_of
from fedcity.services.library.validation import validate_document
from fedcity.services.statuses import search_index
from fedcity.services.statuses.posts import NewPost, delete_local_post, edit_local_post
from fedcity.services.statuses.remote_posts import RemotePostData, store_remote_post
from fedcity.storage.models import Actor, Job, LibraryKind, Post, Visibility
from fedcity.storage.queries import library as library_q
from fedcity.storage.queries.library import ItemFilter
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow
from fedcity.urls import Urls
from tests.support.library import case_study, funding
from tests.support.officials import account

URLS = Urls("http://city.example")
CASE = LibraryKind.CASE_STUDY
FUNDING = LibraryKind.FUNDING_OPPORTUNITY
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def problems(kind: LibraryKind, doc: object) -> dict[str, str]:
    with pytest.raises(DocumentInvalid) as refused:
        validate_document(kind, doc, default_license=LICENSE)
    return {p.field: p.localized() for p in refused.value.problems}


# --- validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "field", "problem"),
    [
        pytest.param(
            case_study(jurisdiction={"name": "Ojai"}),
            "jurisdiction.state",
            "is required",
            id="required nested",
        ),
        pytest.param(case_study(title=None), "title", "is required", id="required"),
        pytest.param(case_study(title=""), "title", "can't be blank", id="blank"),
        pytest.param(case_study(topics=[]), "topics", "can't be empty", id="no topic"),
        pytest.param(
            case_study(topics=["roads"]),
            "topics[0]",
            "'roads' is not one of housing, homelessness,",
            id="enum",
        ),
        pytest.param(
            case_study(results=[{"measure": "m", "before": [9]}]),
            "results[0].before",
            "must be a number or a text",
            id="type",
        ),
        pytest.param(
            case_study(summary="x" * 501),
            "summary",
            "must be at most 500 characters long (it has 501)",
            id="too long",
        ),
        pytest.param(
            case_study(jurisdiction={"name": "Ojai", "state": "ca"}),
            "jurisdiction.state",
            "must be a two-letter state code, such as CA",
            id="pattern",
        ),
        pytest.param(
            case_study(start_date="2025-02-30"),
            "start_date",
            "must be a date written YYYY-MM-DD",
            id="not a real day",
        ),
        pytest.param(
            case_study(cost={"amount": -1, "currency": "USD"}),
            "cost.amount",
            "must be at least 0",
            id="minimum",
        ),
        pytest.param(
            case_study(topics=["housing", "housing"]),
            "topics",
            "lists the same item twice",
            id="unique",
        ),
        pytest.param(
            case_study(budget=5),
            "budget",
            "is not a field of this document",
            id="unknown field",
        ),
        pytest.param(
            case_study(evidence_level="rumour"),
            "evidence_level",
            "'rumour' is not one of anecdotal, measured, evaluated, replicated",
            id="evidence level",
        ),
        pytest.param(
            case_study(start_date="2025-06-30", end_date="2025-01-06"),
            "end_date",
            "must not be before start_date",
            id="end before start",
        ),
        pytest.param(["a list"], "", "must be an object", id="not an object"),
    ],
)
def test_a_case_study_mistake_is_named_by_its_field(doc, field, problem):
    found = problems(CASE, doc)
    assert found[field].startswith(problem), found


@pytest.mark.parametrize(
    ("doc", "field", "problem"),
    [
        pytest.param(
            funding(funder={"actor": "https://x.example/a"}),
            "funder.name",
            "is required",
            id="required",
        ),
        pytest.param(
            funding(amount={"min": 5000, "max": 1000, "currency": "USD"}),
            "amount.max",
            "must not be less than amount.min",
            id="min above max",
        ),
        pytest.param(
            funding(eligibility={"population_min": 9, "population_max": 1}),
            "eligibility.population_max",
            "must not be less than eligibility.population_min",
            id="population range",
        ),
        pytest.param(
            funding(timezone="Mars/Olympus_Mons"),
            "timezone",
            "'Mars/Olympus_Mons' is not a known IANA time zone",
            id="unknown zone",
        ),
        pytest.param(
            funding(deadline="2099-03-01T17:00:00"),
            "deadline",
            "must be a date and time with its offset",
            id="no offset",
        ),
        pytest.param(
            funding(deadline="2099-13-01T17:00:00-08:00"),
            "deadline",
            "must be a date and time with its offset",
            id="month 13",
        ),
        pytest.param(
            funding(match_required=120),
            "match_required",
            "must be at most 100",
            id="percent",
        ),
        pytest.param(
            funding(eligibility={"applicants": ["town"]}),
            "eligibility.applicants[0]",
            "'town' is not one of city, county, special_district",
            id="applicant",
        ),
        pytest.param(
            funding(url="ftp://calfire.example/apply"),
            "url",
            "must be an http or https address",
            id="url",
        ),
    ],
)
def test_a_funding_mistake_is_named_by_its_field(doc, field, problem):
    found = problems(FUNDING, doc)
    assert found[field].startswith(problem), found


def test_every_mistake_is_reported_at_once_in_the_message_and_details():
    with pytest.raises(DocumentInvalid) as refused:
        validate_document(
            CASE,
            case_study(jurisdiction={"name": "Ojai"}, topics=["roads"]),
            default_license=LICENSE,
        )
    error = refused.value
    assert error.status == 422
    assert "jurisdiction.state: is required" in error.message
    assert "topics[0]: 'roads' is not one of" in error.message
    details = error.extra_fields("en")["details"]
    assert {d["field"] for d in details} == {"jurisdiction.state", "topics[0]"}


def test_a_valid_document_gets_its_defaults():
    stored = validate_document(CASE, case_study(), default_license=LICENSE)
    assert (stored["indexable"], stored["license"]) == (True, LICENSE)
    assert stored["hashtags"] == ["potholes"]
    own = validate_document(
        CASE,
        case_study(license="https://example.org/l", indexable=False),
        default_license=LICENSE,
    )
    assert (own["indexable"], own["license"]) == (False, "https://example.org/l")
    assert "license" not in validate_document(
        FUNDING, funding(), default_license=LICENSE
    )


# --- summaries and HTML ------------------------------------------------------------


def test_a_case_study_without_summary_gets_one_naming_place_result_and_cost():
    assert summary_of(CASE, case_study()) == (
        "Ojai, CA (pop. 7,600) cut pothole repair time from 9 to 2 days for $42,000."
    )
    # Without a result it names the title; an abandoned one says so
    bare = case_study(results=None, status="abandoned")
    assert summary_of(CASE, bare) == (
        "Ojai, CA (pop. 7,600): Pothole blitz for $42,000 (abandoned)."
    )
    # The author's own summary is kept
    assert summary_of(CASE, case_study(summary="Our own words.")) == "Our own words."


def test_a_generated_summary_fits_in_500_characters():
    long = case_study(title="x " * 400, results=None)
    summary = summary_of(CASE, long)
    assert len(summary) <= MAX_SUMMARY
    assert summary.endswith("…")


def test_a_funding_summary_names_funder_amount_and_deadline():
    assert summary_of(FUNDING, funding()) == (
        "CAL FIRE offers Wildfire resilience grants: $10,000 \u2013 $250,000, "
        "apply by 2099-03-01."
    )


def test_the_html_shows_every_part_escaped():
    doc = case_study(title="Potholes <b>& roads</b>", problem="Slow <script>")
    html = item_html(CASE, doc, "http://city.example/library/case-studies/1", URLS)
    assert html.startswith("<h2>Potholes &lt;b&gt;&amp; roads&lt;/b&gt;</h2><p>Ojai")
    assert '<a href="http://city.example/library/case-studies/1">' in html
    assert "Slow &lt;script&gt;" in html
    assert "<script>" not in html
    for heading in ("Problem", "Approach", "Results", "Lessons learned"):
        assert f"<h3>{heading}</h3>" in html
    assert "<th>Measure</th><th>Before</th><th>After</th><th>Unit</th>" in html
    assert "<td>pothole repair time</td><td>9</td><td>2</td><td>days</td>" in html
    assert "<li><strong>Cost:</strong> $42,000</li>" in html
    assert '<a href="https://ojai.example/report.pdf">Council report</a>' in html
    assert 'href="http://city.example/tags/potholes"' in html


def test_a_deadline_shows_in_the_opportunitys_time_zone():
    html = item_html(FUNDING, funding(timezone="America/New_York"), None, URLS)
    assert "<strong>Deadline:</strong> 2099-03-01 20:00 America/New_York" in html
    assert "<strong>Eligible applicants:</strong> City, Special district" in html


# --- publishing, editing, withdrawing ----------------------------------------------


async def federated(session, post_id: int) -> list[str]:
    rows = await session.scalars(select(Job).where(Job.kind == JobKind.FEDERATE))
    return [j.payload["verb"] for j in rows if j.payload.get("post_id") == post_id]


async def publish(session, author: Actor, kind=CASE, doc=None, **changes: Any):
    doc = doc or (case_study(**changes) if kind == CASE else funding(**changes))
    return await items.create_item(
        session, URLS, author, kind, doc, default_license=LICENSE
    )


async def test_publishing_writes_the_item_and_its_article_post(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        item = await publish(session, mayor)
        post = await session.get(Post, item.post_id)
        assert post is not None
        # The item shares its post's id; the post is a public Article showing it
        assert (item.id, item.uri) == (post.id, post.uri)
        assert (post.object_type, post.visibility, post.local) == (
            "Article",
            Visibility.PUBLIC,
            True,
        )
        assert (
            post.url
            == item.url
            == f"http://city.example/library/case-studies/{item.id}"
        )
        assert post.content.startswith("<h2>Pothole blitz</h2>")
        assert "pothole repair time" in (post.search_text or "")
        written = post.search_text
        await search_index.refresh(session, post)
        assert post.search_text == written  # as the statuses services compute it
        assert mayor.statuses_count == 1
        # Its searchable fields are columns, and the Create goes out
        assert (item.state, item.population, item.ocd_id) == (
            "CA",
            7600,
            "ocd-division/country:us/state:ca/place:ojai",
        )
        assert (item.cost_amount, item.evidence_level, item.origin) == (
            42000,
            "measured",
            "city.example",
        )
        assert await federated(session, post.id) == ["Create"]


async def test_an_invalid_document_writes_nothing(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        with pytest.raises(DocumentInvalid):
            await publish(session, mayor, topics=[])
        assert await session.scalar(select(Post.id)) is None


async def test_an_edit_keeps_the_former_version_and_sends_an_update(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        item = await publish(session, mayor)
        own = await items.own_item(session, mayor, CASE, item.id)
        await items.update_item(
            session,
            URLS,
            mayor,
            own,
            case_study(title="Pothole blitz, year two"),
            default_license=LICENSE,
        )
        history = await reading.item_history(session, CASE, item.id)
        assert [v.document["title"] for v in history] == [
            "Pothole blitz",
            "Pothole blitz, year two",
        ]
        assert [v.current for v in history] == [False, True]
        post = await session.get(Post, item.post_id)
        assert post is not None
        assert item.updated_at is not None
        assert post.edited_at == item.updated_at
        assert "year two" in post.content
        assert await federated(session, post.id) == ["Create", "Update"]
        view = await reading.shown_item(session, None, CASE, item.id)
        assert view.versions_count == 2


async def test_only_the_author_may_change_an_item(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        clerk = await account(session, "clerk")
        item = await publish(session, mayor)
        with pytest.raises(Forbidden):
            await items.own_item(session, clerk, CASE, item.id)
        # …and the item is not a funding opportunity
        with pytest.raises(Exception, match="Record not found"):
            await items.own_item(session, mayor, FUNDING, item.id)


async def test_withdrawing_deletes_the_post_and_hides_the_item(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        item = await publish(session, mayor)
        await items.withdraw_item(session, mayor, item)
        post = await session.get(Post, item.post_id)
        assert post is not None
        assert post.deleted_at is not None
        assert item.withdrawn_at is not None
        assert await federated(session, post.id) == ["Create", "Delete"]
        with pytest.raises(Gone):
            await reading.shown_item(session, None, CASE, item.id)
        assert await listed(session) == []


async def test_the_statuses_api_cannot_edit_an_item_and_deleting_withdraws_it(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        item = await publish(session, mayor)
        post = await session.get(Post, item.post_id)
        assert post is not None
        with pytest.raises(Unprocessable, match="edit it in the library"):
            await edit_local_post(session, URLS, mayor, post, NewPost("plain text"))
        await delete_local_post(session, mayor, post)
        assert item.withdrawn_at is not None


# --- listing -----------------------------------------------------------------------


async def listed(
    session, viewer=None, kind=CASE, include_closed=False, **asked: Any
) -> list[str]:
    views = await reading.list_items(
        session,
        viewer,
        kind,
        ItemFilter(**asked),
        Page(),
        include_closed=include_closed,
    )
    return [v.item.title for v in views]


async def test_lists_filter_by_topic_state_and_evidence(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        await publish(session, mayor)
        await publish(
            session,
            mayor,
            title="Safe streets",
            topics=["public_safety", "transportation"],
            jurisdiction={"name": "Reno", "state": "NV"},
            evidence_level="evaluated",
        )
        assert await listed(session) == ["Safe streets", "Pothole blitz"]
        assert await listed(session, topic="transportation") == ["Safe streets"]
        assert await listed(session, state="CA") == ["Pothole blitz"]
        assert await listed(session, evidence_level="evaluated") == ["Safe streets"]
        assert await listed(session, origin="elsewhere.example") == []


async def test_funding_lists_hide_closed_and_past_opportunities_unless_asked(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        await publish(session, mayor, FUNDING, title="Open")
        await publish(session, mayor, FUNDING, title="Closed", status="closed")
        await publish(
            session, mayor, FUNDING, title="Past", deadline="2020-03-01T17:00:00-08:00"
        )
        await publish(session, mayor, FUNDING, title="Someday", deadline=None)
        assert await listed(session, kind=FUNDING) == ["Someday", "Open"]
        assert await listed(session, kind=FUNDING, include_closed=True) == [
            "Someday",
            "Past",
            "Closed",
            "Open",
        ]
        # Eligible states are filtered on too
        assert await listed(session, kind=FUNDING, state="NV") == ["Someday", "Open"]


async def test_an_item_not_indexable_is_listed_only_for_its_author(db):
    async with db.session() as session:
        mayor = await account(session, "mayor")
        await publish(session, mayor, indexable=False)
        assert await listed(session) == []
        assert await listed(session, mayor) == ["Pothole blitz"]


# --- remote items ------------------------------------------------------------------


async def remote_article(session, indexable: bool) -> tuple[Actor, Post]:
    author = await upsert_remote_actor(
        session,
        RemoteActorData(
            uri="https://reno.example/users/mayor",
            actor_type="Person",
            username="mayor",
            domain="reno.example",
            inbox_uri="https://reno.example/users/mayor/inbox",
            key_id=None,
            public_key_pem=None,
            indexable=indexable,
        ),
    )
    post = await store_remote_post(
        session,
        author,
        RemotePostData(
            uri="https://reno.example/items/1",
            object_type="Article",
            content="<p>Safe streets</p>",
            visibility=Visibility.PUBLIC,
            url="https://reno.example/library/1",
        ),
    )
    assert post is not None
    return author, post


async def test_a_remote_item_is_validated_and_takes_its_authors_consent(db):
    async with db.session() as session:
        author, post = await remote_article(session, indexable=False)
        with pytest.raises(DocumentInvalid):
            await items.store_remote_item(
                session,
                post,
                author,
                CASE,
                case_study(topics=[]),
                author_indexable=False,
            )
        item = await items.store_remote_item(
            session, post, author, CASE, case_study(), author_indexable=False
        )
        # Its origin is its author's server; its license is not this instance's
        assert (item.origin, item.indexable) == ("reno.example", False)
        assert "license" not in item.document
        # An update keeps the former document; the item's own word wins
        again = await items.store_remote_item(
            session,
            post,
            author,
            CASE,
            case_study(indexable=True),
            author_indexable=False,
        )
        assert (again.id, again.indexable) == (item.id, True)
        assert len(await reading.item_history(session, CASE, item.id)) == 2


# --- applying ----------------------------------------------------------------------


async def test_accounts_mark_and_unmark_that_they_are_applying(db):
    async with db.session() as session:
        state = await account(session, "state")
        ojai = await account(session, "ojai")
        reno = await account(session, "reno")
        item = await publish(session, state, FUNDING)
        await applying.mark_applying(session, ojai, item.id)
        twice = await applying.mark_applying(session, ojai, item.id)
        assert (twice.applying, twice.applicants_count) == (True, 1)
        view = await applying.mark_applying(session, reno, item.id)
        assert view.applicants_count == 2
        found = await applying.applicants(session, item.id, Page())
        assert [a.username for _, a in found] == ["reno", "ojai"]
        gone = await applying.unmark_applying(session, ojai, item.id)
        assert (gone.applying, gone.applicants_count) == (False, 1)
        # Each mark, and the one taken back, federates (a Join and its Undo)
        rows = await session.scalars(select(Job).where(Job.kind == JobKind.FEDERATE))
        verbs = [j.payload["verb"] for j in rows if "application_id" in j.payload]
        assert sorted(verbs) == ["Apply", "Apply", "UndoApply"]


async def test_a_remote_mark_follows_the_same_rule(db):
    async with db.session() as session:
        state = await account(session, "state")
        reno, _ = await remote_article(session, indexable=True)
        grant = await publish(session, state, FUNDING)
        assert await applying.receive_mark(session, reno, grant)
        assert await applying.receive_mark(session, reno, grant)  # once
        found = await applying.applicants(session, grant.id, Page())
        assert [a.uri for _, a in found] == [reno.uri]
        await applying.receive_unmark(session, reno, grant)
        assert await applying.applicants(session, grant.id, Page()) == []
        # Closed, past, withdrawn, or not a funding opportunity: no mark
        closed = await publish(session, state, FUNDING, status="closed")
        study = await publish(session, state)
        withdrawn = await publish(session, state, FUNDING)
        await items.withdraw_item(session, state, withdrawn)
        for item in (closed, study, withdrawn):
            assert not await applying.receive_mark(session, reno, item)
            assert await library_q.get_application(session, item.id, reno.id) is None


async def test_a_closed_opportunity_takes_no_new_marks(db):
    async with db.session() as session:
        state = await account(session, "state")
        ojai = await account(session, "ojai")
        closed = await publish(session, state, FUNDING, status="closed")
        with pytest.raises(Unprocessable, match="closed"):
            await applying.mark_applying(session, ojai, closed.id)
        past = await publish(session, state, FUNDING)
        past.deadline = utcnow() - timedelta(minutes=1)
        with pytest.raises(Unprocessable, match="closed"):
            await applying.mark_applying(session, ojai, past.id)
        # A case study takes no marks at all
        study = await publish(session, state)
        with pytest.raises(Exception, match="Record not found"):
            await applying.mark_applying(session, ojai, study.id)
