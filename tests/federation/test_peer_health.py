"""Peers that keep failing are marked unavailable and their deliveries held (not
dropped) until they speak again; pending deliveries survive a restart."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fedcity.app import create_app
from fedcity.federation import delivery
from fedcity.federation.vocab import origin_of
from fedcity.storage.models import Actor
from fedcity.storage.types import utcnow
from tests.support.delivery import (
    ScriptedPeer,
    deliveries,
    make_due,
    note_create,
    only_delivery,
    peer_health,
    plan_delivery,
)
from tests.support.instances import LiveInstance, free_port, make_settings
from tests.support.keys import premade_keypair

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
async def peer(aiohttp_server) -> ScriptedPeer:
    server = ScriptedPeer()
    await server.start(aiohttp_server)
    return server


class Calendar:
    """delivery.utcnow, moved a whole day at a time (peer health counts days)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return utcnow() + self.offset

    def next_day(self) -> None:
        self.offset += timedelta(days=1)


@pytest.fixture
def calendar(monkeypatch) -> Calendar:
    cal = Calendar()
    monkeypatch.setattr(delivery, "utcnow", cal.now)
    return cal


@pytest.fixture
async def fragile(make_instance):
    """Unavailable after failures on two distinct days; retries ≥15 s apart."""
    return await make_instance(unavailable_after_days=2, retry_backoff_scale=1.0)


async def fail_on_two_days(instance, peer, calendar) -> Actor:
    """Deliver to `peer` (answering 500) today and tomorrow; returns the author."""
    author = await instance.create_account("mayor")
    peer.inbox_status = 500
    await plan_delivery(instance, author, peer.shared_inbox, "1")
    await instance.run_jobs()
    calendar.next_day()
    await make_due(instance)
    await instance.run_jobs()
    return author


async def test_failures_on_one_day_count_as_one_day(fragile, peer, calendar):
    # Given a peer answering 500
    author = await fragile.create_account("mayor")
    peer.inbox_status = 500
    await plan_delivery(fragile, author, peer.shared_inbox)
    # When deliveries to it fail twice on the same day
    await fragile.run_jobs()
    await make_due(fragile)
    await fragile.run_jobs()
    # Then one failure day is recorded and the peer is still available
    health = await peer_health(fragile, origin_of(peer.base_url))
    assert health is not None
    assert (health.failure_days, health.unavailable) == (1, False)
    assert (await only_delivery(fragile)).attempts == 2


async def test_peer_failing_on_distinct_days_is_marked_unavailable(
    fragile, peer, calendar
):
    # Given a peer that answers 500
    # When its deliveries fail on two different days
    await fail_on_two_days(fragile, peer, calendar)
    # Then it is marked unavailable
    health = await peer_health(fragile, origin_of(peer.base_url))
    assert health is not None
    assert health.failure_days == 2
    assert health.unavailable is True
    assert origin_of(peer.base_url) in fragile.fed.unavailable_origins


async def test_deliveries_to_an_unavailable_peer_are_held(fragile, peer, calendar):
    # Given a peer that has been marked unavailable
    author = await fail_on_two_days(fragile, peer, calendar)
    attempts_so_far = len(peer.received)
    # When a new activity is planned for it and the old retry comes due
    await plan_delivery(fragile, author, peer.shared_inbox, "2")
    await make_due(fragile)
    await fragile.run_jobs()
    # Then both deliveries are held, and nothing was sent
    assert [job.state for job in await deliveries(fragile)] == ["held", "held"]
    assert len(peer.received) == attempts_so_far


