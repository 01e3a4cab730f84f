"""/api/v1/push/subscription as Mastodon serves it: one subscription per access
token, alerts and policy, the instance's VAPID key, and Mastodon's error answers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from fedcity.app import instance_vapid_key
from fedcity.storage.models import WebPushSubscription
from tests.support.push_service import PushClient, b64decode

pytestmark = pytest.mark.usefixtures("backend")

PATH = "/api/v1/push/subscription"
ENDPOINT = "https://push.example/device/1"


def subscription_form(client: PushClient, endpoint: str = ENDPOINT) -> dict[str, str]:
    """What Mastodon.py and most apps send: Rails-style form fields."""
    return {
        "subscription[endpoint]": endpoint,
        "subscription[keys][p256dh]": client.p256dh,
        "subscription[keys][auth]": client.auth_b64,
        "data[alerts][mention]": "true",
        "data[alerts][follow]": "false",
        "data[policy]": "followed",
    }


async def vapid_key(http) -> str:
    reply = await http.get("/api/v2/instance")
    return str(reply.json()["configuration"]["vapid"]["public_key"])


async def test_subscribing_with_form_fields_returns_the_subscription(instance, http):
    # Given an account with a token holding `push`
    await instance.create_account("alice")
    token = await instance.token("alice")
    # When it subscribes with form fields
    reply = await http.post(PATH, token=token, data=subscription_form(PushClient()))
    # Then the WebPushSubscription shows the endpoint, alerts, policy and server key
    assert reply.status == 200, reply.text
    entity = reply.json()
    assert entity["endpoint"] == ENDPOINT
    assert entity["standard"] is False
    assert entity["alerts"]["mention"] is True
    assert entity["alerts"]["follow"] is False
    assert entity["alerts"]["admin.report"] is False
    assert entity["policy"] == "followed"
    assert entity["server_key"] == await vapid_key(http)


async def test_subscribing_with_json_reads_nested_keys_and_standard(instance, http):
    # Given an account with a token holding `push`
    await instance.create_account("alice")
    token = await instance.token("alice")
    client = PushClient()
    # When it subscribes with a nested JSON body asking for RFC 8291
    body = {
        "subscription": {"endpoint": ENDPOINT, "keys": client.keys(), "standard": True},
        "data": {"alerts": {"favourite": True, "admin.sign_up": True}},
    }
    reply = await http.post(PATH, token=token, json=body)
    # Then the subscription is standard, with those alerts and the default policy
    assert reply.status == 200, reply.text
    entity = reply.json()
    assert entity["standard"] is True
    assert entity["alerts"]["favourite"] is True
    assert entity["alerts"]["admin.sign_up"] is True
    assert entity["alerts"]["mention"] is False
    assert entity["policy"] == "all"


async def test_the_vapid_key_is_the_same_everywhere_and_a_p256_point(instance, http):
    # Given an app registered with the instance
    app = await http.post(
        "/api/v1/apps",
        json={"client_name": "pushy", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
    )
    registered = app.json()
    grant = await http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": registered["client_id"],
            "client_secret": registered["client_secret"],
        },
    )
    token = grant.json()["access_token"]
    # When its vapid_key is compared with the instance's configuration
    key = await vapid_key(http)
    verified = await http.get("/api/v1/apps/verify_credentials", token=token)
    # Then they are the one uncompressed P-256 point (65 bytes, 0x04 first)
    assert registered["vapid_key"] == key
    assert verified.json()["vapid_key"] == key
    raw = b64decode(key)
    assert len(raw) == 65
    assert raw[0] == 4


async def test_the_vapid_key_is_kept_across_restarts(instance):
    # Given an instance that has made its VAPID key
    first = instance.vapid.public_key
    # When the key is loaded again on the same database, as a restart does
    again = await instance_vapid_key(instance.db)
    # Then the same key is read back, not a new one
    assert again.public_key == first


async def test_get_returns_the_tokens_subscription(instance, http):
    # Given a subscription made with a token
    await instance.create_account("alice")
    token = await instance.token("alice")
    made = await http.post(PATH, token=token, data=subscription_form(PushClient()))
    # When the same token asks for it
    reply = await http.get(PATH, token=token)
    # Then it is that subscription
    assert reply.status == 200
    assert reply.json()["id"] == made.json()["id"]


async def test_get_without_a_subscription_is_not_found(instance, http):
    # Given a token that never subscribed
    await instance.create_account("alice")
    # When it asks for its subscription
    reply = await http.get(PATH, token=await instance.token("alice"))
    # Then Mastodon's 404 answer comes back
    assert reply.status == 404
    assert reply.json() == {"error": "Record not found"}


async def test_another_token_does_not_see_the_subscription(instance, http):
    # Given a subscription made with one token
    await instance.create_account("alice")
    await http.post(
        PATH, token=await instance.token("alice"), data=subscription_form(PushClient())
    )
    # When another token of the same account asks
    reply = await http.get(PATH, token=await instance.token("alice"))
    # Then it has none of its own
    assert reply.status == 404


async def test_a_new_subscription_replaces_the_tokens_old_one(instance, http):
    # Given a token with a subscription
    await instance.create_account("alice")
    token = await instance.token("alice")
    await http.post(PATH, token=token, data=subscription_form(PushClient()))
    # When it subscribes again to another endpoint
    other = "https://push.example/device/2"
    second = await http.post(
        PATH, token=token, data=subscription_form(PushClient(), other)
    )
    # Then only the new subscription remains
    assert (await http.get(PATH, token=token)).json()["id"] == second.json()["id"]
    async with instance.db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(WebPushSubscription)
        )
    assert count == 1


async def test_two_subscriptions_sent_at_once_leave_one(instance, http):
    # Given a token
    await instance.create_account("alice")
    token = await instance.token("alice")
    # When an app sends its subscription twice at the same moment
    first, second = await asyncio.gather(
        *(
            http.post(PATH, token=token, data=subscription_form(PushClient(), url))
            for url in ("https://push.example/a", "https://push.example/b")
        )
    )
    # Then both succeed, and the token has one subscription: the one written last
    assert (first.status, second.status) == (200, 200)
    kept = (await http.get(PATH, token=token)).json()
    assert kept["id"] in (first.json()["id"], second.json()["id"])
    async with instance.db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(WebPushSubscription)
        )
    assert count == 1


async def test_update_replaces_alerts_and_policy(instance, http):
    # Given a subscription with mention alerts and the `followed` policy
    await instance.create_account("alice")
    token = await instance.token("alice")
    made = await http.post(PATH, token=token, data=subscription_form(PushClient()))
    # When the app updates it with follow alerts and a top-level policy
    reply = await http.request(
        "PUT",
        PATH,
        token=token,
        data={"data[alerts][follow]": "true", "policy": "follower"},
    )
    # Then alerts not named are off (Mastodon replaces `data` whole), the rest kept
    assert reply.status == 200, reply.text
    entity = reply.json()
    assert entity["alerts"]["follow"] is True
    assert entity["alerts"]["mention"] is False
    assert entity["policy"] == "follower"
    assert entity["id"] == made.json()["id"]
    assert entity["endpoint"] == ENDPOINT


async def test_update_without_a_subscription_is_not_found(instance, http):
    # Given a token that never subscribed
    await instance.create_account("alice")
    # When it updates its alerts
    reply = await http.request(
        "PUT",
        PATH,
        token=await instance.token("alice"),
        json={"data": {"alerts": {"mention": True}}},
    )
    # Then the answer is 404
    assert reply.status == 404


async def test_delete_removes_the_subscription(instance, http):
    # Given a token with a subscription
    await instance.create_account("alice")
    token = await instance.token("alice")
    await http.post(PATH, token=token, data=subscription_form(PushClient()))
    # When it deletes it
    reply = await http.request("DELETE", PATH, token=token)
    # Then the answer is an empty object and the subscription is gone
    assert reply.status == 200
    assert reply.json() == {}
    assert (await http.get(PATH, token=token)).status == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subscription[keys][p256dh]", "bm90IGEga2V5", "Key p256dh is invalid"),
        ("subscription[keys][auth]", "c2hvcnQ", "Key auth is invalid"),
        ("subscription[endpoint]", "ftp://push.example/x", "Endpoint is invalid"),
        ("subscription[endpoint]", "", "Endpoint is invalid"),
        ("data[policy]", "friends", "Policy is not included in the list"),
    ],
)
async def test_bad_keys_or_endpoint_are_refused(instance, http, field, value, message):
    # Given a subscription form with one bad field
    await instance.create_account("alice")
    form = {**subscription_form(PushClient()), field: value}
    # When it is posted
    reply = await http.post(PATH, token=await instance.token("alice"), data=form)
    # Then Mastodon's 422 comes back naming the field
    assert reply.status == 422
    assert reply.json()["error"] == f"Validation failed: {message}"


async def test_a_token_without_push_scope_is_forbidden(instance, http):
    # Given a token with read and write but not push
    await instance.create_account("alice")
    token = await instance.token("alice", scopes="read write")
    # When it subscribes
    reply = await http.post(PATH, token=token, data=subscription_form(PushClient()))
    # Then it is refused with Mastodon's scope error
    assert reply.status == 403
    assert reply.json() == {"error": "This action is outside the authorized scopes"}


async def test_no_token_is_unauthorized(instance, http):
    # Given no token at all
    # When the subscription is read
    reply = await http.get(PATH)
    # Then the answer is 401
    assert reply.status == 401
