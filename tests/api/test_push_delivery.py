"""Notifications pushed to a real push service on a loopback port: encrypted per
RFC 8291 (or the aesgcm draft), signed per RFC 8292, carrying Mastodon's payload,
filtered by alerts and policy, and retried or dropped as the push service answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from mastodon import Mastodon
from sqlalchemy import select, update

from fedcity.storage.models import AccessToken, Job, WebPushSubscription
from fedcity.storage.types import utcnow
from tests.support.http import Http, follow, post_status
from tests.support.push_service import PushClient, PushService

pytestmark = pytest.mark.usefixtures("backend")

PATH = "/api/v1/push/subscription"


@pytest.fixture
async def push_service(aiohttp_server, instance) -> PushService:
    service = PushService(server_key=instance.vapid.server_key)
    await service.start(aiohttp_server)
    return service


async def subscribe(
    instance,
    http: Http,
    name: str,
    endpoint: str,
    client: PushClient,
    *,
    standard: bool = True,
    alerts: tuple[str, ...] = ("mention",),
    policy: str = "all",
) -> str:
    """`name` subscribes through the API; its token."""
    token = await instance.token(name)
    body = {
        "subscription": {
            "endpoint": endpoint,
            "keys": client.keys(),
            "standard": standard,
        },
        "data": {"alerts": dict.fromkeys(alerts, True), "policy": policy},
    }
    reply = await http.post(PATH, token=token, json=body)
    assert reply.status == 200, reply.text
    return token


async def web_push_jobs(instance) -> list[Job]:
    async with instance.db.session() as session:
        rows = await session.scalars(select(Job).where(Job.kind == "web_push"))
        return list(rows)


async def test_a_mention_is_pushed_encrypted_with_mastodons_payload(
    instance, http, push_service
):
    # Given alice subscribed with RFC 8291 keys for mentions
    await instance.create_account("alice")
    await instance.create_account("bob", display_name="Bob B.")
    client = PushClient()
    token = await subscribe(
        instance, http, "alice", push_service.endpoint("alice"), client
    )
    # When bob mentions her and the jobs run
    await post_status(instance, http, "bob", "@alice the budget hearing moved")
    await instance.run_jobs()
    # Then one message arrived, signed for the push service's origin, and it decrypts
    # (with alice's private key) to Mastodon's payload for that notification
    [message] = push_service.delivered
    assert message.headers["Content-Encoding"] == "aes128gcm"
    assert message.headers["Content-Type"] == "application/octet-stream"
    assert message.headers["TTL"] == "172800"
    assert message.headers["Urgency"] == "normal"
    assert message.headers["Authorization"].startswith("vapid t=")
    assert message.vapid_claims["sub"] == instance.base_url
    payload = client.decrypt(message)
    notifications = (await http.get("/api/v1/notifications", token=token)).json()
    assert payload == {
        "access_token": token,
        "preferred_locale": "en",
        "notification_id": int(notifications[0]["id"]),
        "notification_type": "mention",
        "icon": f"{instance.base_url}/static/avatar.png",
        "title": "You were mentioned by Bob B.",
        "body": "@alice the budget hearing moved",
    }


async def test_a_legacy_subscription_gets_the_aesgcm_draft(
    instance, http, push_service
):
    # Given alice subscribed without `standard` (the draft Mastodon still speaks)
    await instance.create_account("alice")
    await instance.create_account("bob")
    client = PushClient()
    await subscribe(
        instance,
        http,
        "alice",
        push_service.endpoint("alice"),
        client,
        standard=False,
    )
    # When bob mentions her
    await post_status(instance, http, "bob", "@alice hello")
    await instance.run_jobs()
    # Then the message uses aesgcm with salt and keys in headers and a WebPush token
    [message] = push_service.delivered
    assert message.headers["Content-Encoding"] == "aesgcm"
    assert message.headers["Encryption"].startswith("salt=")
    assert message.headers["Crypto-Key"].startswith("dh=")
    assert message.headers["Authorization"].startswith("WebPush ")
    payload = client.decrypt(message)
    assert payload["notification_type"] == "mention"
    assert payload["title"] == "You were mentioned by bob"


async def test_mastodon_py_subscribes_and_decrypts_a_push(instance, http, push_service):
    # Given alice subscribed through Mastodon.py with keys it generated
    await instance.create_account("alice")
    await instance.create_account("bob")
    alice = Mastodon(
        access_token=await instance.token("alice"), api_base_url=instance.base_url
    )
    private, public = await asyncio.to_thread(alice.push_subscription_generate_keys)
    await asyncio.to_thread(
        alice.push_subscription_set,
        push_service.endpoint("alice"),
        public,
        mention_events=True,
    )
    # When bob mentions her
    await post_status(instance, http, "bob", "@alice are you coming?")
    await instance.run_jobs()
    # Then Mastodon.py's own decryption reads the push
    [message] = push_service.delivered
    push = alice.push_subscription_decrypt_push(
        message.body,
        private,
        message.headers["Encryption"],
        message.headers["Crypto-Key"],
    )
    assert push["notification_type"] == "mention"
    assert push["body"] == "@alice are you coming?"


async def test_the_body_is_the_content_warning_not_the_hidden_text(
    instance, http, push_service
):
    # Given alice subscribed for mentions
    await instance.create_account("alice")
    await instance.create_account("bob")
    client = PushClient()
    await subscribe(instance, http, "alice", push_service.endpoint("a"), client)
    # When bob mentions her behind a content warning
    await post_status(
        instance, http, "bob", "@alice the secret plan", spoiler_text="Council"
    )
    await instance.run_jobs()
    # Then the push shows the warning only
    [message] = push_service.delivered
    assert client.decrypt(message)["body"] == "Council"


async def test_only_alerts_the_app_asked_for_are_pushed(instance, http, push_service):
    # Given alice subscribed for mentions only, and a post of hers
    await instance.create_account("alice")
    await instance.create_account("bob")
    client = PushClient()
    await subscribe(instance, http, "alice", push_service.endpoint("a"), client)
    status = await post_status(instance, http, "alice", "agenda published")
    # When bob follows and favourites her, then mentions her
    await follow(instance, http, "bob", "alice")
    bob = await instance.token("bob")
    await http.post(f"/api/v1/statuses/{status['id']}/favourite", token=bob)
    await post_status(instance, http, "bob", "@alice thanks")
    await instance.run_jobs()
    # Then only the mention was pushed
    types = [client.decrypt(m)["notification_type"] for m in push_service.delivered]
    assert types == ["mention"]


async def test_followed_policy_pushes_only_from_accounts_she_follows(
    instance, http, push_service
):
    # Given alice follows bob but not carol, and subscribed with policy "followed"
    for name in ("alice", "bob", "carol"):
        await instance.create_account(name)
    await follow(instance, http, "alice", "bob")
    client = PushClient()
    await subscribe(
        instance, http, "alice", push_service.endpoint("a"), client, policy="followed"
    )
    # When both mention her
    await post_status(instance, http, "carol", "@alice from carol")
    await post_status(instance, http, "bob", "@alice from bob")
    await instance.run_jobs()
    # Then only bob's mention was pushed
    bodies = [client.decrypt(m)["body"] for m in push_service.delivered]
    assert bodies == ["@alice from bob"]


async def test_follower_policy_pushes_only_from_her_followers(
    instance, http, push_service
):
    # Given carol follows alice, bob does not, and alice chose policy "follower"
    for name in ("alice", "bob", "carol"):
        await instance.create_account(name)
    await follow(instance, http, "carol", "alice")
    client = PushClient()
    await subscribe(
        instance, http, "alice", push_service.endpoint("a"), client, policy="follower"
    )
    # When both mention her
    await post_status(instance, http, "bob", "@alice from bob")
    await post_status(instance, http, "carol", "@alice from carol")
    await instance.run_jobs()
    # Then only carol's mention was pushed
    bodies = [client.decrypt(m)["body"] for m in push_service.delivered]
    assert bodies == ["@alice from carol"]


async def test_a_gone_subscription_is_removed(instance, http, push_service):
    # Given alice's subscription, which the push service no longer knows
    await instance.create_account("alice")
    await instance.create_account("bob")
    token = await subscribe(
        instance, http, "alice", push_service.endpoint("a"), PushClient()
    )
    push_service.answers = [410]
    # When a mention is pushed
    await post_status(instance, http, "bob", "@alice hello")
    await instance.run_jobs()
    # Then the subscription is deleted and the job is done, not retried
    assert [m.status for m in push_service.received] == [410]
    assert (await http.get(PATH, token=token)).status == 404
    [job] = await web_push_jobs(instance)
    assert job.state == "done"


async def test_a_push_service_outage_is_retried_later(instance, http, push_service):
    # Given alice's subscription and a push service that is down for now
    await instance.create_account("alice")
    await instance.create_account("bob")
    client = PushClient()
    await subscribe(instance, http, "alice", push_service.endpoint("a"), client)
    push_service.answers = [503]
    # When a mention is pushed
    await post_status(instance, http, "bob", "@alice hello")
    await instance.run_jobs()
    # Then the job waits for a later try
    [job] = await web_push_jobs(instance)
    assert job.state == "pending"
    assert job.last_error == "push service answered 503"
    assert job.next_attempt_at > utcnow()
    # And when that time comes, the message goes through
    async with instance.db.session() as session:
        await session.execute(
            update(Job).where(Job.id == job.id).values(next_attempt_at=utcnow())
        )
    await instance.run_jobs()
    assert [m.status for m in push_service.received] == [503, 201]
    assert client.decrypt(push_service.delivered[0])["notification_type"] == "mention"
    [job] = await web_push_jobs(instance)
    assert job.state == "done"


async def test_a_refused_push_fails_without_retry(instance, http, push_service):
    # Given a push service that refuses the message as malformed
    await instance.create_account("alice")
    await instance.create_account("bob")
    token = await subscribe(
        instance, http, "alice", push_service.endpoint("a"), PushClient()
    )
    push_service.answers = [400]
    # When a mention is pushed
    await post_status(instance, http, "bob", "@alice hello")
    await instance.run_jobs()
    # Then the job failed for good, and the subscription stays
    [job] = await web_push_jobs(instance)
    assert job.state == "failed"
    assert (await http.get(PATH, token=token)).status == 200


async def test_a_revoked_token_gets_no_push(instance, http, push_service):
    # Given alice subscribed, then her token was revoked
    await instance.create_account("alice")
    await instance.create_account("bob")
    await subscribe(instance, http, "alice", push_service.endpoint("a"), PushClient())
    async with instance.db.session() as session:
        await session.execute(update(AccessToken).values(revoked_at=utcnow()))
    # When bob mentions her
    await post_status(instance, http, "bob", "@alice hello")
    await instance.run_jobs()
    # Then nothing is queued nor sent
    assert await web_push_jobs(instance) == []
    assert push_service.received == []


@pytest.fixture
async def guarded(make_instance, aiohttp_server) -> AsyncIterator[tuple]:
    """An instance whose SSRF guard is on, its client, and a loopback push service."""
    city = await make_instance(allow_private_addresses=False)
    service = PushService(server_key=city.vapid.server_key)
    await service.start(aiohttp_server)
    async with aiohttp.ClientSession() as session:
        yield city, Http(session, city.base_url), service


async def test_a_private_address_endpoint_is_refused(guarded):
    # Given an instance that refuses private addresses, and a subscription whose
    # endpoint is on loopback
    city, http, service = guarded
    await city.create_account("alice")
    await city.create_account("bob")
    token = await subscribe(city, http, "alice", service.endpoint("a"), PushClient())
    # When a mention is pushed
    await post_status(city, http, "bob", "@alice hello")
    await city.run_jobs()
    # Then nothing reached the address, the job failed, the subscription is gone
    assert service.received == []
    [job] = await web_push_jobs(city)
    assert job.state == "failed"
    assert "refused" in (job.last_error or "")
    assert (await http.get(PATH, token=token)).status == 404
    async with city.db.session() as session:
        assert await session.scalar(select(WebPushSubscription)) is None
