"""`GET /api/v1/fedcity/search` (issue 14, docs/library.md "Search"): items of
both kinds found by words and filters, each saying whether its author holds a
verified office; wrong parameters refused with 422 and the reason; pages linked
by `Link` (by offset when ranked, by id when not); and Mastodon's
`/api/v2/search` finding an item's post by its words and its hashtags. The rules
are tested in tests/services/test_library_search.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_library_api import CASES, FUNDS, mayor, publish
from tests.support.http import Http
from tests.support.instances import LiveInstance

pytestmark = pytest.mark.usefixtures("backend")

SEARCH = "/api/v1/fedcity/search"


async def search(http: Http, **params: Any) -> list[dict[str, Any]]:
    reply = await http.get(SEARCH, params=params)
    assert reply.status == 200, reply.text
    return list(reply.json())


async def resident(instance: LiveInstance) -> str:
    """A signed-in account holding no office; its token."""
    await instance.create_account("resident")
    return await instance.token("resident")


async def test_items_of_both_kinds_are_found_with_their_type_and_author(instance, http):
    # Given the mayor's case study and funding opportunity, and a resident's
    token = await mayor(instance)
    case = await publish(http, token)
    fund = await publish(http, token, FUNDS)
    other = await publish(
        http,
        await resident(instance),
        title="Pothole watch",
        problem="Neighbours map potholes.",
        results=[],
    )
    # When anyone searches by a word of the case study's (stemmed)
    found = await search(http, q="repairs")
    # Then it is found, as the entity the library's endpoints show
    assert [i["id"] for i in found] == [case["id"]]
    assert found[0]["type"] == "case_study"
    assert found[0]["author"]["username"] == "mayor"
    assert found[0]["author_verified"] is True
    # And a filter on the kind, topic, state and deadline finds the opportunity
    found = await search(
        http,
        type="funding_opportunity",
        topic="sustainability",
        state="NV",
        deadline_after="2030-01-01",
    )
    assert [(i["id"], i["type"]) for i in found] == [
        (fund["id"], "funding_opportunity")
    ]
    # And "verified officials only" leaves out the resident's item
    both = await search(http, q="pothole")
    assert {i["id"]: i["author_verified"] for i in both} == {
        case["id"]: True,
        other["id"]: False,
    }
    assert [i["id"] for i in await search(http, q="pothole", verified="true")] == [
        case["id"]
    ]


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"type": "case_studies"}, "type 'case_studies' is not one of case_study, funding_opportunity"),
        ({"topic": "roads"}, "topic 'roads' is not one of housing"),
        ({"state": "Nevada"}, "state must be a two-letter code such as CA, not 'Nevada'"),
        ({"population_min": "ten"}, "population_min must be a whole number of at least 0, not 'ten'"),
        ({"population_min": "9", "population_max": "1"}, "population_min must not be above population_max"),
        ({"cost_max": "-5"}, "cost_max must be a number of at least 0, not '-5'"),
        ({"deadline_after": "next week"}, "deadline_after must be a date (2027-03-01)"),
        ({"evidence_level": "strong"}, "evidence_level 'strong' is not one of"),
        ({"status": "done"}, "status 'done' is not one of planned, in_progress, completed"),
        ({"ocd_id": "ojai"}, "ocd_id must be an OCD division id"),
    ],
)  # fmt: skip
async def test_a_wrong_parameter_is_a_422_with_the_reason(http, params, reason):
    reply = await http.get(SEARCH, params=params)
    assert reply.status == 422
    assert reason in reply.json()["error"]


async def test_pages_are_linked_by_offset_when_ranked_and_by_id_when_not(
    instance, http
):
    # Given five case studies about potholes
    token = await mayor(instance)
    ids = [
        (await publish(http, token, title=f"Pothole crew {n}"))["id"] for n in range(5)
    ]
    # When one searches by words, two at a time, and follows the links
    seen: list[str] = []
    reply = await http.get(SEARCH, params={"q": "pothole", "limit": "2"})
    assert "prev" not in reply.links
    while True:
        assert reply.status == 200
        seen += [i["id"] for i in reply.json()]
        if "next" not in reply.links:
            break
        assert "offset=" in reply.links["next"]
        reply = await http.get(reply.links["next"])
    # Then every item comes once, the last page linking back
    assert sorted(seen) == sorted(ids)
    assert "offset=2" in reply.links["prev"]
    # And without words the pages go newest first, linked by id
    reply = await http.get(SEARCH, params={"topic": "infrastructure", "limit": "2"})
    assert [i["id"] for i in reply.json()] == ids[::-1][:2]
    assert f"max_id={ids[3]}" in reply.links["next"]
    following = await http.get(reply.links["next"])
    assert [i["id"] for i in following.json()] == ids[::-1][2:4]


async def test_mastodon_search_finds_the_items_post_by_words_and_hashtag(
    instance, http
):
    # Given the mayor's case study (#potholes), whose account opted out of
    # search, and an item she said may not be found
    token = await mayor(instance)
    opted_out = await http.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        token=token,
        json={"indexable": False},
    )
    assert opted_out.json()["indexable"] is False
    item = await publish(http, token)
    hidden = await publish(
        http, token, title="Sinkhole survey", hashtags=["sinkholes"], indexable=False
    )
    reader = await resident(instance)
    # When a signed-in resident searches statuses by a word of its summary…
    reply = await http.get(
        "/api/v2/search",
        token=reader,
        params={"q": "pothole repair", "type": "statuses"},
    )
    # Then the item's post is found: items are published to be found
    assert [s["id"] for s in reply.json()["statuses"]] == [item["status_id"]]
    # …and by its hashtag, which is listed too
    reply = await http.get("/api/v2/search", token=reader, params={"q": "#potholes"})
    assert [s["id"] for s in reply.json()["statuses"]] == [item["status_id"]]
    assert [t["name"] for t in reply.json()["hashtags"]] == ["potholes"]
    # But the item that may not be found is not, by words or hashtag
    for q in ("sinkhole survey", "#sinkholes"):
        reply = await http.get(
            "/api/v2/search", token=reader, params={"q": q, "type": "statuses"}
        )
        assert reply.json()["statuses"] == [], q
    assert hidden["id"] not in [i["id"] for i in await search(http, q="sinkhole")]
    # And a withdrawn item's post is no longer found
    await http.request("DELETE", f"{CASES}/{item['id']}", token=token)
    reply = await http.get(
        "/api/v2/search", token=reader, params={"q": "pothole", "type": "statuses"}
    )
    assert reply.json()["statuses"] == []
    assert await search(http, q="pothole") == []
