"""Peers that try to use fedcity against others: bad signatures must not make it fetch
a key again and again (it would hammer the key's server), nor should a Delete from
an actor never seen here make it fetch a document that is gone."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fedcity.federation.signatures.digest import compute_digest
from fedcity.storage.models import Actor, Job, Post
from tests.support.delivery import count_rows, note_create
from tests.support.keys import premade_keypair
from tests.support.remote import RemoteActor, RemoteServer

pytestmark = pytest.mark.usefixtures("backend")


def forged(actor: RemoteActor) -> RemoteActor:
    """The actor as an impostor signs for it: right key id, another private key."""
    return replace(actor, private_pem=premade_keypair()[0])


async def cache_key(instance, remote: RemoteServer, actor: RemoteActor) -> None:
    """One good delivery, so the instance has fetched and cached the actor's key."""
    status, _ = await remote.send(
        f"{instance.base_url}/inbox", note_create(remote, actor, "cached")
    )
    assert status == 202
    assert remote.fetches_of(actor) == 1


class Clock:
    """A monotonic clock the test moves forward."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


# --- refetching a key whose signature failed --------------------------------------


async def test_a_burst_of_bad_signatures_refetches_the_key_once(instance, remote):
    # Given an actor whose key the instance has cached
    actor = remote.add_actor("mayor")
    await cache_key(instance, remote, actor)
    inbox = f"{instance.base_url}/inbox"
    impostor = forged(actor)
    # When three requests with bad signatures arrive at once, then two more
    burst = await asyncio.gather(
        *(
            remote.send(inbox, note_create(remote, actor, f"b{n}"), signer=impostor)
            for n in range(3)
        )
    )
    later = [
        await remote.send(inbox, note_create(remote, actor, f"l{n}"), signer=impostor)
        for n in range(2)
    ]
    # Then all are refused, and the key was fetched again only once
    assert [status for status, _ in [*burst, *later]] == [401] * 5
    assert remote.fetches_of(actor) == 2
    assert await count_rows(instance, Job, Job.kind == "inbox") == 1


async def test_the_key_may_be_refetched_again_after_the_interval(instance, remote):
    # Given a cached key, refetched a moment ago for a bad signature
    clock = Clock()
    instance.fed.keys.clock = clock
    actor = remote.add_actor("mayor")
    await cache_key(instance, remote, actor)
    inbox = f"{instance.base_url}/inbox"
    impostor = forged(actor)
    await remote.send(inbox, note_create(remote, actor, "1"), signer=impostor)
    assert remote.fetches_of(actor) == 2
    # When the actor really rotates its key within the interval, and after it
    actor.private_pem, actor.public_pem = premade_keypair()
    clock.now += 4 * 60
    early, _ = await remote.send(inbox, note_create(remote, actor, "2"))
    clock.now += 61  # past the default 5 minutes
    late, _ = await remote.send(inbox, note_create(remote, actor, "3"))
    # Then the key is refetched only once the interval has passed
    assert (early, late) == (401, 202)
    assert remote.fetches_of(actor) == 3


async def test_concurrent_requests_after_a_rotation_share_one_refetch(instance, remote):
    # Given an actor whose key is cached, and who then rotates it
    actor = remote.add_actor("mayor")
    await cache_key(instance, remote, actor)
    actor.private_pem, actor.public_pem = premade_keypair()
    inbox = f"{instance.base_url}/inbox"
    # When three activities signed with the new key arrive at once
    results = await asyncio.gather(
        *(remote.send(inbox, note_create(remote, actor, f"r{n}")) for n in range(3))
    )
    await instance.run_jobs()
    # Then all are accepted after one refetch
    assert [status for status, _ in results] == [202] * 3
    assert remote.fetches_of(actor) == 2
    assert await count_rows(instance, Post) == 4


def _digest_mismatch(headers: dict[str, str]) -> None:
    headers["Digest"] = compute_digest(b"another body")


def _digest_not_signed(headers: dict[str, str]) -> None:
    headers["Signature"] = headers["Signature"].replace(
        'headers="(request-target) host date digest"',
        'headers="(request-target) host date"',
    )


def _date_removed(headers: dict[str, str]) -> None:
    del headers["Date"]


def _unsupported_algorithm(headers: dict[str, str]) -> None:
    headers["Signature"] = headers["Signature"].replace("rsa-sha256", "rsa-sha512")


# Why a signature fails: a change to the signed headers, or a signing time shift.
UNFIXABLE: dict[str, tuple[Callable[[dict[str, str]], None] | None, timedelta]] = {
    "digest mismatch": (_digest_mismatch, timedelta()),
    "stale date": (None, timedelta(days=-2)),
    "future date": (None, timedelta(hours=3)),
    "digest not signed": (_digest_not_signed, timedelta()),
    "date header missing": (_date_removed, timedelta()),
    "unsupported algorithm": (_unsupported_algorithm, timedelta()),
}


async def send_spoiled(
    instance, remote: RemoteServer, actor: RemoteActor, suffix: str, case: str
) -> tuple[int, Any]:
    """Deliver a Create whose signature fails for the reason `case` names."""
    spoil, shift = UNFIXABLE[case]
    return await remote.send(
        f"{instance.base_url}/inbox",
        note_create(remote, actor, suffix),
        now=datetime.now(UTC) + shift,
        spoil=spoil,
    )


@pytest.mark.parametrize("case", sorted(UNFIXABLE))
async def test_a_failure_no_key_can_fix_fetches_no_key(instance, remote, case):
    # Given one actor never seen here, and one whose key is cached
    stranger = remote.add_actor("stranger")
    known = remote.add_actor("mayor")
    await cache_key(instance, remote, known)
    # When each sends a request that fails for a reason a new key cannot fix
    first, _ = await send_spoiled(instance, remote, stranger, "1", case)
    second, _ = await send_spoiled(instance, remote, known, "2", case)
    # Then both are refused, and no key was fetched for them
    assert (first, second) == (401, 401)
    assert remote.fetches_of(stranger) == 0
    assert remote.fetches_of(known) == 1


async def test_a_key_just_fetched_is_not_fetched_again_in_the_same_request(
    instance, remote
):
    # Given an actor never seen here
    actor = remote.add_actor("mayor")
    # When its first request carries a bad signature
    status, _ = await remote.send(
        f"{instance.base_url}/inbox",
        note_create(remote, actor, "1"),
        signer=forged(actor),
    )
    # Then it is refused after the one fetch of the key
    assert status == 401
    assert remote.fetches_of(actor) == 1


# --- Delete from an actor that is gone --------------------------------------------


def delete_of(actor: RemoteActor, obj: str) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.uri}#delete",
        "type": "Delete",
        "actor": actor.uri,
        "object": obj,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    }


async def test_delete_from_an_actor_never_seen_is_acknowledged_without_fetching(
    instance, remote
):
    # Given an account deleted on its server (its document answers 410), never
    # seen here
    actor = remote.add_actor("gone")
    remote.gone.add(f"/users/{actor.name}")
    inbox = f"{instance.base_url}/inbox"
    # When its server sends the Delete of the account, and of one of its posts
    of_actor, _ = await remote.send(inbox, delete_of(actor, actor.uri))
    of_post, _ = await remote.send(inbox, delete_of(actor, f"{actor.uri}/statuses/1"))
    # Then both are acknowledged, nothing is fetched and nothing is stored
    assert (of_actor, of_post) == (202, 202)
    assert remote.gets == []
    assert await count_rows(instance, Job, Job.kind == "inbox") == 0
    assert await count_rows(instance, Actor, Actor.uri == actor.uri) == 0


@pytest.mark.parametrize("key_held", [True, False], ids=["key held", "key not held"])
async def test_self_delete_of_a_known_actor_is_applied_only_with_a_key_held_here(
    instance, remote, key_held
):
    # Given an actor known here, whose document now answers 410, and whose server
    # signs with the key held here or with another one
    actor = remote.add_actor("gone")
    await cache_key(instance, remote, actor)
    remote.gone.add(f"/users/{actor.name}")
    if not key_held:
        actor.key_id = f"{actor.uri}#other-key"
    # When the Delete of the actor arrives
    status, _ = await remote.send(
        f"{instance.base_url}/inbox", delete_of(actor, actor.uri)
    )
    await instance.run_jobs()
    # Then it is acknowledged with no further fetch, and applied only if verified
    assert status == 202
    assert remote.fetches_of(actor) == 1
    deleted = await count_rows(instance, Actor, Actor.deleted_at.is_not(None))
    assert deleted == (1 if key_held else 0)
