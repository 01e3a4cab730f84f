"""Mutes and user-level domain blocks: timelines, notifications, relationships."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def reader_following(instance, name: str) -> tuple[Mastodon, str]:
    await instance.create_account("reader")
    account = await instance.create_account(name)
    client = api(instance, await instance.token("reader"))
    await asyncio.to_thread(client.account_follow, account.id)
    return client, str(account.id)


async def remote_follows(instance, remote, actor, target_name: str) -> None:
    follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id("f1"),
        "type": "Follow",
        "actor": actor.uri,
        "object": instance.fed.urls.actor(target_name),
    }
    status, _ = await remote.send(
        f"{instance.base_url}/users/{target_name}/inbox", follow
    )
    assert status == 202
    await instance.run_jobs()


async def test_muting_reports_the_relationship_and_lists_the_account(instance):
    # Given a reader following alice
    client, alice = await reader_following(instance, "alice")
    # When it mutes her without muting notifications
    relationship = await asyncio.to_thread(
        client.account_mute, alice, notifications=False
    )
    # Then the relationship says so and she is listed among mutes
    assert relationship["muting"] is True
    assert relationship["muting_notifications"] is False
    assert relationship["following"] is True
    assert [a["id"] for a in await asyncio.to_thread(client.mutes)] == [alice]


async def test_muted_account_leaves_home_and_public(instance, http):
    # Given a reader following alice, who has posted
    client, alice = await reader_following(instance, "alice")
    await post_status(instance, http, "alice", "hello")
    # When the reader mutes her
    await asyncio.to_thread(client.account_mute, alice)
    # Then her posts are gone from home and the public timeline for the reader
    assert await asyncio.to_thread(client.timeline_home) == []
    assert await asyncio.to_thread(client.timeline_public) == []
    # But an anonymous visitor still sees her post publicly
    assert len((await http.get("/api/v1/timelines/public")).json()) == 1


async def test_unmuting_brings_posts_back(instance, http):
    # Given a muted followed account with a post
    client, alice = await reader_following(instance, "alice")
    status = await post_status(instance, http, "alice", "hello")
    await asyncio.to_thread(client.account_mute, alice)
    # When she is unmuted
    relationship = await asyncio.to_thread(client.account_unmute, alice)
    # Then her post is back in home
    assert relationship["muting"] is False
    home = await asyncio.to_thread(client.timeline_home)
    assert [s["id"] for s in home] == [status["id"]]


async def test_boosts_of_muted_accounts_leave_home(instance, http):
    # Given the reader follows bob, who boosts alice
    client, _bob = await reader_following(instance, "bob")
    muted = await instance.create_account("alice")
    original = await post_status(instance, http, "alice", "hello")
    await http.post(
        f"/api/v1/statuses/{original['id']}/reblog", token=await instance.token("bob")
    )
    # When the reader mutes alice
    await asyncio.to_thread(client.account_mute, muted.id)
    # Then bob's boost of her is not in home
    assert await asyncio.to_thread(client.timeline_home) == []


async def test_mute_with_notifications_stops_new_notifications(instance, http):
    # Given the reader muted alice (notifications included)
    await instance.create_account("reader")
    alice = await instance.create_account("alice")
    client = api(instance, await instance.token("reader"))
    await asyncio.to_thread(client.account_mute, alice.id)
    # When alice mentions the reader
    await post_status(instance, http, "alice", "@reader hello")
    # Then no notification arrives
    assert await asyncio.to_thread(client.notifications) == []


async def test_mute_without_notifications_keeps_notifications(instance, http):
    # Given the reader muted alice but not her notifications
    await instance.create_account("reader")
    alice = await instance.create_account("alice")
    client = api(instance, await instance.token("reader"))
    await asyncio.to_thread(client.account_mute, alice.id, notifications=False)
    # When alice mentions the reader
    await post_status(instance, http, "alice", "@reader hello")
    # Then the mention is notified
    types = [n["type"] for n in await asyncio.to_thread(client.notifications)]
    assert types == ["mention"]


async def test_expired_mute_no_longer_applies(instance, http):
    # Given a mute that has run out
    client, alice = await reader_following(instance, "alice")
    status = await post_status(instance, http, "alice", "hello")
    await asyncio.to_thread(client.account_mute, alice, duration=1)
    await asyncio.sleep(1.1)  # the mute's duration is wall-clock time
    # When home is read
    home = await asyncio.to_thread(client.timeline_home)
    # Then her post shows again
    assert [s["id"] for s in home] == [status["id"]]


async def test_muting_oneself_is_refused(instance, http):
    # Given an account
    me = await instance.create_account("reader")
    # When it mutes itself
    reply = await http.post(
        f"/api/v1/accounts/{me.id}/mute", token=await instance.token("reader")
    )
    # Then it is a validation error
    assert reply.status == 422
    assert "error" in reply.json()


async def test_domain_block_is_listed_and_removed(instance):
    # Given a reader
    await instance.create_account("reader")
    client = api(instance, await instance.token("reader"))
    # When it blocks a domain
    await asyncio.to_thread(client.domain_block, "Spam.Example")
    # Then the domain is listed (lowercased), and unblocking removes it
    assert await asyncio.to_thread(client.domain_blocks) == ["spam.example"]
    await asyncio.to_thread(client.domain_unblock, "spam.example")
    assert await asyncio.to_thread(client.domain_blocks) == []


async def test_domain_block_removes_followers_from_that_domain(instance, remote):
    # Given a remote follower of the reader whom the reader follows back
    await instance.create_account("reader")
    client = api(instance, await instance.token("reader"))
    resident = remote.add_actor("resident")
    await remote_follows(instance, remote, resident, "reader")
    account = await asyncio.to_thread(
        client.account_lookup, f"resident@{remote.domain}"
    )
    # When the reader blocks the remote domain
    await asyncio.to_thread(client.domain_block, remote.domain)
    await instance.run_jobs()
    # Then the follower is removed (its server hears Reject) and the relationship
    # shows the domain block
    relationship = (await asyncio.to_thread(client.account_relationships, account))[0]
    assert relationship["followed_by"] is False
    assert relationship["domain_blocking"] is True
    assert "Reject" in remote.received_types()


async def test_own_domain_cannot_be_blocked(instance, http):
    # Given a reader
    await instance.create_account("reader")
    # When it blocks this instance's domain
    reply = await http.post(
        "/api/v1/domain_blocks",
        token=await instance.token("reader"),
        data={"domain": instance.domain},
    )
    # Then it is refused
    assert reply.status == 422


async def test_domain_block_hides_that_domains_posts(instance, remote, http):
    # Given a public post from a remote account
    await instance.create_account("reader")
    client = api(instance, await instance.token("reader"))
    resident = remote.add_actor("resident")
    note = {
        "id": f"{remote.base_url}/users/resident/statuses/1",
        "type": "Note",
        "attributedTo": resident.uri,
        "content": "<p>Pothole repair budget approved</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    }
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": resident.uri,
        "object": note,
        "to": note["to"],
    }
    status, _ = await remote.send(f"{instance.base_url}/inbox", create)
    assert status == 202
    await instance.run_jobs()
    assert len(await asyncio.to_thread(client.timeline_public)) == 1
    # When the reader blocks its domain
    await asyncio.to_thread(client.domain_block, remote.domain)
    # Then the post is gone from the reader's public timeline, not from others'
    assert await asyncio.to_thread(client.timeline_public) == []
    assert len((await http.get("/api/v1/timelines/public")).json()) == 1


async def test_a_mute_longer_than_any_date_is_422_not_500(instance, http):
    # Given a reader and another account
    await instance.create_account("reader")
    other = await instance.create_account("other")
    token = await instance.token("reader")
    # When the reader mutes it for more seconds than any date can hold
    reply = await http.post(
        f"/api/v1/accounts/{other.id}/mute", token=token, json={"duration": 10**20}
    )
    # Then the mute is refused as invalid
    assert reply.status == 422, reply.text
