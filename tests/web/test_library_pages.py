"""The library's pages (issue 14, "On the web"): browsing (/library), an item's
page, the compose, edit and withdraw forms, the funding board with "I'm
applying", and the feeds (Atom, iCalendar). The form's conversions and the
iCalendar writer are tested on their own in tests/unit/test_library_forms.py."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any
from xml.etree import ElementTree as ET

from fedcity.services.library import applying, items
from fedcity.services.offices import attestations as offices
from fedcity.storage.models import LibraryItem, LibraryKind
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import library as library_q
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries.posts import Page
from tests.support.group_threads import page
from tests.support.http import AS2
from tests.support.library import case_study, funding
from tests.support.pages import alternates, browser, deliver_remote_note, h1
from tests.support.web import csrf_of, signed_in_client

CASE = LibraryKind.CASE_STUDY
FUNDING = LibraryKind.FUNDING_OPPORTUNITY
ATOM = "{http://www.w3.org/2005/Atom}"


async def official(instance, name: str, place: str = "Ojai, CA", population=7637):
    """A local account holding an office this instance verified."""
    actor = await instance.create_account(name, display_name=name.title())
    claim = offices.Claim(
        role="mayor",
        jurisdiction=place,
        population=population,
        term_start=date(2024, 12, 1),
        term_end=date(2099, 12, 1),
    )
    async with instance.db.session() as session:
        subject = await offices.find_account(session, name, instance.domain)
        issuer = offices.Issuer(instance.fed.urls, instance.settings.instance.name)
        await offices.verify(session, issuer, subject, claim)
    return actor


async def publish(instance, name: str, kind: LibraryKind, doc: dict[str, Any]):
    """`name` publishes `doc` through the service the API and the form use."""
    async with instance.db.session() as session:
        author = await actor_q.get_local_actor(session, name)
        return await items.create_item(
            session,
            instance.fed.urls,
            author,
            kind,
            doc,
            default_license="https://creativecommons.org/licenses/by/4.0/",
        )


async def stored(instance, item_id: int) -> LibraryItem:
    async with instance.db.session() as session:
        found = await library_q.get_item(session, item_id)
    assert found is not None
    return found


async def post_form(client, path: str, fields: list[tuple[str, str]]):
    """POST the form of page `path` with `fields` (and its CSRF token)."""
    token = await csrf_of(client, path)
    async with client.post(
        path, data=[("csrf_token", token), *fields], allow_redirects=False
    ) as reply:
        return reply.status, reply.headers.get("Location", ""), await reply.text()


def field_value(html: str, name: str) -> str | None:
    """The value of input `name` in a page."""
    found = re.search(rf'name="{re.escape(name)}" type="[^"]*" value="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


# -- browsing -------------------------------------------------------------------


async def test_the_library_lists_items_by_topic_and_state_with_counts(instance):
    # Given two case studies in two states, on two topics, and a funding opportunity
    await official(instance, "mayor")
    await publish(instance, "mayor", CASE, case_study())
    nevada = case_study(
        title="Tiny homes village",
        jurisdiction={"name": "Reno", "state": "NV"},
        topics=["housing", "homelessness"],
    )
    await publish(instance, "mayor", CASE, nevada)
    await publish(instance, "mayor", FUNDING, funding())
    async with browser(instance) as http:
        # When a visitor opens the library
        listed = await http.get("/library")
        # And filters it by a topic, then by a state
        housing = await http.get("/library?topic=housing")
        california = await http.get("/library?state=CA")
        grants = await http.get("/library?kind=funding")
    # Then the case studies are listed newest first, with the filters' counts
    assert listed.status == 200
    assert h1(listed.text) == "Library"
    main = listed.text.split("<main", 1)[1]
    assert main.index("Tiny homes village") < main.index("Pothole blitz")
    assert "Infrastructure (1)" in main
    assert "Housing (1)" in main
    assert "CA (1)" in main
    assert "NV (1)" in main
    assert "Case studies (2)" in main
    assert "Funding opportunities (1)" in main
    assert 'href="/library/search"' in main
    assert "Wildfire resilience grants" not in main
    # And the header links to it on every page
    assert '<a href="/library">Library</a>' in listed.text
    # And each filter keeps only its items, the other filter's counts follow it
    assert "Tiny homes village" in housing.text
    assert "Pothole blitz" not in housing.text.split("<main", 1)[1]
    assert "NV (1)" in housing.text
    assert "CA (1)" not in housing.text
    assert "Pothole blitz" in california.text
    assert "Tiny homes village" not in california.text
    assert "Wildfire resilience grants" in grants.text
    assert alternates(listed.text)["application/atom+xml"] == (
        "/library/case-studies.atom"
    )


# -- an item's page -------------------------------------------------------------


async def test_a_case_study_page_shows_every_part_of_it(instance):
    # Given an official's case study adapted from another known here, with a
    # contact who holds a verified office, then edited once
    await official(instance, "mayor")
    await official(instance, "publicworks", place="Ventura, CA", population=110000)
    first = await publish(instance, "mayor", CASE, case_study(title="Street sweeping"))
    doc = case_study(
        contacts=["@publicworks", "@nobody@elsewhere.example"],
        adapted_from=first.uri,
        related=["https://elsewhere.example/library/case-studies/9"],
    )
    item = await publish(instance, "mayor", CASE, doc)
    async with instance.db.session() as session:
        author = await actor_q.get_local_actor(session, "mayor")
        mine = await library_q.get_item(session, item.id)
        await items.update_item(
            session,
            instance.fed.urls,
            author,
            mine,
            {**doc, "title": "Pothole blitz, two years on"},
            default_license="https://creativecommons.org/licenses/by/4.0/",
        )
    async with browser(instance) as http:
        # When a visitor opens its page
        reply = await http.get(f"/library/case-studies/{item.id}")
        # And the same id under the other kind
        other = await http.get(f"/library/funding/{item.id}")
    # Then every part of it is there
    assert reply.status == 200
    html = reply.text
    assert h1(html) == "Pothole blitz, two years on"
    assert "Ojai, CA (pop. 7,600) cut pothole repair time from 9 to 2 days" in html
    assert "$42,000" in html
    assert "Residents waited nine days for a pothole repair." in html
    assert "General fund" in html
    assert "Ventura County" in html
    assert 'href="/library?kind=case-studies&amp;topic=infrastructure"' in html
    # The results as bars, their figures in words beside them
    assert "pothole repair time" in html
    assert '<rect class="bar-before" x="0" y="0" width="100.0"' in html
    assert '<rect class="bar-after" x="0" y="0" width="22.2"' in html
    assert "9 days" in html
    assert "2 days" in html
    # The author and the contact known here with their verified offices; the
    # unknown contact by its handle
    assert html.count("✔ Verified: Mayor") == 2
    assert "@nobody@elsewhere.example" in html
    # The attachment, the case study it adapted (by its title, here) and related
    assert 'href="https://ojai.example/report.pdf"' in html
    assert f'href="/library/case-studies/{first.id}">Street sweeping</a>' in html
    assert 'href="https://elsewhere.example/library/case-studies/9"' in html
    # Its history: two versions, the title changed
    assert "Version 2 (current)" in html
    assert "Version 1," in html
    assert "Changed: Title" in html
    # Its ActivityPub document, and the way to write to its people
    assert alternates(html)["application/activity+json"] == item.uri
    assert (
        'href="/compose?mention=mayor&amp;mention=publicworks'
        "&amp;mention=nobody%40elsewhere.example&amp;visibility=direct"
    ) in html
    # And a visitor is offered no edit
    assert f"/library/case-studies/{item.id}/edit" not in html
    assert other.status == 404


async def test_a_remote_item_shows_its_origin_and_servers_get_the_article(
    instance, remote
):
    # Given a case study this instance received from another server, and a
    # local one
    actor = await deliver_remote_note(instance, remote, "<p>Pothole blitz</p>")
    async with instance.db.session() as session:
        post = await post_q.get_post_by_uri(session, f"{actor.uri}/statuses/1")
        author = await actor_q.get_actor_by_uri(session, actor.uri)
        assert post is not None
        assert author is not None
        received = await items.store_remote_item(
            session, post, author, CASE, case_study(), author_indexable=True
        )
    await official(instance, "mayor")
    local = await publish(instance, "mayor", CASE, case_study())
    async with browser(instance) as http:
        # When a visitor opens the received one's page
        page_html = (await http.get(f"/library/case-studies/{received.id}")).text
        # And a server asks for the local one's page as ActivityPub
        asked = await http.get(f"/library/case-studies/{local.id}", accept=AS2)
    # Then the page names the server it came from, and links its own page
    assert f"This item comes from {remote.domain}." in page_html
    assert f'href="{remote.base_url}/@reporter/1">See it on its own server' in page_html
    # And the server is sent to the local item's Article
    assert asked.status == 302
    assert asked.headers["Location"] == local.uri


async def test_a_withdrawn_item_answers_410(instance):
    # Given an official's case study
    await official(instance, "mayor")
    item = await publish(instance, "mayor", CASE, case_study())
    path = f"/library/case-studies/{item.id}"
    async with await signed_in_client(instance, "mayor") as client:
        # When its author opens it, then asks to withdraw it
        assert f'href="{path}/withdraw"' in await page(client, path)
        confirm = await page(client, f"{path}/withdraw")
        assert "This cannot be undone." in confirm
        # And confirms
        status, location, _ = await post_form(client, f"{path}/withdraw", [])
        # Then the library says it is withdrawn
        assert (status, location) == (303, "/library?done=withdrawn")
        assert "The item is withdrawn." in await page(client, location)
    # And its page answers 410, withdrawn by its author
    async with browser(instance) as http:
        gone = await http.get(path)
    assert gone.status == 410
    assert "This item was withdrawn by its author" in gone.text
    assert (await stored(instance, item.id)).withdrawn_at is not None


async def test_only_its_author_edits_an_item_and_officials_compose(instance):
    # Given an official's item, and a resident without an office
    await official(instance, "mayor")
    await instance.create_account("resident")
    item = await publish(instance, "mayor", CASE, case_study())
    async with await signed_in_client(instance, "resident") as client:
        # When the resident opens the compose form, or the item's edit form
        async with client.get("/library/case-studies/new") as compose:
            refused = await compose.text()
            assert compose.status == 403
        async with client.get(f"/library/case-studies/{item.id}/edit") as edit:
            assert edit.status == 403
        async with client.post(
            f"/library/case-studies/{item.id}/withdraw",
            data={"csrf_token": await csrf_of(client, "/library")},
            allow_redirects=False,
        ) as withdraw:
            assert withdraw.status == 403
    # Then both are refused with the reason
    assert "Only accounts holding a verified office" in refused
    assert (await stored(instance, item.id)).withdrawn_at is None
    # And someone signed out is sent to sign in
    async with browser(instance) as http:
        anonymous = await http.get("/library/funding/new")
    assert anonymous.status == 303
    assert anonymous.headers["Location"].startswith("/auth/sign_in?next=")


# -- the compose and edit forms -------------------------------------------------

VALID_CASE = [
    ("title", "Pothole blitz"),
    ("jurisdiction.name", "Ojai"),
    ("jurisdiction.state", "CA"),
    ("jurisdiction.population", "7,600"),
    ("topics", "infrastructure"),
    ("hashtags", "#potholes, #311"),
    ("results[0].measure", "pothole repair time"),
    ("results[0].before", "9"),
    ("results[0].after", "2"),
    ("results[0].unit", "days"),
    ("cost.amount", "42000"),
    ("cost.currency", "USD"),
    ("funding_sources[0]", "General fund"),
    ("status", "completed"),
    ("language", "en"),
    ("indexable", "1"),
]


async def test_the_form_shows_each_problem_next_to_its_field(instance):
    # Given an official on the compose form
    await official(instance, "mayor")
    async with await signed_in_client(instance, "mayor") as client:
        form = await page(client, "/library/case-studies/new")
        assert "novalidate" in form
        assert 'name="results[0].measure"' in form
        # When they publish with no title, a state in words, a result without
        # its measure, a cost without currency and dates out of order
        fields = [
            ("title", ""),
            ("jurisdiction.name", "Ojai"),
            ("jurisdiction.state", "California"),
            ("topics", "infrastructure"),
            ("results[0].measure", ""),
            ("results[0].before", "9"),
            ("cost.amount", "lots"),
            ("cost.currency", ""),
            ("start_date", "2025-06-01"),
            ("end_date", "2025-01-01"),
            ("indexable", "1"),
        ]
        status, _, html = await post_form(client, "/library/case-studies/new", fields)
    # Then the form comes back (422) with its values and every problem, each
    # next to its field and in the summary, which links to the field
    assert status == 422
    assert "<title>Error: New case study" in html
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    for name, text in [
        ("title", "Title: is required"),
        ("jurisdiction.state", "State: must be a two-letter state code, such as CA"),
        ("results[0].measure", "Result 1: Measure: is required"),
        ("cost.amount", "Cost: must be a number"),
        ("cost.currency", "Currency: is required"),
        ("end_date", "End date: must not be before start_date"),
    ]:
        assert f'<a href="#field-{name}">{text}</a>' in summary, name
    assert (
        'aria-describedby="hint-jurisdiction.state error-jurisdiction.state"'
        ' aria-invalid="true"'
    ) in html
    assert (
        '<p class="field-error" id="error-jurisdiction.state"><strong>'
        "must be a two-letter state code, such as CA</strong></p>"
    ) in html
    assert field_value(html, "jurisdiction.state") == "California"
    assert field_value(html, "results[0].before") == "9"
    # And nothing was published
    async with browser(instance) as http:
        listed = await http.get("/library")
    assert "Nothing here yet." in listed.text


async def test_add_another_adds_a_row_and_publishing_makes_the_item(instance):
    # Given an official filling in the compose form
    await official(instance, "mayor")
    async with await signed_in_client(instance, "mayor") as client:
        # When they press "Add another result"
        status, _, more = await post_form(
            client, "/library/case-studies/new", [*VALID_CASE, ("add", "results")]
        )
        # Then the form comes back with an empty second row that takes focus,
        # their values kept, and nothing saved
        assert status == 200
        assert field_value(more, "results[0].measure") == "pothole repair time"
        assert field_value(more, "results[1].measure") == ""
        assert 'name="results[1].measure" type="text" value="" autofocus' in more
        assert "error-summary" not in more
        # When they fill the row in and publish (an empty partner row is dropped)
        second = [
            ("results[1].measure", "complaints"),
            ("results[1].before", "40"),
            ("results[1].after", "many fewer"),
            ("partners[0]", ""),
        ]
        status, location, _ = await post_form(
            client, "/library/case-studies/new", [*VALID_CASE, *second]
        )
        # Then the item is published and its page says so
        assert status == 303
        assert location.startswith("/library/case-studies/")
        assert location.endswith("?done=published")
        shown = await page(client, location)
    assert "Published." in shown
    item = await stored(instance, int(location.split("/")[-1].split("?")[0]))
    doc = item.document
    assert doc["jurisdiction"] == {"name": "Ojai", "state": "CA", "population": 7600}
    assert doc["hashtags"] == ["potholes", "311"]
    assert doc["results"] == [
        {"measure": "pothole repair time", "before": 9, "after": 2, "unit": "days"},
        {"measure": "complaints", "before": 40, "after": "many fewer"},
    ]
    assert doc["cost"] == {"amount": 42000, "currency": "USD"}
    assert doc["funding_sources"] == ["General fund"]
    assert "partners" not in doc
    assert doc["indexable"] is True


async def test_editing_keeps_what_the_form_does_not_change(instance):
    # Given an official's funding opportunity with every field
    await official(instance, "mayor")
    item = await publish(instance, "mayor", FUNDING, funding(contacts=["@mayor"]))
    path = f"/library/funding/{item.id}/edit"
    async with await signed_in_client(instance, "mayor") as client:
        # When they open its edit form
        form = await page(client, path)
        # Then the deadline is shown in its own time zone
        assert field_value(form, "deadline") == "2099-03-01T17:00"
        assert '<option value="America/Los_Angeles" selected>' in form
        assert field_value(form, "eligibility.states") == "CA NV"
        # When they change the title and the deadline's day, and save
        fields = [
            ("title", "Wildfire resilience grants, round 2"),
            ("funder.name", "CAL FIRE"),
            ("funder.actor", "https://calfire.example/actor"),
            ("amount.min", "10000"),
            ("amount.max", "250000"),
            ("amount.currency", "USD"),
            ("deadline", "2099-07-01T17:00"),
            ("timezone", "America/Los_Angeles"),
            ("status", "posted"),
            ("opportunity_number", "CF-2099-01"),
            ("match_required", "25"),
            ("eligibility.states", "ca, nv"),
            ("eligibility.population_max", "50000"),
            ("eligibility.applicants", "city"),
            ("eligibility.applicants", "special_district"),
            ("topics", "emergency_management"),
            ("topics", "sustainability"),
            ("url", "https://calfire.example/apply"),
            ("contacts[0]", "@mayor"),
            ("language", "en"),
            ("indexable", "1"),
        ]
        status, location, _ = await post_form(client, path, fields)
    # Then the item has the new document, summer time and all
    assert (status, location) == (303, f"/library/funding/{item.id}?done=saved")
    saved = (await stored(instance, item.id)).document
    assert saved == {
        **funding(contacts=["@mayor"]),
        "title": "Wildfire resilience grants, round 2",
        "deadline": "2099-07-01T17:00:00-07:00",
        "indexable": True,
    }
    # And a deadline without its time zone is refused, next to the time zone
    async with await signed_in_client(instance, "mayor") as client:
        without = [(k, v) for k, v in fields if k != "timezone"]
        status, _, html = await post_form(client, path, without)
    assert status == 422
    assert (
        '<a href="#field-timezone">Time zone: Choose the time zone of the deadline</a>'
        in html
    )


# -- the funding board ----------------------------------------------------------


async def board_items(instance) -> dict[str, LibraryItem]:
    """Opportunities for the board: two open to California with deadlines in
    an order, one without a deadline, one for Nevada only, one for towns of
    at most 5,000 people, one closed."""
    await official(instance, "grants", place="Sacramento, CA", population=525000)
    docs = {
        "later": funding(title="Later grant", deadline="2099-09-01T17:00:00-07:00"),
        "sooner": funding(title="Sooner grant", deadline="2099-02-01T17:00:00-08:00"),
        "rolling": funding(title="Rolling grant", deadline=None, timezone=None),
        "nevada": funding(title="Nevada grant", eligibility={"states": ["NV"]}),
        "small": funding(
            title="Small towns grant", eligibility={"population_max": 5000}
        ),
        "closed": funding(title="Closed grant", status="closed"),
    }
    return {k: await publish(instance, "grants", FUNDING, d) for k, d in docs.items()}


def titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/library/funding/[0-9]+">([^<]+)</a></h2>', html)


async def test_the_board_shows_open_opportunities_for_the_viewers_office(instance):
    # Given opportunities for various places, and the mayor of Ojai, CA
    await board_items(instance)
    await official(instance, "mayor")
    async with await signed_in_client(instance, "mayor") as client:
        # When the mayor opens the funding board
        mine = await page(client, "/library/funding")
        # And asks for every place, closed ones too
        every = await page(client, "/library/funding?all=1&include_closed=1")
        # And for Nevada with a population typed wrong
        wrong = await page(client, "/library/funding?state=NV&population=lots")
    # Then the opportunities open to Ojai come soonest deadline first, those
    # without a deadline last; Nevada's, small towns' and closed ones are not
    assert titles(mine) == ["Sooner grant", "Later grant", "Rolling grant"]
    assert "the jurisdiction of your office" in mine
    assert "Ojai" in mine
    assert "Deadline: 2099-02-01 17:00 America/Los_Angeles" not in mine
    assert "2099-02-01 17:00 America/Los_Angeles" in mine
    assert 'href="/library/funding.ics?state=CA&amp;population=7637"' in mine
    assert set(titles(every)) == {
        "Sooner grant",
        "Later grant",
        "Rolling grant",
        "Nevada grant",
        "Small towns grant",
        "Closed grant",
    }
    # (the population typed wrong is left out of the filter, and said so)
    assert set(titles(wrong)) == set(titles(every)) - {"Closed grant"}
    assert "Enter the population as a whole number" in wrong
    # And someone signed out sees every open one, and a form to choose a place
    async with browser(instance) as http:
        anyone = await http.get("/library/funding?state=CA&population=3000")
    assert anyone.status == 200
    assert "Small towns grant" in anyone.text
    assert "Nevada grant" not in anyone.text
    assert '<option value="CA" selected>' in anyone.text


async def test_im_applying_is_listed_on_the_board_and_the_item(instance):
    # Given an open opportunity and a closed one
    found = await board_items(instance)
    await official(instance, "mayor")
    grant = found["sooner"]
    async with await signed_in_client(instance, "mayor") as client:
        board = await page(client, "/library/funding")
        assert f'action="/library/funding/{grant.id}/applying"' in board
        # When the mayor says they are applying, from the board
        token = await csrf_of(client, "/library/funding")
        async with client.post(
            f"/library/funding/{grant.id}/applying",
            data={"csrf_token": token, "applying": "1", "next": "/library/funding"},
            allow_redirects=False,
        ) as marked:
            # Then they come back to it on the board, marked
            assert marked.status == 303
            assert marked.headers["Location"] == f"/library/funding#item-{grant.id}"
        board = await page(client, "/library/funding")
        item = await page(client, f"/library/funding/{grant.id}")
        # And from the item's page, they take it back
        async with client.post(
            f"/library/funding/{grant.id}/applying",
            data={"csrf_token": token, "applying": "0"},
            allow_redirects=False,
        ) as unmarked:
            assert unmarked.headers["Location"] == (
                f"/library/funding/{grant.id}?done=not_applying"
            )
        # And a closed opportunity takes no mark
        async with client.post(
            f"/library/funding/{found['closed'].id}/applying",
            data={"csrf_token": token, "applying": "1"},
            allow_redirects=False,
        ) as closed:
            assert closed.status == 422
    entry = board.split(f'id="item-{grant.id}"', 1)[1].split("</article>", 1)[0]
    assert "1 account is applying" in entry
    assert ">Mayor</a>" in entry
    assert "I&#39;m no longer applying" in entry
    assert "1 account says it is applying, on this server or on one it follows." in item
    assert "✔ Verified: Mayor" in item
    async with instance.db.session() as session:
        assert await applying.applicants(session, grant.id, Page()) == []


# -- feeds ----------------------------------------------------------------------


def xml(text: str) -> ET.Element:
    # Our own feed, from a loopback server: no untrusted XML here.
    return ET.fromstring(text.encode())  # noqa: S314


def unfold(calendar: str) -> list[str]:
    """The content lines of an iCalendar document (RFC 5545 3.1), checking on
    the way that every line ends in CRLF and holds at most 75 octets."""
    assert calendar.endswith("\r\n")
    physical = calendar[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    return calendar[:-2].replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def events(calendar: str) -> list[dict[str, str]]:
    """Each VEVENT's properties (name → value, TEXT unescaped)."""
    found: list[dict[str, str]] = []
    for line in unfold(calendar):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            found.append({})
        elif found and line != "END:VEVENT" and line != "END:VCALENDAR":
            found[-1][name.split(";")[0]] = re.sub(
                r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value
            )
    return found


