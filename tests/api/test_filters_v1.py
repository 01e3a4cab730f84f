"""The deprecated v1 filters, kept as v2 filters of one keyword (as Mastodon)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
async def mayor(instance):
    await instance.create_account("mayor")
    return await instance.token("mayor")


async def create(http, token, **fields):
    body = {"phrase": "parking", "context": ["home", "public"], **fields}
    reply = await http.post("/api/v1/filters", token=token, json=body)
    assert reply.status == 200, reply.text
    return reply.json()


async def test_v1_filter_is_a_v2_filter_of_one_keyword(instance, http, mayor):
    # Given an older app creating an irreversible v1 filter
    made = await create(http, mayor, irreversible=True, whole_word=True)
    # When the v1 filter and the v2 filters are read
    shown = await http.get(f"/api/v1/filters/{made['id']}", token=mayor)
    v2 = (await http.get("/api/v2/filters", token=mayor)).json()
    # Then the v1 filter is the phrase; in v2 a hiding filter titled by it
    assert shown.json() == made
    assert (made["phrase"], made["irreversible"], made["whole_word"]) == (
        "parking",
        True,
        True,
    )
    assert [(f["title"], f["filter_action"]) for f in v2] == [("parking", "hide")]
    assert v2[0]["keywords"][0]["id"] == made["id"]


async def test_v1_filter_is_updated_and_deleted(instance, http, mayor):
    # Given a v1 filter
    made = await create(http, mayor)
    # When its phrase and contexts change, then it is deleted
    updated = await http.request(
        "PUT",
        f"/api/v1/filters/{made['id']}",
        token=mayor,
        json={"phrase": "potholes", "context": ["notifications"]},
    )
    deleted = await http.request("DELETE", f"/api/v1/filters/{made['id']}", token=mayor)
    gone = await http.get(f"/api/v1/filters/{made['id']}", token=mayor)
    # Then the update shows, and afterwards it is gone
    assert (updated.json()["phrase"], updated.json()["context"]) == (
        "potholes",
        ["notifications"],
    )
    assert (deleted.status, deleted.json()) == (200, {})
    assert gone.status == 404


async def test_v1_update_of_a_shared_filter_is_refused(instance, http, mayor):
    # Given a v2 filter with two keywords
    v2 = await http.post(
        "/api/v2/filters",
        token=mayor,
        json={
            "title": "roads",
            "context": ["home"],
            "keywords_attributes": [{"keyword": "potholes"}, {"keyword": "detour"}],
        },
    )
    keyword_id = v2.json()["keywords"][0]["id"]
    # When a v1 app changes the filter's contexts through one keyword
    reply = await http.request(
        "PUT",
        f"/api/v1/filters/{keyword_id}",
        token=mayor,
        json={"phrase": "potholes", "context": ["public"]},
    )
    # Then it is refused, as the change would touch the other keyword too
    assert reply.status == 422


async def test_v1_filter_refusals(instance, http, mayor):
    # Given an account
    # When a filter has no phrase, no context, or another account's id is read
    no_phrase = await http.post(
        "/api/v1/filters", token=mayor, json={"context": ["home"]}
    )
    no_context = await http.post("/api/v1/filters", token=mayor, json={"phrase": "x"})
    made = await create(http, mayor)
    await instance.create_account("clerk")
    other = await http.get(
        f"/api/v1/filters/{made['id']}", token=await instance.token("clerk")
    )
    # Then each is refused
    assert (no_phrase.status, no_context.status, other.status) == (422, 422, 404)


async def test_v1_filter_expiring_past_any_date_is_422_not_500(instance, http, mayor):
    # When a v1 filter is to expire in more seconds than any date can hold
    reply = await http.post(
        "/api/v1/filters",
        token=mayor,
        json={"phrase": "parking", "context": ["home"], "expires_in": 10**20},
    )
    # Then it is refused as invalid
    assert reply.status == 422, reply.text
