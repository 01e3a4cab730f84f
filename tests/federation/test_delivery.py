"""Outbound delivery against a live instance and a scripted peer over real HTTP: who
gets what, signed how, and what each kind of answer (or silence) leads to."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fedcity.federation.signatures.keys import load_public_key
from fedcity.federation.signatures.verify import parse_signature, verify_signature
from fedcity.storage.types import utcnow
from tests.support.delivery import (
    ScriptedPeer,
    deliveries,
    follow_activity,
    make_due,
    only_delivery,
    plan_delivery,
    post_status,
)
from tests.support.instances import free_port

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
async def peer(aiohttp_server) -> ScriptedPeer:
    server = ScriptedPeer()
    await server.start(aiohttp_server)
    return server


@pytest.fixture
async def patient(make_instance):
    """An instance on the production retry schedule: the first retry is ≥15 s away,
    so a retried job is visibly in the future and no test run reaches it by itself."""
    return await make_instance(retry_backoff_scale=1.0)


async def followed_by_peer(instance, peer, name: str = "mayor"):
    """A local account followed by an actor on `peer` (Follow → Accept)."""
    local = await instance.create_account(name)
    fan = peer.add_actor("resident")
    status, _ = await peer.send(
        f"{instance.base_url}/users/{name}/inbox",
        follow_activity(peer, fan, local.uri),
    )
    assert status == 202
    await instance.run_jobs()
    return local, fan


async def test_remote_follow_is_answered_with_an_accept(instance, peer):
    # Given a local account
    local = await instance.create_account("mayor")
    fan = peer.add_actor("resident")
    follow = follow_activity(peer, fan, local.uri)
    # When the peer's actor sends a signed Follow and the worker runs
    status, _ = await peer.send(f"{instance.base_url}/users/mayor/inbox", follow)
    await instance.run_jobs()
    # Then an Accept of that Follow is delivered to the follower's inbox
    assert status == 202
    assert peer.received_types() == ["Accept"]
    accept = peer.received[0]
    assert accept.path == "/users/resident/inbox"
    assert accept.body["actor"] == local.uri
    assert accept.body["object"]["id"] == follow["id"]


async def test_post_is_delivered_once_to_the_shared_inbox_signed(instance, peer):
    # Given a local account with a follower on the peer
    local, _ = await followed_by_peer(instance, peer)
    token = await instance.token("mayor")
    before = len(peer.received)
    # When the account posts through the client API and the worker runs
    status = await post_status(instance, token, "Leaf collection starts today")
    await instance.run_jobs()
    await instance.run_jobs()
    # Then exactly one Create reaches the peer, at its shared inbox
    new = peer.received[before:]
    assert [r.body["type"] for r in new] == ["Create"]
    create = new[0]
    assert create.path == "/inbox"
    assert create.body["object"]["id"] == status["uri"]
    assert create.body["actor"] == local.uri
    # And its HTTP signature verifies with the account's public key
    info = parse_signature("POST", create.path, create.headers)
    assert info.key_id == local.key_id
    verify_signature(
        info,
        "POST",
        create.path,
        create.headers,
        peer.raw_bodies[-1],
        load_public_key(local.public_key_pem),
        authority=peer.domain,
        scheme="http",
    )
    assert (await only_delivery_to(instance, peer.shared_inbox)).state == "done"


async def only_delivery_to(instance, inbox):
    jobs = [j for j in await deliveries(instance) if j.payload["inbox"] == inbox]
    assert len(jobs) == 1
    return jobs[0]


async def test_server_error_is_retried_later(patient, peer):
    # Given a planned delivery to a peer that answers 500
    author = await patient.create_account("mayor")
    peer.inbox_status = 500
    await plan_delivery(patient, author, peer.shared_inbox)
    # When the worker runs
    await patient.run_jobs()
    # Then the delivery stays pending with a retry scheduled in the future
    job = await only_delivery(patient)
    assert job.state == "pending"
    assert job.attempts == 1
    assert job.next_attempt_at > utcnow() + timedelta(seconds=10)
    assert "500" in (job.last_error or "")
    assert len(peer.received) == 1


async def test_retried_delivery_succeeds_once_the_peer_recovers(patient, peer):
    # Given a delivery that failed once with 500
    author = await patient.create_account("mayor")
    peer.inbox_status = 500
    activity_id = await plan_delivery(patient, author, peer.shared_inbox)
    await patient.run_jobs()
    # When the peer recovers and the retry comes due
    peer.inbox_status = 202
    await make_due(patient)
    await patient.run_jobs()
    # Then the same activity is delivered and the job is done
    job = await only_delivery(patient)
    assert job.state == "done"
    assert job.attempts == 2
    assert job.last_error is None
    assert [r.body["id"] for r in peer.received] == [activity_id, activity_id]


async def test_too_many_requests_waits_at_least_retry_after(instance, peer):
    # Given a peer answering 429 with Retry-After: 120 (backoff in tests is tiny)
    author = await instance.create_account("mayor")
    peer.inbox_status = 429
    peer.inbox_headers = {"Retry-After": "120"}
    await plan_delivery(instance, author, peer.shared_inbox)
    # When the worker runs
    await instance.run_jobs()
    # Then the next attempt is not before two minutes from now
    job = await only_delivery(instance)
    assert job.state == "pending"
    assert job.attempts == 1
    assert job.next_attempt_at >= utcnow() + timedelta(seconds=115)
    assert job.next_attempt_at <= utcnow() + timedelta(seconds=125)
    assert "429" in (job.last_error or "")


async def test_client_error_fails_for_good(instance, peer):
    # Given a peer that refuses the activity with 400
    author = await instance.create_account("mayor")
    peer.inbox_status = 400
    await plan_delivery(instance, author, peer.shared_inbox)
    # When the worker runs (twice, to be sure nothing is retried)
    await instance.run_jobs()
    await make_due(instance)
    await instance.run_jobs()
    # Then the delivery failed permanently after one attempt
    job = await only_delivery(instance)
    assert job.state == "failed"
    assert job.attempts == 1
    assert job.finished_at is not None
    assert "400" in (job.last_error or "")
    assert len(peer.received) == 1


async def test_connection_refused_is_retried(patient):
    # Given a follower inbox on a port where nothing listens (the peer is down)
    author = await patient.create_account("mayor")
    inbox = f"http://127.0.0.1:{free_port()}/inbox"
    await plan_delivery(patient, author, inbox)
    # When the worker runs
    await patient.run_jobs()
    # Then the delivery waits for a retry rather than failing
    job = await only_delivery(patient)
    assert job.state == "pending"
    assert job.attempts == 1
    assert job.next_attempt_at > utcnow()
    assert "unreachable" in (job.last_error or "")


async def test_delivery_gives_up_after_max_attempts(make_instance):
    # Given an instance allowing two attempts and a peer that never answers
    instance = await make_instance(max_delivery_attempts=2, retry_backoff_scale=1.0)
    author = await instance.create_account("mayor")
    await plan_delivery(instance, author, f"http://127.0.0.1:{free_port()}/inbox")
    await instance.run_jobs()
    assert (await only_delivery(instance)).state == "pending"
    # When the second attempt also fails
    await make_due(instance)
    await instance.run_jobs()
    # Then the delivery is failed for good
    job = await only_delivery(instance)
    assert job.state == "failed"
    assert job.attempts == 2
    assert "gave up after 2 attempts" in (job.last_error or "")
