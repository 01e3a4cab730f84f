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
from tests.support.group_threads import page
from tests.support.library import case_study, funding
from tests.support.pages import alternates, browser, h1
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
    assert "CA (1)" in main and "NV (1)" in main
    assert "Case studies (2)" in main and "Funding opportunities (1)" in main
    assert 'href="/library/search"' in main
    assert "Wildfire resilience grants" not in main
    # And the header links to it on every page
    assert '<a href="/library">Library</a>' in listed.text
    # And each filter keeps only its items, the other filter's counts follow it
    assert "Tiny homes village" in housing.text
    assert "Pothole blitz" not in housing.text.split("<main", 1)[1]
    assert "NV (1)" in housing.text and "CA (1)" not in housing.text
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
    assert "General fund" in html and "Ventura County" in html
    assert 'href="/library?kind=case-studies&amp;topic=infrastructure"' in html
    # The results as bars, their figures in words beside them
    assert "pothole repair time" in html
    assert '<rect class="bar-before" x="0" y="0" width="100.0"' in html
    assert '<rect class="bar-after" x="0" y="0" width="22.2"' in html
    assert "9 days" in html and "2 days" in html
    # The author and the contact known here with their verified offices; the
    # unknown contact by its handle
    assert html.count("✔ Verified: Mayor") == 2
    assert "@nobody@elsewhere.example" in html
    # The attachment, the case study it adapted (by its title, here) and related
    assert 'href="https://ojai.example/report.pdf"' in html
    assert f'href="/library/case-studies/{first.id}">Street sweeping</a>' in html
    assert 'href="https://elsewhere.example/library/case-studies/9"' in html
    # Its history: two versions, the title changed
    assert "Version 2 (current)" in html and "Version 1," in html
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
