"""Notification policies and requests (Mastodon 4.3): notifications from strangers
filtered (kept out of the list, gathered in requests) or dropped (never stored);
requests accepted or dismissed; filtered notifications are not streamed."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.api.test_streaming import next_event, subscribe, ws_url
from tests.support.http import account_id, follow, post_status

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
async def people(instance):
    for name in ("alice", "bob", "carol"):
        await instance.create_account(name)


async def set_policy(instance, http, **policies: str) -> dict:
    reply = await http.request(
        "PATCH",
        "/api/v2/notifications/policy",
        token=await instance.token("alice"),
        json=policies,
    )
    assert reply.status == 200, reply.text
    return reply.json()


async def alices(instance, http, path: str) -> list | dict:
    reply = await http.get(path, token=await instance.token("alice"))
    assert reply.status == 200, reply.text
    return reply.json()


async def requests_of_alice(instance, http) -> list[dict]:
    listed = await alices(instance, http, "/api/v1/notifications/requests")
    assert isinstance(listed, list)
    return listed


# --- the policy ----------------------------------------------------------------------


@pytest.mark.usefixtures("people")
async def test_the_policy_starts_with_mastodons_defaults(instance, http):
    # Given alice never set a policy
    # When she reads it
    policy = await alices(instance, http, "/api/v2/notifications/policy")
    # Then strangers' private mentions and limited accounts are filtered, the rest
    # accepted, and nothing is pending
    assert policy == {
        "for_not_following": "accept",
        "for_not_followers": "accept",
        "for_new_accounts": "accept",
        "for_private_mentions": "filter",
        "for_limited_accounts": "filter",
        "summary": {"pending_requests_count": 0, "pending_notifications_count": 0},
    }


@pytest.mark.usefixtures("people")
async def test_the_policy_is_updated(instance, http):
    # Given alice
    # When she filters accounts she does not follow and drops new accounts
    policy = await set_policy(
        instance, http, for_not_following="filter", for_new_accounts="drop"
    )
    # Then the policy says so, now and later
    assert policy["for_not_following"] == "filter"
    assert policy["for_new_accounts"] == "drop"
    again = await alices(instance, http, "/api/v2/notifications/policy")
    assert again["for_not_following"] == "filter"
    assert again["for_not_followers"] == "accept"


@pytest.mark.usefixtures("people")
async def test_an_unknown_policy_value_is_refused(instance, http):
    # Given alice
    # When she sets a policy to something other than accept, filter or drop
    reply = await http.request(
        "PATCH",
        "/api/v2/notifications/policy",
        token=await instance.token("alice"),
        json={"for_not_following": "maybe"},
    )
    # Then it is refused
    assert reply.status == 422


# --- filter and drop -----------------------------------------------------------------


@pytest.mark.usefixtures("people")
async def test_a_filtered_mention_is_kept_aside_in_a_request(instance, http):
    # Given alice filters accounts she does not follow
    await set_policy(instance, http, for_not_following="filter")
    # When bob, whom she does not follow, mentions her twice
    await post_status(instance, http, "bob", "@alice pothole on Main St")
    last = await post_status(instance, http, "bob", "@alice still there")
    # Then her lists leave the mentions out, unless she asks for filtered ones
    assert await alices(instance, http, "/api/v1/notifications") == []
    v2 = await alices(instance, http, "/api/v2/notifications")
    assert v2["notification_groups"] == []
    with_filtered = await alices(
        instance, http, "/api/v1/notifications?include_filtered=true"
    )
    assert [n["type"] for n in with_filtered] == ["mention", "mention"]
    v2_filtered = await alices(
        instance, http, "/api/v2/notifications?include_filtered=true"
    )
    assert len(v2_filtered["notification_groups"]) == 2
    # And one request from bob holds them, counted in the policy's summary
    (request,) = await requests_of_alice(instance, http)
    assert request["account"]["acct"] == "bob"
    assert request["notifications_count"] == "2"
    assert request["last_status"]["id"] == last["id"]
    policy = await alices(instance, http, "/api/v2/notifications/policy")
    assert policy["summary"] == {
        "pending_requests_count": 1,
        "pending_notifications_count": 2,
    }
    shown = await alices(
        instance, http, f"/api/v1/notifications/requests/{request['id']}"
    )
    assert shown["id"] == request["id"]


@pytest.mark.usefixtures("people")
async def test_account_id_shows_that_senders_filtered_notifications(instance, http):
    # Given a filtered mention from bob
    await set_policy(instance, http, for_not_following="filter")
    await post_status(instance, http, "bob", "@alice hello")
    bob = await account_id(http, "bob")
    # When alice lists bob's notifications (as a request's page does)
    listed = await alices(instance, http, f"/api/v1/notifications?account_id={bob}")
    # Then the filtered mention is there
    assert [n["type"] for n in listed] == ["mention"]


@pytest.mark.usefixtures("people")
async def test_a_followed_account_is_not_filtered(instance, http):
    # Given alice filters accounts she does not follow, and follows bob
    await set_policy(instance, http, for_not_following="filter")
    await follow(instance, http, "alice", "bob")
    # When bob mentions her
    await post_status(instance, http, "bob", "@alice thanks")
    # Then the mention is in her list and there is no request
    assert [
        n["type"] for n in await alices(instance, http, "/api/v1/notifications")
    ] == ["mention"]
    assert await requests_of_alice(instance, http) == []


@pytest.mark.usefixtures("people")
async def test_a_filtered_favourite_makes_no_request(instance, http):
    # Given alice filters accounts she does not follow
    await set_policy(instance, http, for_not_following="filter")
    post = await post_status(instance, http, "alice", "Town hall at noon")
    # When bob favourites her post
    await http.post(
        f"/api/v1/statuses/{post['id']}/favourite", token=await instance.token("bob")
    )
    # Then the favourite is filtered, without a request (only mentions make one)
    assert await alices(instance, http, "/api/v1/notifications") == []
    filtered = await alices(instance, http, "/api/v1/notifications?include_filtered=1")
    assert [n["type"] for n in filtered] == ["favourite"]
    assert filtered[0]["group_key"] == f"ungrouped-{filtered[0]['id']}"
    assert await requests_of_alice(instance, http) == []


@pytest.mark.usefixtures("people")
async def test_a_dropped_mention_is_not_stored(instance, http):
    # Given alice drops notifications from accounts she does not follow
    await set_policy(instance, http, for_not_following="drop")
    # When bob mentions her
    await post_status(instance, http, "bob", "@alice hello")
    # Then there is no notification, not even a filtered one, and no request
    assert (
        await alices(instance, http, "/api/v1/notifications?include_filtered=1") == []
    )
    assert await requests_of_alice(instance, http) == []


@pytest.mark.usefixtures("people")
async def test_a_strangers_private_mention_is_filtered_by_default(instance, http):
    # Given alice keeps the default policy
    # When bob sends her a direct message
    await post_status(
        instance, http, "bob", "@alice a private word", visibility="direct"
    )
    # Then it waits in a request
    assert await alices(instance, http, "/api/v1/notifications") == []
    (request,) = await requests_of_alice(instance, http)
    assert request["account"]["acct"] == "bob"


@pytest.mark.usefixtures("people")
async def test_a_reply_to_her_own_private_mention_is_not_filtered(instance, http):
    # Given alice wrote privately to bob
    mine = await post_status(
        instance, http, "alice", "@bob can we talk?", visibility="direct"
    )
    # When bob answers privately
    await post_status(
        instance,
        http,
        "bob",
        "@alice sure",
        visibility="direct",
        in_reply_to_id=mine["id"],
    )
    # Then the answer is in her list
    listed = await alices(instance, http, "/api/v1/notifications")
    assert [n["type"] for n in listed] == ["mention"]


async def test_a_moderators_mention_is_never_filtered(instance, http):
    # Given alice filters accounts she does not follow, and a moderator
    await instance.create_account("alice")
    await instance.create_account("mod", role="moderator")
    await set_policy(instance, http, for_not_following="filter")
    # When the moderator mentions her
    await post_status(instance, http, "mod", "@alice a note from the moderators")
    # Then the mention is in her list
    listed = await alices(instance, http, "/api/v1/notifications")
    assert [n["account"]["acct"] for n in listed] == ["mod"]


@pytest.mark.usefixtures("people")
async def test_a_follower_of_less_than_three_days_counts_as_none(instance, http):
    # Given alice filters accounts that do not follow her, and bob just followed
    await set_policy(instance, http, for_not_followers="filter")
    await follow(instance, http, "bob", "alice")
    # When bob mentions her
    await post_status(instance, http, "bob", "@alice hi, new here")
    # Then the mention is filtered (so is his follow notification), as in Mastodon
    assert await alices(instance, http, "/api/v1/notifications") == []
    (request,) = await requests_of_alice(instance, http)
    assert request["notifications_count"] == "1"


@pytest.mark.usefixtures("people")
async def test_new_accounts_are_filtered_unless_followed(instance, http):
    # Given alice filters new accounts and follows carol (both accounts are new)
    await set_policy(instance, http, for_new_accounts="filter")
    await follow(instance, http, "alice", "carol")
    # When bob and carol mention her
    await post_status(instance, http, "bob", "@alice from bob")
    await post_status(instance, http, "carol", "@alice from carol")
    # Then only carol's mention is shown
    listed = await alices(instance, http, "/api/v1/notifications")
    assert [n["account"]["acct"] for n in listed] == ["carol"]


# --- accepting and dismissing requests ----------------------------------------------


async def filtered_request_from(instance, http, *names: str) -> list[dict]:
    await set_policy(instance, http, for_not_following="filter")
    for name in names:
        await post_status(instance, http, name, f"@alice from {name}")
    return await requests_of_alice(instance, http)


@pytest.mark.usefixtures("people")
async def test_accepting_a_request_merges_it_and_lets_the_sender_through(
    instance, http
):
    # Given a request from bob
    (request,) = await filtered_request_from(instance, http, "bob")
    token = await instance.token("alice")
    # When alice accepts it
    reply = await http.post(
        f"/api/v1/notifications/requests/{request['id']}/accept", token=token
    )
    # Then bob's mention joins her list, the request is gone, merging is done,
    # and bob's next mention is not filtered
    assert reply.status == 200
    assert [
        n["type"] for n in await alices(instance, http, "/api/v1/notifications")
    ] == ["mention"]
    assert await requests_of_alice(instance, http) == []
    merged = await alices(instance, http, "/api/v1/notifications/requests/merged")
    assert merged == {"merged": True}
    await post_status(instance, http, "bob", "@alice again")
    assert len(await alices(instance, http, "/api/v1/notifications")) == 2


@pytest.mark.usefixtures("people")
async def test_dismissing_a_request_deletes_its_notifications(instance, http):
    # Given a request from bob
    (request,) = await filtered_request_from(instance, http, "bob")
    # When alice dismisses it
    reply = await http.post(
        f"/api/v1/notifications/requests/{request['id']}/dismiss",
        token=await instance.token("alice"),
    )
    # Then the request and its filtered mention are gone
    assert reply.status == 200
    assert await requests_of_alice(instance, http) == []
    assert (
        await alices(instance, http, "/api/v1/notifications?include_filtered=1") == []
    )


@pytest.mark.usefixtures("people")
async def test_requests_are_accepted_and_dismissed_in_bulk(instance, http):
    # Given requests from bob and carol
    requests = await filtered_request_from(instance, http, "bob", "carol")
    by_sender = {r["account"]["acct"]: r["id"] for r in requests}
    token = await instance.token("alice")
    # When alice accepts bob's and dismisses carol's, by id[]
    accepted = await http.post(
        "/api/v1/notifications/requests/accept",
        token=token,
        data={"id[]": by_sender["bob"]},
    )
    dismissed = await http.post(
        "/api/v1/notifications/requests/dismiss",
        token=token,
        json={"id": [by_sender["carol"]]},
    )
    # Then bob's mention is shown, carol's gone, and no request is left
    assert (accepted.status, dismissed.status) == (200, 200)
    listed = await alices(instance, http, "/api/v1/notifications?include_filtered=1")
    assert [n["account"]["acct"] for n in listed] == ["bob"]
    assert await requests_of_alice(instance, http) == []


@pytest.mark.usefixtures("people")
async def test_someone_elses_request_is_not_found(instance, http):
    # Given a request of alice
    (request,) = await filtered_request_from(instance, http, "bob")
    # When carol tries to accept it
    reply = await http.post(
        f"/api/v1/notifications/requests/{request['id']}/accept",
        token=await instance.token("carol"),
    )
    # Then it is not found
    assert reply.status == 404


@pytest.mark.usefixtures("people")
async def test_dismissing_a_filtered_notification_recounts_its_request(instance, http):
    # Given a request holding two mentions from bob
    await filtered_request_from(instance, http, "bob", "bob")
    listed = await alices(instance, http, "/api/v1/notifications?include_filtered=1")
    token = await instance.token("alice")
    # When alice dismisses both, one at a time
    await http.post(f"/api/v1/notifications/{listed[0]['id']}/dismiss", token=token)
    (request,) = await requests_of_alice(instance, http)
    await http.post(f"/api/v1/notifications/{listed[1]['id']}/dismiss", token=token)
    # Then the request counts one, then goes
    assert request["notifications_count"] == "1"
    assert await requests_of_alice(instance, http) == []


@pytest.mark.usefixtures("people")
async def test_mastodon_py_accepts_a_request(instance, http):
    # Given a request from bob
    await filtered_request_from(instance, http, "bob")
    client = Mastodon(
        access_token=await instance.token("alice"), api_base_url=instance.base_url
    )
    # When Mastodon.py lists and accepts it
    (request,) = await asyncio.to_thread(client.notification_requests)
    await asyncio.to_thread(client.accept_notification_request, request.id)
    # Then the mention is in the notification list
    notifications = await asyncio.to_thread(client.notifications)
    assert [n.type for n in notifications] == ["mention"]


# --- streaming ----------------------------------------------------------------------


@pytest.mark.usefixtures("people")
async def test_a_filtered_notification_is_not_streamed(instance, http):
    # Given alice filters accounts she does not follow, follows carol, and listens
    await set_policy(instance, http, for_not_following="filter")
    await follow(instance, http, "alice", "carol")
    token = await instance.token("alice")
    async with http.session.ws_connect(
        ws_url(instance.base_url), headers={"Authorization": f"Bearer {token}"}
    ) as ws:
        await subscribe(ws, stream="user:notification")
        # When bob (a stranger) mentions her, then carol does
        await post_status(instance, http, "bob", "@alice from a stranger")
        await post_status(instance, http, "carol", "@alice from a friend")
        # Then the first notification she hears is carol's
        notification, _ = await next_event(ws, "notification")
        assert notification["account"]["acct"] == "carol"