async def test_the_feeds_carry_new_items_and_deadlines(instance):
    # Given an official's case study and opportunities for several places, one
    # with a long title, commas and a semicolon
    found = await board_items(instance)
    await official(instance, "mayor")
    await publish(instance, "mayor", CASE, case_study())
    long = funding(
        title="Resilience; roads, bridges and culverts: the long-named state "
        "programme for towns — año 2099",
        deadline="2099-05-01T09:30:00-07:00",
    )
    named = await publish(instance, "mayor", FUNDING, long)
    async with browser(instance) as http:
        # When a reader fetches the Atom feeds and the calendar for Ojai
        studies = await http.get("/library/case-studies.atom")
        grants = await http.get("/library/funding.atom")
        ics = await http.get("/library/funding.ics?state=CA&population=7637")
        again = await http.get("/library/funding.ics?state=CA&population=7637")
    # Then the Atom feeds are XML with the items as entries
    assert studies.headers["Content-Type"].startswith("application/atom+xml")
    feed = xml(studies.text)
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Pothole blitz"
    assert entry.findtext(f"{ATOM}summary", "").startswith("Ojai, CA (pop. 7,600)")
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert "/library/case-studies/" in link.get("href", "")
    assert "<h2>Pothole blitz</h2>" in entry.findtext(f"{ATOM}content", "")
    grant_titles = [
        e.findtext(f"{ATOM}title") for e in xml(grants.text).findall(f"{ATOM}entry")
    ]
    assert "Sooner grant" in grant_titles
    assert "Closed grant" not in grant_titles
    # And the calendar is iCalendar: the deadlines open to Ojai, soonest first,
    # in UTC, each with a stable UID, its page and its text escaped
    assert ics.headers["Content-Type"] == "text/calendar; charset=utf-8"
    lines = unfold(ics.text)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", lines[2]]
    assert lines[2].startswith("PRODID:")
    shown = events(ics.text)
    assert [e["SUMMARY"] for e in shown] == [
        "Deadline: Sooner grant",
        f"Deadline: {long['title']}",
        "Deadline: Later grant",
    ]
    sooner, middle = shown[0], shown[1]
    assert sooner["DTSTART"] == "20990202T010000Z"
    assert middle["DTSTART"] == "20990501T163000Z"
    assert sooner["UID"] == f"{found['sooner'].uri}#deadline"
    assert sooner["URL"] == instance.fed.urls.library_item(
        "funding_opportunity", found["sooner"].id
    )
    assert sooner["DTSTAMP"].endswith("Z")
    assert sooner["SEQUENCE"] == "0"
    assert "Apply at https://calfire.example/apply" in sooner["DESCRIPTION"]
    assert "SUMMARY:Deadline: Resilience\\; roads\\, bridges" in ics.text.replace(
        "\r\n ", ""
    )
    assert [e["UID"] for e in events(again.text)] == [e["UID"] for e in shown]
    assert named.uri in middle["UID"]


async def test_contact_the_author_opens_a_direct_message_to_them(instance):
    # Given a signed-in resident following an item's "contact the author" link
    await instance.create_account("resident")
    link = "/compose?mention=mayor&mention=pw%40ojai.example&mention=bad%20one&visibility=direct"
    async with await signed_in_client(instance, "resident") as client:
        form = await page(client, link)
    # Then the compose form mentions them (a malformed handle left out), direct
    assert ">@mayor @pw@ojai.example </textarea>" in form
    assert (
        'value="direct" checked' in form or '<option value="direct" selected>' in form
    )
