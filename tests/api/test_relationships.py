"""Locked accounts and follow requests, profile edits, blocks, favourites lists,
driven with Mastodon.py against a live instance and a scripted remote peer."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def remote_follows(
    instance, remote, actor, target_name: str, suffix: str
) -> None:
    follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id(suffix),
        "type": "Follow",
        "actor": actor.uri,
        "object": instance.fed.urls.actor(target_name),
    }
    status, _ = await remote.send(
        f"{instance.base_url}/users/{target_name}/inbox", follow
    )
    assert status == 202
    await instance.run_jobs()


async def test_locked_account_approves_a_follow_request(instance, remote):
    # Given a council member who locks the account
    await instance.create_account("council")
    client = api(instance, await instance.token("council"))
    await asyncio.to_thread(client.account_update_credentials, locked=True)
    resident = remote.add_actor("resident")
    # When a remote resident asks to follow
    await remote_follows(instance, remote, resident, "council", "f1")
    # Then the request waits, with no Accept sent
    requests = await asyncio.to_thread(client.follow_requests)
    assert [r["acct"] for r in requests] == [f"resident@{remote.domain}"]
    assert "Accept" not in remote.received_types()
    # When the council member authorizes it
    relationship = await asyncio.to_thread(
        client.follow_request_authorize, requests[0]["id"]
    )
    await instance.run_jobs()
    # Then the follower is in, and the resident's server hears Accept
    assert relationship["followed_by"] is True
    assert "Accept" in remote.received_types()
    assert await asyncio.to_thread(client.follow_requests) == []


async def test_rejected_follow_request_tells_the_remote_server(instance, remote):
    # Given a locked account with a pending request
    await instance.create_account("council")
    client = api(instance, await instance.token("council"))
    await asyncio.to_thread(client.account_update_credentials, locked=True)
    resident = remote.add_actor("resident")
    await remote_follows(instance, remote, resident, "council", "f1")
    request_id = (await asyncio.to_thread(client.follow_requests))[0]["id"]
    # When it is rejected
    relationship = await asyncio.to_thread(client.follow_request_reject, request_id)
    await instance.run_jobs()
    # Then no follow remains and the remote server hears Reject
    assert relationship["followed_by"] is False
    assert relationship["requested_by"] is False
    assert "Reject" in remote.received_types()


async def test_profile_edit_reaches_remote_followers(instance, remote):
    # Given a mayor with a remote follower
    await instance.create_account("mayor")
    client = api(instance, await instance.token("mayor"))
    resident = remote.add_actor("resident")
    await remote_follows(instance, remote, resident, "mayor", "f1")
    # When the mayor edits the profile
    me = await asyncio.to_thread(
        client.account_update_credentials,
        display_name="Mayor of Ojai",
        note="Serving since 2024 #ojai",
        fields=[("Office", "Mayor"), ("Term ends", "2028")],
    )
    await instance.run_jobs()
    # Then the API shows the new profile
    assert me["display_name"] == "Mayor of Ojai"
    assert "Serving since 2024" in me["note"]
    assert [f["name"] for f in me["fields"]] == ["Office", "Term ends"]
    # And the follower's server receives an Update of the actor
    updates = [r.body for r in remote.received if r.body.get("type") == "Update"]
    assert updates
    assert updates[-1]["object"]["name"] == "Mayor of Ojai"
    assert updates[-1]["object"]["attachment"][0]["value"] == "Mayor"


async def test_blocking_a_remote_account_severs_the_follow_and_tells_its_server(
    instance, remote
):
    # Given a remote account following the mayor
    await instance.create_account("mayor")
    client = api(instance, await instance.token("mayor"))
    troll = remote.add_actor("troll")
    await remote_follows(instance, remote, troll, "mayor", "f1")
    account = await asyncio.to_thread(client.account_lookup, f"troll@{remote.domain}")
    # When the mayor blocks it
    relationship = await asyncio.to_thread(client.account_block, account["id"])
    await instance.run_jobs()
    # Then the follow is gone, the block is listed, and its server hears Block
    assert relationship["blocking"] is True
    assert relationship["followed_by"] is False
    assert [b["id"] for b in await asyncio.to_thread(client.blocks)] == [account["id"]]
    assert "Block" in remote.received_types()
    # When the mayor unblocks, the remote server hears the Undo
    await asyncio.to_thread(client.account_unblock, account["id"])
    await instance.run_jobs()
    assert remote.received[-1].body["type"] == "Undo"
    assert await asyncio.to_thread(client.blocks) == []


async def test_who_favourited_and_boosted_and_my_favourites(instance):
    # Given a post by the mayor, favourited and boosted by a clerk
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    mayor = api(instance, await instance.token("mayor"))
    clerk = api(instance, await instance.token("clerk"))
    post = await asyncio.to_thread(mayor.status_post, "Budget hearing Tuesday")
    await asyncio.to_thread(clerk.status_favourite, post["id"])
    await asyncio.to_thread(clerk.status_reblog, post["id"])
    # When anyone asks who favourited and boosted it
    favouriters = await asyncio.to_thread(mayor.status_favourited_by, post["id"])
    boosters = await asyncio.to_thread(mayor.status_reblogged_by, post["id"])
    # Then the clerk is listed for both, and the clerk's favourites list has the post
    assert [a["username"] for a in favouriters] == ["clerk"]
    assert [a["username"] for a in boosters] == ["clerk"]
    assert [s["id"] for s in await asyncio.to_thread(clerk.favourites)] == [post["id"]]
