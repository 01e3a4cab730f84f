"""The actions on a status (bookmark, pin, mute the conversation, take back a
favourite or boost) and who favourited or boosted it: each answer is the Status as
the actor now sees it, checked here and against Mastodon's OpenAPI description
through the `http` fixture."""

from __future__ import annotations

import pytest

from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")


async def mayor_post(instance, http, text: str = "Budget hearing Tuesday") -> dict:
    await instance.create_account("mayor")
    return await post_status(instance, http, "mayor", text)


async def test_bookmark_and_unbookmark_toggle_the_flag_and_the_list(instance, http):
    # Given a post and a clerk
    status = await mayor_post(instance, http)
    await instance.create_account("clerk")
    clerk = await instance.token("clerk")
    # When the clerk bookmarks it
    marked = await http.post(f"/api/v1/statuses/{status['id']}/bookmark", token=clerk)
    listed = await http.get("/api/v1/bookmarks", token=clerk)
    # Then the status says so and is in the clerk's bookmarks
    assert marked.json()["id"] == status["id"]
    assert marked.json()["bookmarked"] is True
    assert [s["id"] for s in listed.json()] == [status["id"]]
    # When the bookmark is removed, neither shows it any more
    unmarked = await http.post(
        f"/api/v1/statuses/{status['id']}/unbookmark", token=clerk
    )
    assert unmarked.json()["bookmarked"] is False
    assert (await http.get("/api/v1/bookmarks", token=clerk)).json() == []


async def test_pin_and_unpin_change_the_profiles_pinned_posts(instance, http):
    # Given the mayor's post
    status = await mayor_post(instance, http)
    mayor = await instance.token("mayor")
    account = status["account"]["id"]
    # When the mayor pins it
    pinned = await http.post(f"/api/v1/statuses/{status['id']}/pin", token=mayor)
    on_profile = await http.get(
        f"/api/v1/accounts/{account}/statuses", params={"pinned": "true"}
    )
    # Then it is pinned and featured on the profile
    assert pinned.json()["pinned"] is True
    assert [s["id"] for s in on_profile.json()] == [status["id"]]
    # When it is unpinned, the profile features nothing
    unpinned = await http.post(f"/api/v1/statuses/{status['id']}/unpin", token=mayor)
    assert unpinned.json()["pinned"] is False
    again = await http.get(
        f"/api/v1/accounts/{account}/statuses", params={"pinned": "true"}
    )
    assert again.json() == []


async def test_muting_a_conversation_is_shown_on_the_status(instance, http):
    # Given the mayor's own post
    status = await mayor_post(instance, http)
    mayor = await instance.token("mayor")
    # When the mayor mutes its conversation, then unmutes it
    muted = await http.post(f"/api/v1/statuses/{status['id']}/mute", token=mayor)
    unmuted = await http.post(f"/api/v1/statuses/{status['id']}/unmute", token=mayor)
    # Then each answer says whether the conversation is muted
    assert muted.json()["muted"] is True
    assert unmuted.json()["muted"] is False


async def test_taking_back_a_favourite_lowers_the_count(instance, http):
    # Given a post the clerk favourited
    status = await mayor_post(instance, http)
    await instance.create_account("clerk")
    clerk = await instance.token("clerk")
    await http.post(f"/api/v1/statuses/{status['id']}/favourite", token=clerk)
    # When the clerk takes it back
    answer = await http.post(
        f"/api/v1/statuses/{status['id']}/unfavourite", token=clerk
    )
    # Then the status is no longer favourited by anyone
    assert answer.json()["favourited"] is False
    assert answer.json()["favourites_count"] == 0
    assert (await http.get("/api/v1/favourites", token=clerk)).json() == []


async def test_undoing_a_boost_answers_the_original_status(instance, http):
    # Given a post the clerk boosted
    status = await mayor_post(instance, http)
    await instance.create_account("clerk")
    clerk = await instance.token("clerk")
    await http.post(f"/api/v1/statuses/{status['id']}/reblog", token=clerk)
    # When the clerk undoes the boost
    answer = await http.post(f"/api/v1/statuses/{status['id']}/unreblog", token=clerk)
    # Then the answer is the original, no longer boosted
    assert answer.json()["id"] == status["id"]
    assert answer.json()["reblog"] is None
    assert answer.json()["reblogged"] is False
    assert answer.json()["reblogs_count"] == 0


async def test_who_favourited_and_who_boosted_are_listed(instance, http):
    # Given a post favourited by the clerk and boosted by the treasurer
    status = await mayor_post(instance, http)
    for name in ("clerk", "treasurer"):
        await instance.create_account(name)
    await http.post(
        f"/api/v1/statuses/{status['id']}/favourite",
        token=await instance.token("clerk"),
    )
    await http.post(
        f"/api/v1/statuses/{status['id']}/reblog",
        token=await instance.token("treasurer"),
    )
    # When anyone asks who favourited and who boosted it
    favourited_by = await http.get(f"/api/v1/statuses/{status['id']}/favourited_by")
    reblogged_by = await http.get(f"/api/v1/statuses/{status['id']}/reblogged_by")
    # Then each list names its account
    assert [a["acct"] for a in favourited_by.json()] == ["clerk"]
    assert [a["acct"] for a in reblogged_by.json()] == ["treasurer"]
