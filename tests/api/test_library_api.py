"""fedcity's library endpoints (issue 14): `/api/v1/fedcity/case_studies` and
`/api/v1/fedcity/funding_opportunities` (list, publish, show, edit, history,
withdraw), "I'm applying" marks, and what Mastodon apps see of an item through
`/api/v1/statuses/:id`. The rules behind them are tested in
tests/services/test_library.py."""

from __future__ import annotations

from typing import Any

import pytest

from fedcity.services.offices import attestations as offices
from tests.support.http import Http
from tests.support.instances import LiveInstance
from tests.support.library import case_study, funding

pytestmark = pytest.mark.usefixtures("backend")

CASES = "/api/v1/fedcity/case_studies"
FUNDS = "/api/v1/fedcity/funding_opportunities"


async def mayor(instance: LiveInstance) -> str:
    """An account holding the office of mayor of Ojai; its token."""
    await instance.create_account("mayor")
    async with instance.db.session() as session:
        subject = await offices.find_account(session, "mayor", instance.domain)
        await offices.verify(
            session,
            offices.Issuer(instance.fed.urls, "City of Ojai"),
            subject,
            offices.Claim(role="mayor", jurisdiction="Ojai, CA"),
        )
    return await instance.token("mayor")


async def publish(http: Http, token: str, path: str = CASES, **changes: Any) -> dict:
    doc = case_study(**changes) if path == CASES else funding(**changes)
    reply = await http.post(path, token=token, json=doc)
    assert reply.status == 200, reply.text
    return dict(reply.json())


# --- publishing and reading --------------------------------------------------------


