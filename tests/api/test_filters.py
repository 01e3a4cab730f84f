"""v2 filters: CRUD, keywords and statuses, and their effect on timelines (hide
removes, warn carries `filtered`)."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def reader(instance) -> Mastodon:
    await instance.create_account("reader")
    return api(instance, await instance.token("reader"))


async def test_filter_is_created_with_keywords(instance):
    # Given a reader
    client = await reader(instance)
    # When it creates a filter with a keyword
    created = await asyncio.to_thread(
        client.create_filter_v2,
        "Spoilers",
        ["home", "public"],
        "warn",
        keywords_attributes=[{"keyword": "finale", "whole_word": True}],
    )
    # Then the filter and its keyword are listed
    assert created["title"] == "Spoilers"
    assert created["context"] == ["home", "public"]
    assert [k["keyword"] for k in created["keywords"]] == ["finale"]
    listed = await asyncio.to_thread(client.filters_v2)
    assert [f["id"] for f in listed] == [created["id"]]


async def test_filter_is_updated_and_deleted(instance, http):
    # Given a filter with a keyword
    client = await reader(instance)
    created = await asyncio.to_thread(
        client.create_filter_v2,
        "F",
        ["home"],
        "warn",
        keywords_attributes=[{"keyword": "old", "whole_word": True}],
    )
    keyword_id = created["keywords"][0]["id"]
    # When it is renamed, its keyword removed and a new one added
    updated = await asyncio.to_thread(
        client.update_filter_v2,
        created["id"],
        title="G",
        filter_action="hide",
        keywords_attributes=[{"id": keyword_id, "_destroy": True}, {"keyword": "new"}],
    )
    # Then the changes show; and deleting removes the filter
    assert updated["title"] == "G"
    assert updated["filter_action"] == "hide"
    assert [k["keyword"] for k in updated["keywords"]] == ["new"]
    await asyncio.to_thread(client.delete_filter_v2, created["id"])
    reply = await http.get(
        f"/api/v2/filters/{created['id']}", token=await instance.token("reader")
    )
    assert reply.status == 404


async def test_filter_with_an_unknown_context_is_refused(instance, http):
    # Given a reader
    await instance.create_account("reader")
    # When it creates a filter for a context that does not exist
    reply = await http.post(
        "/api/v2/filters",
        token=await instance.token("reader"),
        json={"title": "F", "context": ["everywhere"]},
    )
    # Then it is a validation error
    assert reply.status == 422
    assert "error" in reply.json()


async def test_keywords_are_added_edited_and_removed(instance, http):
    # Given a filter without keywords
    client = await reader(instance)
    created = await asyncio.to_thread(client.create_filter_v2, "F", ["home"], "warn")
    token = await instance.token("reader")
    # When a keyword is added, edited and listed
    added = await asyncio.to_thread(
        client.add_filter_keyword_v2, created["id"], "roads", False
    )
    edited = await http.request(
        "PUT",
        f"/api/v2/filter_keywords/{added['id']}",
        token=token,
        json={"keyword": "streets"},
    )
    listed = await asyncio.to_thread(client.filter_keywords_v2, created["id"])
    # Then it reads back; and once deleted it is gone
    assert edited.json() == {
        "id": added["id"],
        "keyword": "streets",
        "whole_word": False,
    }
    assert [k["keyword"] for k in listed] == ["streets"]
    await http.request("DELETE", f"/api/v2/filter_keywords/{added['id']}", token=token)
    assert await asyncio.to_thread(client.filter_keywords_v2, created["id"]) == []


async def test_hide_filter_removes_matching_posts_from_home(instance, http):
    # Given a hide filter on "spoiler" for home
    client = await reader(instance)
    await asyncio.to_thread(
        client.create_filter_v2,
        "No spoilers",
        ["home"],
        "hide",
        keywords_attributes=[{"keyword": "spoiler", "whole_word": True}],
    )
    # When the reader posts a matching and a clean post
    await post_status(instance, http, "reader", "Big SPOILER ahead")
    clean = await post_status(instance, http, "reader", "spoilers are fine")
    # Then home holds only the clean one (whole-word matching)
    home = await asyncio.to_thread(client.timeline_home)
    assert [s["id"] for s in home] == [clean["id"]]


async def test_warn_filter_marks_matching_posts(instance, http):
    # Given a warn filter on "budget" for public timelines
    client = await reader(instance)
    created = await asyncio.to_thread(
        client.create_filter_v2,
        "Politics",
        ["public"],
        "warn",
        keywords_attributes=[{"keyword": "budget", "whole_word": True}],
    )
    await instance.create_account("alice")
    await post_status(instance, http, "alice", "The <b>budget</b> passed")
    # When the reader reads the public timeline
    timeline = await asyncio.to_thread(client.timeline_public)
    # Then the post carries the filter result
    [result] = timeline[0]["filtered"]
    assert result["filter"]["id"] == created["id"]
    assert result["keyword_matches"] == ["budget"]


async def test_filter_applies_only_in_its_contexts(instance, http):
    # Given a hide filter for notifications only
    client = await reader(instance)
    await asyncio.to_thread(
        client.create_filter_v2,
        "F",
        ["notifications"],
        "hide",
        keywords_attributes=[{"keyword": "budget"}],
    )
    # When a matching post is in home
    status = await post_status(instance, http, "reader", "budget news")
    # Then home still shows it, unmarked
    home = await asyncio.to_thread(client.timeline_home)
    assert [s["id"] for s in home] == [status["id"]]
    assert home[0]["filtered"] == []


async def test_expired_filter_no_longer_applies(instance, http):
    # Given a hide filter that expires in a second
    client = await reader(instance)
    await asyncio.to_thread(
        client.create_filter_v2,
        "F",
        ["home"],
        "hide",
        expires_in=1,
        keywords_attributes=[{"keyword": "budget"}],
    )
    status = await post_status(instance, http, "reader", "budget news")
    await asyncio.sleep(1.1)  # expiry is wall-clock time
    # When home is read
    home = await asyncio.to_thread(client.timeline_home)
    # Then the post shows
    assert [s["id"] for s in home] == [status["id"]]


async def test_status_filter_warns_on_that_status(instance, http):
    # Given a warn filter holding one status
    client = await reader(instance)
    created = await asyncio.to_thread(client.create_filter_v2, "F", ["home"], "warn")
    status = await post_status(instance, http, "reader", "this one")
    other = await post_status(instance, http, "reader", "not this one")
    added = await asyncio.to_thread(
        client.add_filter_status_v2, created["id"], status["id"]
    )
    # When home is read
    home = {s["id"]: s for s in await asyncio.to_thread(client.timeline_home)}
    # Then only that status is marked, with a status match
    assert added["status_id"] == status["id"]
    assert home[status["id"]]["filtered"][0]["status_matches"] == [status["id"]]
    assert home[other["id"]]["filtered"] == []
    listed = await asyncio.to_thread(client.filter_statuses_v2, created["id"])
    assert [s["id"] for s in listed] == [added["id"]]


async def test_status_filter_is_removed(instance, http):
    # Given a status in a filter
    client = await reader(instance)
    created = await asyncio.to_thread(client.create_filter_v2, "F", ["home"], "hide")
    status = await post_status(instance, http, "reader", "this one")
    added = await asyncio.to_thread(
        client.add_filter_status_v2, created["id"], status["id"]
    )
    assert await asyncio.to_thread(client.timeline_home) == []
    # When it is removed from the filter
    await asyncio.to_thread(client.delete_filter_status_v2, added["id"])
    # Then the status is back in home
    home = await asyncio.to_thread(client.timeline_home)
    assert [s["id"] for s in home] == [status["id"]]


async def test_v1_filters_list_each_keyword(instance):
    # Given a v2 filter with two keywords
    client = await reader(instance)
    await asyncio.to_thread(
        client.create_filter_v2,
        "F",
        ["home"],
        "hide",
        keywords_attributes=[{"keyword": "a"}, {"keyword": "b", "whole_word": False}],
    )
    # When the v1 filters are read
    v1 = await asyncio.to_thread(client.filters)
    # Then each keyword is a v1 filter
    assert [(f["phrase"], f["whole_word"], f["irreversible"]) for f in v1] == [
        ("a", True, True),
        ("b", False, True),
    ]


async def test_another_accounts_filter_is_not_found(instance, http):
    # Given alice's filter
    await instance.create_account("alice")
    await instance.create_account("bob")
    created = await http.post(
        "/api/v2/filters",
        token=await instance.token("alice"),
        json={"title": "F", "context": ["home"]},
    )
    # When bob reads it
    reply = await http.get(
        f"/api/v2/filters/{created.json()['id']}", token=await instance.token("bob")
    )
    # Then it does not exist for him
    assert reply.status == 404


async def test_a_filter_expiring_past_any_date_is_422_not_500(instance, http):
    # Given an account
    await instance.create_account("reader")
    token = await instance.token("reader")
    # When it asks for a filter that expires in more seconds than any date can hold
    reply = await http.post(
        "/api/v2/filters",
        token=token,
        json={"title": "noise", "context": ["home"], "expires_in": 10**20},
    )
    # Then the filter is refused as invalid
    assert reply.status == 422, reply.text