async def test_inbound_activity_releases_held_deliveries(fragile, peer, calendar):
    # Given held deliveries to an unavailable peer that has since recovered
    author = await fail_on_two_days(fragile, peer, calendar)
    second = await plan_delivery(fragile, author, peer.shared_inbox, "2")
    await make_due(fragile)
    await fragile.run_jobs()
    peer.inbox_status = 202
    sent_before = len(peer.received)
    # When an actor on that peer sends a signed activity and the worker runs
    speaker = peer.add_actor("clerk")
    status, _ = await peer.send(
        f"{fragile.base_url}/inbox", note_create(peer, speaker, "hello")
    )
    await fragile.run_jobs()
    # Then the held deliveries go out and the peer is available again
    assert status == 202
    assert [job.state for job in await deliveries(fragile)] == ["done", "done"]
    assert second in [r.body["id"] for r in peer.received[sent_before:]]
    health = await peer_health(fragile, origin_of(peer.base_url))
    assert health is not None
    assert (health.unavailable, health.failure_days) == (False, 0)
    assert origin_of(peer.base_url) not in fragile.fed.unavailable_origins


async def test_another_process_marking_a_peer_unavailable_is_learnt(
    fragile, peer, calendar
):
    # Given a peer marked unavailable by another worker process (only in the
    # database; this process has never seen it fail)
    await fail_on_two_days(fragile, peer, calendar)
    fragile.fed.unavailable_origins.clear()
    # When this process reloads peer health, as its worker does when idle
    await delivery.sync_unavailable(fragile.fed)
    # Then it knows, and holds deliveries to that peer
    assert origin_of(peer.base_url) in fragile.fed.unavailable_origins


async def test_a_successful_delivery_releases_held_ones(fragile, peer, calendar):
    # Given held deliveries to a peer that another process had given up on, and one
    # delivery this process still sends (it had not heard the peer was down)
    author = await fail_on_two_days(fragile, peer, calendar)
    await plan_delivery(fragile, author, peer.shared_inbox, "2")
    await make_due(fragile)
    await fragile.run_jobs()
    assert {job.state for job in await deliveries(fragile)} == {"held"}
    fragile.fed.unavailable_origins.clear()
    peer.inbox_status = 202
    # When that delivery succeeds
    await plan_delivery(fragile, author, peer.shared_inbox, "3")
    await fragile.run_jobs()
    # Then the peer is available again and every held delivery went out
    assert {job.state for job in await deliveries(fragile)} == {"done"}
    health = await peer_health(fragile, origin_of(peer.base_url))
    assert health is not None
    assert health.unavailable is False


# --- durability -------------------------------------------------------------------


async def _start(aiohttp_server, db_url: str, port: int):
    """start_instance, but keeping the server so the test can stop it."""
    settings = make_settings(port, db_url, retry_backoff_scale=1.0)
    app = create_app(settings, run_worker=False, keypairs=premade_keypair)
    server = await aiohttp_server(app, host="127.0.0.1", port=port)
    return LiveInstance(settings, app), server


async def test_pending_deliveries_survive_a_restart(
    make_migrated_db_url, aiohttp_server, peer
):
    # Given an instance with one delivery waiting for a retry and one never tried
    db_url, port = await make_migrated_db_url(), free_port()
    first, server = await _start(aiohttp_server, db_url, port)
    author = await first.create_account("mayor")
    peer.inbox_status = 503
    retried = await plan_delivery(first, author, peer.shared_inbox, "1")
    await first.run_jobs()
    untried = await plan_delivery(first, author, peer.shared_inbox, "2")
    # When the instance stops and a new process starts on the same database
    await server.close()
    second, _ = await _start(aiohttp_server, db_url, port)
    pending = await deliveries(second)
    peer.inbox_status = 202
    await make_due(second)
    await second.run_jobs()
    # Then both deliveries were still there, and are now delivered
    assert [(j.state, j.attempts) for j in pending] == [("pending", 1), ("pending", 0)]
    assert [j.state for j in await deliveries(second)] == ["done", "done"]
    delivered = [r.body["id"] for r in peer.received if r.body["id"] != retried]
    assert delivered == [untried]
    assert [r.body["id"] for r in peer.received].count(retried) == 2