async def test_an_official_publishes_a_case_study_anyone_can_read(instance, http):
    # Given the mayor of Ojai, signed in
    token = await mayor(instance)
    # When she publishes a case study without a summary
    item = await publish(http, token)
    # Then it carries its fields, a generated summary, and what the instance knows
    assert (item["type"], item["title"]) == ("case_study", "Pothole blitz")
    assert item["jurisdiction"]["state"] == "CA"
    assert item["summary"].startswith("Ojai, CA (pop. 7,600) cut pothole repair time")
    assert item["summary_generated"] is True
    assert item["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert item["hashtags"] == ["potholes"]
    assert item["origin"] == instance.domain
    assert item["url"] == f"{instance.base_url}/library/case-studies/{item['id']}"
    assert item["uri"].startswith(f"{instance.base_url}/users/mayor/statuses/")
    assert (item["versions_count"], item["updated_at"]) == (1, None)
    # And its author is an Account showing the verified office
    author = item["author"]
    assert author["username"] == "mayor"
    assert [o["role"] for o in author["fedcity"]["offices"]] == ["mayor"]
    # And anyone reads it, alone and in the list
    shown = await http.get(f"{CASES}/{item['id']}")
    assert shown.status == 200
    assert shown.json() == item
    listed = await http.get(CASES, params={"topic": "infrastructure", "state": "CA"})
    assert [i["id"] for i in listed.json()] == [item["id"]]
    assert (await http.get(CASES, params={"topic": "housing"})).json() == []


async def test_mastodon_apps_see_the_item_as_a_status_with_title_summary_and_link(
    instance, http
):
    token = await mayor(instance)
    item = await publish(http, token)
    # When an app reads the item's post as a status
    reply = await http.get(f"/api/v1/statuses/{item['status_id']}", token=token)
    # Then it is a public status that reads as a useful post
    assert reply.status == 200, reply.text
    status = reply.json()
    assert status["id"] == item["id"]
    assert status["visibility"] == "public"
    assert status["url"] == item["url"]
    assert status["content"].startswith(
        "<h2>Pothole blitz</h2><p>Ojai, CA (pop. 7,600) cut pothole repair time"
    )
    assert f'<a href="{item["url"]}">' in status["content"]
    assert [t["name"] for t in status["tags"]] == ["potholes"]
    # And the author's timeline has it
    timeline = await http.get(f"/api/v1/accounts/{item['author']['id']}/statuses")
    assert [s["id"] for s in timeline.json()] == [item["status_id"]]


async def test_an_edit_keeps_the_history_and_an_entity_sent_back_is_the_same_document(
    instance, http
):
    token = await mayor(instance)
    item = await publish(http, token)
    # When the author sends the item back with one change
    edited = await http.request(
        "PUT",
        f"{CASES}/{item['id']}",
        token=token,
        json={**item, "status": "abandoned"},
    )
    # Then only that changed: the summary is still generated, the history grew
    assert edited.status == 200, edited.text
    now = edited.json()
    assert now["status"] == "abandoned"
    assert now["summary_generated"] is True
    assert now["summary"].endswith("(abandoned).")
    assert (now["versions_count"], now["updated_at"] is not None) == (2, True)
    history = (await http.get(f"{CASES}/{item['id']}/history")).json()
    assert [v["document"]["status"] for v in history] == ["completed", "abandoned"]
    assert [v["current"] for v in history] == [False, True]


async def test_a_funding_opportunity_keeps_its_apply_url_apart_from_its_page(
    instance, http
):
    token = await mayor(instance)
    item = await publish(http, token, FUNDS)
    assert item["url"] == f"{instance.base_url}/library/funding/{item['id']}"
    assert item["apply_url"] == "https://calfire.example/apply"
    assert (item["applicants_count"], item["applying"]) == (0, False)
    sent_back = await http.request(
        "PUT", f"{FUNDS}/{item['id']}", token=token, json={**item, "match_required": 10}
    )
    assert sent_back.status == 200, sent_back.text
    assert sent_back.json()["apply_url"] == "https://calfire.example/apply"


async def test_funding_lists_hide_closed_ones_unless_asked_and_page_with_links(
    instance, http
):
    token = await mayor(instance)
    first = await publish(http, token, FUNDS, title="First")
    await publish(http, token, FUNDS, title="Closed", status="closed")
    last = await publish(http, token, FUNDS, title="Last")
    shown = await http.get(FUNDS)
    assert [i["title"] for i in shown.json()] == ["Last", "First"]
    every = await http.get(FUNDS, params={"include_closed": "true"})
    assert [i["title"] for i in every.json()] == ["Last", "Closed", "First"]
    # Paged: one at a time, following the Link header
    page = await http.get(FUNDS, params={"limit": "1"})
    assert [i["id"] for i in page.json()] == [last["id"]]
    following = await http.get(page.links["next"])
    assert [i["id"] for i in following.json()] == [first["id"]]


async def test_withdrawing_leaves_a_tombstone(instance, http):
    token = await mayor(instance)
    item = await publish(http, token)
    gone = await http.request("DELETE", f"{CASES}/{item['id']}", token=token)
    assert gone.status == 200, gone.text
    assert gone.json()["withdrawn_at"] is not None
    shown = await http.get(f"{CASES}/{item['id']}")
    assert shown.status == 410
    assert shown.json()["error"] == "This item was withdrawn by its author"
    assert (await http.get(f"/api/v1/statuses/{item['status_id']}")).status == 404
    assert (await http.get(CASES)).json() == []


# --- refusals ----------------------------------------------------------------------


async def test_an_invalid_document_is_a_422_naming_each_field(instance, http):
    token = await mayor(instance)
    doc = case_study(jurisdiction={"name": "Ojai"}, topics=["roads"])
    reply = await http.post(CASES, token=token, json=doc)
    assert reply.status == 422
    body = reply.json()
    assert body["error"].startswith(
        "Validation failed: jurisdiction.state: is required"
    )
    assert body["details"][0] == {
        "field": "jurisdiction.state",
        "problem": "is required",
    }
    assert body["details"][1]["field"] == "topics[0]"
    assert body["details"][1]["problem"].startswith("'roads' is not one of housing")
    # A funding rule beyond the schema is named the same way
    wrong = funding(amount={"min": 9, "max": 1, "currency": "USD"})
    refused = await http.post(FUNDS, token=token, json=wrong)
    assert refused.json()["details"] == [
        {"field": "amount.max", "problem": "must not be less than amount.min"}
    ]


async def test_who_may_do_what(instance, http):
    token = await mayor(instance)
    await instance.create_account("clerk")
    clerk = await instance.token("clerk")
    reader = await instance.token("clerk", "read")
    item = await publish(http, token)
    one = f"{CASES}/{item['id']}"
    # 401 without a token, 403 without the write scope or on someone else's item
    assert (await http.post(CASES, json=case_study())).status == 401
    assert (await http.post(CASES, token=reader, json=case_study())).status == 403
    put = await http.request("PUT", one, token=clerk, json=case_study())
    assert put.status == 403
    assert (await http.request("DELETE", one, token=clerk)).status == 403
    # 404 for no such item, or one of the other kind
    assert (await http.get(f"{CASES}/123456789")).status == 404
    assert (await http.get(f"{FUNDS}/{item['id']}")).status == 404
    assert (await http.get(f"{CASES}/not-an-id")).status == 404
    # 415 for a form body
    form = await http.post(CASES, token=token, data={"title": "x"})
    assert form.status == 415


# --- applying ----------------------------------------------------------------------


async def test_towns_say_they_are_applying_and_anyone_sees_who(instance, http):
    token = await mayor(instance)
    item = await publish(http, token, FUNDS)
    applying = f"{FUNDS}/{item['id']}/applying"
    await instance.create_account("reno")
    reno = await instance.token("reno")
    assert (await http.post(applying)).status == 401
    marked = await http.post(applying, token=reno)
    assert marked.status == 200, marked.text
    assert (marked.json()["applying"], marked.json()["applicants_count"]) == (True, 1)
    await http.post(applying, token=token)
    who = await http.get(applying)
    assert [a["username"] for a in who.json()] == ["mayor", "reno"]
    assert "next" in who.links
    # The viewer's own mark shows on the item
    mine = (await http.get(f"{FUNDS}/{item['id']}", token=reno)).json()
    assert (mine["applying"], mine["applicants_count"]) == (True, 2)
    taken_back = await http.request("DELETE", applying, token=reno)
    assert (taken_back.json()["applying"], taken_back.json()["applicants_count"]) == (
        False,
        1,
    )
    # A case study has no applying route; a closed opportunity takes no marks
    study = await publish(http, token)
    study_mark = await http.post(f"{CASES}/{study['id']}/applying", token=reno)
    assert study_mark.status == 404
    closed = await publish(http, token, FUNDS, status="closed")
    refused = await http.post(f"{FUNDS}/{closed['id']}/applying", token=reno)
    assert refused.status == 422
