"""Fetching on the network's behalf: no requests to private addresses (SSRF), and a
rotated remote key is refetched once, not trusted blindly nor refetched endlessly."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fedcity.errors import FetchError
from fedcity.federation.fetch import fetch_document
from fedcity.federation.transport import is_public_address
from fedcity.storage.models import Post
from tests.support.delivery import ScriptedPeer, note_create
from tests.support.keys import premade_keypair

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
async def peer(aiohttp_server) -> ScriptedPeer:
    server = ScriptedPeer()
    await server.start(aiohttp_server)
    return server


@pytest.fixture
async def guarded(make_instance):
    """An instance as in production: private addresses refused."""
    return await make_instance(allow_private_addresses=False)


# --- SSRF -------------------------------------------------------------------------


async def test_fetch_of_a_loopback_ip_literal_is_refused(guarded, peer):
    # Given a guarded instance and a document served on 127.0.0.1
    actor = peer.add_actor("mayor")
    # When something makes it fetch that URL
    with pytest.raises(FetchError):
        await fetch_document(guarded.fed, actor.uri)
    # Then no request reached the address
    assert peer.gets == []


async def test_fetch_of_a_name_resolving_to_loopback_is_refused(guarded, peer):
    # Given a guarded instance and a host name that resolves to 127.0.0.1
    peer.add_actor("mayor")
    url = f"http://localhost:{peer.port}/users/mayor"
    # When it is asked to fetch a document there
    with pytest.raises(FetchError) as caught:
        await fetch_document(guarded.fed, url)
    # Then the resolver refuses it before connecting
    assert "non-public" in str(caught.value)
    assert peer.gets == []


async def test_fetch_of_a_non_http_url_is_refused(guarded, peer):
    # Given a file: URL
    # When it is asked to fetch it
    with pytest.raises(FetchError) as caught:
        await fetch_document(guarded.fed, "file:///etc/passwd")
    # Then it is refused without any request
    assert "not an http(s) URL" in str(caught.value)


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",  # cloud metadata
        "0.0.0.0",  # noqa: S104 - an address under test, not a bind
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.1.2.3",
        "224.0.0.1",
    ],
)
def test_private_addresses_are_not_public(address):
    # Given an address on a private, loopback, link-local or multicast range
    # When the SSRF guard classifies it
    # Then it is not public
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", ["100.64.0.1", "100.100.100.200"])
def test_shared_address_space_is_not_public(address):
    # Given an address in the shared (CGNAT) range
    # When the SSRF guard classifies it
    # Then it is not public
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111"])
def test_public_addresses_are_public(address):
    # Given a routable address
    # When the SSRF guard classifies it
    # Then it is allowed
    assert is_public_address(address) is True


# --- key rotation -----------------------------------------------------------------


async def post_count(instance) -> int:
    async with instance.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Post)) or 0)


async def cache_key(instance, peer, actor) -> int:
    """Deliver one activity so the key is cached; returns how many GETs of the actor
    document a key lookup costs (the cold lookup just made)."""
    status, _ = await peer.send(
        f"{instance.base_url}/inbox", note_create(peer, actor, "1")
    )
    assert status == 202
    return peer.gets.count(f"/users/{actor.name}")


async def test_rotated_key_is_refetched_and_accepted(instance, peer):
    # Given a remote actor whose key the instance has cached
    actor = peer.add_actor("mayor")
    lookup_cost = await cache_key(instance, peer, actor)
    # When the actor rotates its key (same key id) and signs with the new one
    actor.private_pem, actor.public_pem = premade_keypair()
    status, _ = await peer.send(
        f"{instance.base_url}/inbox", note_create(peer, actor, "2")
    )
    await instance.run_jobs()
    # Then the instance looked the key up again, once, and accepted the activity
    assert status == 202
    assert peer.gets.count("/users/mayor") == 2 * lookup_cost
    assert await post_count(instance) == 2


async def test_rotated_key_is_cached_after_the_refetch(instance, peer):
    # Given an actor that rotated its key and was refetched
    actor = peer.add_actor("mayor")
    await cache_key(instance, peer, actor)
    actor.private_pem, actor.public_pem = premade_keypair()
    inbox = f"{instance.base_url}/inbox"
    assert (await peer.send(inbox, note_create(peer, actor, "2")))[0] == 202
    fetched = len(peer.gets)
    # When it sends another activity with the new key
    status, _ = await peer.send(inbox, note_create(peer, actor, "3"))
    # Then it is accepted from the cache, without fetching
    assert status == 202
    assert len(peer.gets) == fetched


async def test_key_that_still_fails_after_one_refetch_is_refused(instance, peer):
    # Given a remote actor whose key the instance has cached
    actor = peer.add_actor("mayor")
    lookup_cost = await cache_key(instance, peer, actor)
    # When an activity arrives signed with a key the actor does not publish
    actor.private_pem, _ = premade_keypair()
    status, body = await peer.send(
        f"{instance.base_url}/inbox", note_create(peer, actor, "2")
    )
    # Then it is refused after one refetch (not a fetch loop)
    assert status == 401
    assert "signature" in body["error"].lower()
    assert peer.gets.count("/users/mayor") == 2 * lookup_cost


async def test_key_lookup_fetches_the_actor_document_once(instance, peer):
    # Given an actor the instance has never seen
    actor = peer.add_actor("mayor")
    # When its first signed activity arrives
    lookup_cost = await cache_key(instance, peer, actor)
    # Then its document was fetched once
    assert lookup_cost == 1
