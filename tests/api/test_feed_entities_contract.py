"""List, Marker, Filter, FilterKeyword, FilterStatus, FilterResult, Conversation and
Tag entities against the Mastodon OpenAPI description (see test_openapi_contract)."""

from __future__ import annotations

import pytest

from tests.api.test_openapi_contract import SPEC_PATH, check
from tests.support.http import account_id, follow, post_status

pytestmark = pytest.mark.skipif(
    not SPEC_PATH.exists(), reason=f"{SPEC_PATH} is missing (shared reference data)"
)


async def test_list_entity(instance, http):
    # Given a list
    await instance.create_account("alice")
    token = await instance.token("alice")
    await http.post("/api/v1/lists", token=token, json={"title": "Council"})
    # When the lists are read
    reply = await http.get("/api/v1/lists", token=token)
    # Then each is a valid List
    assert len(reply.json()) == 1
    check(reply.json()[0], "List")


async def test_marker_entity(instance, http):
    # Given a saved marker
    await instance.create_account("alice")
    token = await instance.token("alice")
    await http.post("/api/v1/markers", token=token, data={"home[last_read_id]": "5"})
    # When markers are read
    reply = await http.get("/api/v1/markers?timeline[]=home", token=token)
    # Then the home marker is a valid Marker
    check(reply.json()["home"], "Marker")


async def test_filter_keyword_status_and_result_entities(instance, http):
    # Given a warn filter with a keyword and a status, and a matching post
    await instance.create_account("alice")
    token = await instance.token("alice")
    status = await post_status(instance, http, "alice", "budget vote")
    created = await http.post(
        "/api/v2/filters",
        token=token,
        json={
            "title": "F",
            "context": ["home"],
            "filter_action": "warn",
            "expires_in": 3600,
            "keywords_attributes": [{"keyword": "budget", "whole_word": True}],
        },
    )
    filter_id = created.json()["id"]
    added = await http.post(
        f"/api/v2/filters/{filter_id}/statuses",
        token=token,
        json={"status_id": status["id"]},
    )
    # When the filter and home are read
    shown = await http.get(f"/api/v2/filters/{filter_id}", token=token)
    home = await http.get("/api/v1/timelines/home", token=token)
    # Then every entity is valid
    check(shown.json(), "Filter")
    check(shown.json()["keywords"][0], "FilterKeyword")
    check(added.json(), "FilterStatus")
    [result] = home.json()[0]["filtered"]
    check(result, "FilterResult")
    check(home.json()[0], "Status")


async def test_conversation_entity(instance, http):
    # Given a direct message
    await instance.create_account("alice")
    await instance.create_account("bob")
    await post_status(instance, http, "alice", "@bob hi", visibility="direct")
    # When bob lists his conversations
    reply = await http.get("/api/v1/conversations", token=await instance.token("bob"))
    # Then it is a valid Conversation
    check(reply.json()[0], "Conversation")


async def test_tag_entity(instance, http):
    # Given a followed tag
    await instance.create_account("alice")
    token = await instance.token("alice")
    followed = await http.post("/api/v1/tags/roads/follow", token=token)
    # When it is read, with and without a token
    mine = await http.get("/api/v1/tags/roads", token=token)
    anonymous = await http.get("/api/v1/tags/roads")
    # Then all are valid Tags
    check(followed.json(), "Tag")
    check(mine.json(), "Tag")
    check(anonymous.json(), "Tag")


async def test_relationship_with_mute_and_domain_block(instance, http):
    # Given bob follows and mutes alice
    await instance.create_account("alice")
    await instance.create_account("bob")
    await follow(instance, http, "bob", "alice")
    alice = await account_id(http, "alice")
    # When he mutes her
    reply = await http.post(
        f"/api/v1/accounts/{alice}/mute", token=await instance.token("bob")
    )
    # Then the answer is a valid Relationship
    assert reply.json()["muting"] is True
    check(reply.json(), "Relationship")
