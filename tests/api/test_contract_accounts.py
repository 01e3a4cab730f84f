"""Account endpoints as apps see them on the wire: profile edits, follow requests,
follows, blocks, mutes, removed followers and the lists an account keeps. Every
answer goes through the `http` fixture, so each is also held to Mastodon's OpenAPI
description."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.http import Http, account_id, follow, post_status

pytestmark = pytest.mark.usefixtures("backend")


async def tokens(instance, *names: str) -> list[str]:
    """Create the accounts; their tokens, in the same order."""
    for name in names:
        await instance.create_account(name)
    return [await instance.token(name) for name in names]


async def lock(http: Http, token: str) -> None:
    reply = await http.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        token=token,
        data={"locked": "1"},
    )
    assert reply.status == 200, reply.text


async def test_profile_edit_answers_the_new_credential_account(instance, http):
    # Given a mayor
    [mayor] = await tokens(instance, "mayor")
    # When the profile is edited with a form, as apps send it
    reply = await http.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        token=mayor,
        data={
            "display_name": "Mayor of Ojai",
            "note": "Serving since 2024",
            "locked": "true",
            "fields_attributes[0][name]": "Office",
            "fields_attributes[0][value]": "City Hall",
        },
    )
    # Then the answer is the edited account with its source
    me = reply.json()
    assert reply.status == 200
    assert me["display_name"] == "Mayor of Ojai"
    assert "Serving since 2024" in me["note"]
    assert me["locked"] is True
    assert [(f["name"], f["value"]) for f in me["fields"]] == [("Office", "City Hall")]
    assert me["source"]["fields"] == me["fields"]
    # And verify_credentials shows the same profile afterwards
    again = await http.get("/api/v1/accounts/verify_credentials", token=mayor)
    assert again.json()["display_name"] == "Mayor of Ojai"


async def test_follow_request_to_a_locked_account_is_listed_and_authorized(
    instance, http
):
    # Given a council member who locked the account, and a clerk asking to follow
    council, _clerk = await tokens(instance, "council", "clerk")
    await lock(http, council)
    asked = await follow(instance, http, "clerk", "council")
    clerk_id = await account_id(http, "clerk")
    # When the council member lists the requests and authorizes the clerk's
    requests = await http.get("/api/v1/follow_requests", token=council)
    answer = await http.post(
        f"/api/v1/follow_requests/{clerk_id}/authorize", token=council
    )
    # Then the request waited, and the clerk now follows
    assert asked["requested"] is True
    assert asked["following"] is False
    assert [a["id"] for a in requests.json()] == [clerk_id]
    assert answer.json()["id"] == clerk_id
    assert answer.json()["followed_by"] is True
    assert answer.json()["requested_by"] is False
    assert (await http.get("/api/v1/follow_requests", token=council)).json() == []


async def test_rejected_follow_request_leaves_no_follow(instance, http):
    # Given a locked account with a pending request from the clerk
    council, clerk = await tokens(instance, "council", "clerk")
    await lock(http, council)
    await follow(instance, http, "clerk", "council")
    clerk_id = await account_id(http, "clerk")
    # When the request is rejected
    answer = await http.post(
        f"/api/v1/follow_requests/{clerk_id}/reject", token=council
    )
    # Then neither a follow nor a request remains, for either side
    assert answer.json()["followed_by"] is False
    assert answer.json()["requested_by"] is False
    council_id = await account_id(http, "council")
    seen_by_clerk = await http.get(
        "/api/v1/accounts/relationships", token=clerk, params={"id[]": council_id}
    )
    assert seen_by_clerk.json()[0]["requested"] is False


async def test_unfollow_answers_the_relationship_without_the_follow(instance, http):
    # Given the clerk follows the mayor
    _mayor, clerk = await tokens(instance, "mayor", "clerk")
    await follow(instance, http, "clerk", "mayor")
    mayor_id = await account_id(http, "mayor")
    # When the clerk unfollows
    answer = await http.post(f"/api/v1/accounts/{mayor_id}/unfollow", token=clerk)
    # Then the relationship no longer follows, and the mayor has no followers
    assert answer.json()["id"] == mayor_id
    assert answer.json()["following"] is False
    assert answer.json()["showing_reblogs"] is False
    profile = await http.get(f"/api/v1/accounts/{mayor_id}")
    assert profile.json()["followers_count"] == 0


async def test_blocked_account_is_listed_until_unblocked(instance, http):
    # Given a mayor followed by a troll
    mayor, _troll = await tokens(instance, "mayor", "troll")
    await follow(instance, http, "troll", "mayor")
    troll_id = await account_id(http, "troll")
    # When the mayor blocks the troll
    blocked = await http.post(f"/api/v1/accounts/{troll_id}/block", token=mayor)
    listed = await http.get("/api/v1/blocks", token=mayor)
    # Then the follow is severed and the troll is listed, with a paging Link
    assert blocked.json()["blocking"] is True
    assert blocked.json()["followed_by"] is False
    assert [a["id"] for a in listed.json()] == [troll_id]
    assert "next" in listed.links
    # When the mayor unblocks, the list empties
    unblocked = await http.post(f"/api/v1/accounts/{troll_id}/unblock", token=mayor)
    assert unblocked.json()["blocking"] is False
    assert (await http.get("/api/v1/blocks", token=mayor)).json() == []


async def test_muted_account_is_listed_until_unmuted(instance, http):
    # Given a reader who muted a loud account
    reader, _loud = await tokens(instance, "reader", "loud")
    loud_id = await account_id(http, "loud")
    await http.post(f"/api/v1/accounts/{loud_id}/mute", token=reader)
    # When the mutes are listed, and the account is unmuted
    listed = await http.get("/api/v1/mutes", token=reader)
    unmuted = await http.post(f"/api/v1/accounts/{loud_id}/unmute", token=reader)
    # Then it was listed, and no longer is, with the relationship saying so
    assert [a["acct"] for a in listed.json()] == ["loud"]
    assert unmuted.json()["muting"] is False
    assert unmuted.json()["muting_notifications"] is False
    assert (await http.get("/api/v1/mutes", token=reader)).json() == []


async def test_timed_mute_says_when_it_ends(instance, http):
    # Given a reader and two loud accounts
    reader, _, _ = await tokens(instance, "reader", "loud", "louder")
    loud_id, louder_id = [await account_id(http, n) for n in ("loud", "louder")]
    # When one is muted for an hour and the other until unmuted
    timed = await http.post(
        f"/api/v1/accounts/{loud_id}/mute", token=reader, data={"duration": "3600"}
    )
    lasting = await http.post(f"/api/v1/accounts/{louder_id}/mute", token=reader)
    # Then the timed mute's relationship says when it ends, the other says never
    ends = datetime.fromisoformat(timed.json()["muting_expires_at"])
    assert timedelta(minutes=59) < ends - datetime.now(UTC) <= timedelta(hours=1)
    assert lasting.json()["muting"] is True
    assert lasting.json()["muting_expires_at"] is None
    # And the list of mutes says the same of each account, as Mastodon's does
    listed = await http.get("/api/v1/mutes", token=reader)
    expiries = {a["id"]: a["mute_expires_at"] for a in listed.json()}
    assert expiries[louder_id] is None
    assert expiries[loud_id] == timed.json()["muting_expires_at"]


async def test_removed_follower_no_longer_follows(instance, http):
    # Given the clerk follows the mayor
    mayor, clerk = await tokens(instance, "mayor", "clerk")
    await follow(instance, http, "clerk", "mayor")
    clerk_id = await account_id(http, "clerk")
    # When the mayor removes the clerk from the followers
    answer = await http.post(
        f"/api/v1/accounts/{clerk_id}/remove_from_followers", token=mayor
    )
    # Then the clerk is no follower, and the clerk's side shows no follow either
    assert answer.json()["followed_by"] is False
    mayor_id = await account_id(http, "mayor")
    seen_by_clerk = await http.get(
        "/api/v1/accounts/relationships", token=clerk, params={"id[]": mayor_id}
    )
    assert seen_by_clerk.json()[0]["following"] is False


async def test_domain_blocks_are_listed_as_bare_domain_names(instance, http):
    # Given a reader who blocked two domains
    [reader] = await tokens(instance, "reader")
    for domain in ("spam.example", "Ads.Example"):
        await http.post("/api/v1/domain_blocks", token=reader, data={"domain": domain})
    # When the blocks are listed
    listed = await http.get("/api/v1/domain_blocks", token=reader)
    # Then they are plain strings, lowercased, as Mastodon lists them
    assert sorted(listed.json()) == ["ads.example", "spam.example"]


async def test_favourites_list_what_was_favourited_newest_first(instance, http):
    # Given the clerk favourited two of the mayor's posts, the older one last
    _mayor, clerk = await tokens(instance, "mayor", "clerk")
    first = await post_status(instance, http, "mayor", "Budget hearing")
    second = await post_status(instance, http, "mayor", "Library hours")
    for status in (second, first):
        await http.post(f"/api/v1/statuses/{status['id']}/favourite", token=clerk)
    # When the clerk lists the favourites
    listed = await http.get("/api/v1/favourites", token=clerk)
    # Then the latest favourite comes first, each marked as favourited
    assert [s["id"] for s in listed.json()] == [first["id"], second["id"]]
    assert all(s["favourited"] for s in listed.json())


async def test_lists_holding_an_account_are_named(instance, http):
    # Given a reader who follows the mayor and put the mayor in one of two lists
    reader, _mayor = await tokens(instance, "reader", "mayor")
    await follow(instance, http, "reader", "mayor")
    mayor_id = await account_id(http, "mayor")
    council = await http.post("/api/v1/lists", token=reader, json={"title": "Council"})
    await http.post("/api/v1/lists", token=reader, json={"title": "Press"})
    await http.post(
        f"/api/v1/lists/{council.json()['id']}/accounts",
        token=reader,
        json={"account_ids": [mayor_id]},
    )
    # When the reader asks which lists hold the mayor
    reply = await http.get(f"/api/v1/accounts/{mayor_id}/lists", token=reader)
    # Then only that list is named
    assert [x["title"] for x in reply.json()] == ["Council"]
