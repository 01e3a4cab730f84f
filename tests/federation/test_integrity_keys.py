"""The instance actor's Ed25519 key (FEP-521a Multikey in `assertionMethod`) and
integrity proofs across origins: made once and kept, published on /actor, used to
sign, and resolved from a remote actor's `assertionMethod` to verify."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from fedcity.federation.fetch import fetch_document, fetch_document_as_served
from fedcity.federation.integrity.keys import (
    INSTANCE_KEY_NAME,
    ensure_instance_assertion_key,
    load_ed25519_private_key,
)
from fedcity.federation.integrity.multikey import encode_public_key, multikey_document
from fedcity.federation.integrity.proofs import (
    DATA_INTEGRITY_CONTEXT,
    ProofError,
    ProofFailure,
    sign,
)
from fedcity.federation.integrity.remote import resolve_assertion_key, verify_remote
from fedcity.federation.jsonld.loader import document_loader
from fedcity.storage.models import InstanceKey
from tests.support.http import AS2

pytestmark = pytest.mark.usefixtures("backend")


async def get_actor_json(base_url: str) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base_url}/actor", headers={"Accept": AS2}) as reply,
    ):
        assert reply.status == 200
        return await reply.json(content_type=None)  # type: ignore[no-any-return]


def attestation(issuer: str, origin: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", DATA_INTEGRITY_CONTEXT],
        "id": f"{origin}/attestations/1",
        "type": "Note",
        "issuer": issuer,
        "content": "Mayor of Ojai",
        "to": "as:Public",
    }


async def test_instance_actor_lists_the_stored_key_as_a_multikey(instance):
    # Given a running instance
    # When a peer fetches its instance actor
    doc = await get_actor_json(instance.base_url)
    # Then assertionMethod holds one FEP-521a Multikey controlled by the actor
    actor_id = f"{instance.base_url}/actor"
    [method] = doc["assertionMethod"]
    assert method["id"] == f"{actor_id}#ed25519-key"
    assert method["type"] == "Multikey"
    assert method["controller"] == actor_id
    assert method["publicKeyMultibase"].startswith("z6Mk")
    # And it is the public half of the key kept in instance_keys
    async with instance.db.session() as session:
        row = await session.get(InstanceKey, INSTANCE_KEY_NAME)
    assert row is not None
    private = load_ed25519_private_key(row.private_key_pem)
    assert encode_public_key(private.public_key()) == method["publicKeyMultibase"]
    assert row.public_key == method["publicKeyMultibase"]


async def test_instance_actor_context_defines_the_key_terms_offline(instance):
    # Given the instance actor document
    doc = await get_actor_json(instance.base_url)
    # When it is expanded as JSON-LD with fedcity's offline loader only
    [expanded] = jsonld.expand(doc, {"documentLoader": document_loader})
    # Then assertionMethod and Multikey are the security vocabulary's terms
    [key] = expanded["https://w3id.org/security#assertionMethod"]
    assert key["@type"] == ["https://w3id.org/security#Multikey"]
    assert key["https://w3id.org/security#publicKeyMultibase"][0]["@value"].startswith(
        "z6Mk"
    )


async def test_the_key_is_made_once(instance):
    # Given the key the running instance made at start
    first = instance.fed.assertion_key
    # When another process ensures it again on the same database
    async with instance.db.session() as session:
        again = await ensure_instance_assertion_key(session, instance.fed.urls)
    # Then it is the same key
    assert again.public_key_multibase == first.public_key_multibase
    assert again.key_id == first.key_id


async def test_signed_with_the_instance_key_verifies(instance):
    # Given a document issued by the instance actor, signed with its key
    fed = instance.fed
    signed = fed.assertion_key.sign(attestation(fed.urls.instance_actor, fed.urls.base))
    # When it is verified through the key resolution
    async with instance.db.session() as session:
        verified = await verify_remote(fed, session, signed)
    # Then it holds, owned by the instance actor
    assert verified.owner == fed.urls.instance_actor
    assert verified.verification_method == fed.urls.instance_assertion_key_id
    assert signed["proof"]["verificationMethod"] == verified.verification_method


async def test_altered_after_signing_is_refused(instance):
    # Given a signed document whose text is changed afterwards
    fed = instance.fed
    signed = fed.assertion_key.sign(attestation(fed.urls.instance_actor, fed.urls.base))
    signed["content"] = "Mayor of Ojai!"
    # Then verification says the signature fails
    async with instance.db.session() as session:
        with pytest.raises(ProofError) as refused:
            await verify_remote(fed, session, signed)
    assert refused.value.reason is ProofFailure.BAD_SIGNATURE


def remote_league(remote, key: Ed25519PrivateKey, *, controller: str | None = None):
    """A remote actor that lists `key` in assertionMethod (FEP-521a)."""
    uri = f"{remote.base_url}/users/league"
    method = multikey_document(
        f"{uri}#ed25519-key", controller or uri, key.public_key()
    )
    return remote.add_actor(
        "league",
        assertionMethod=[method],
        **{
            "@context": [
                "https://www.w3.org/ns/activitystreams",
                "https://w3id.org/security/v1",
                "https://www.w3.org/ns/did/v1",
                "https://w3id.org/security/multikey/v1",
            ]
        },
    )


async def test_remote_multikey_is_resolved_and_verifies(instance, remote):
    # Given a remote actor with an Ed25519 Multikey, and a document it signed
    key = Ed25519PrivateKey.generate()
    league = remote_league(remote, key)
    signed = sign(
        attestation(league.uri, remote.base_url), key, f"{league.uri}#ed25519-key"
    )
    # When this instance resolves the key and verifies the document
    async with instance.db.session() as session:
        resolved = await resolve_assertion_key(
            instance.fed, session, f"{league.uri}#ed25519-key"
        )
        verified = await verify_remote(instance.fed, session, signed)
    # Then the key is the actor's and the proof holds
    assert resolved.controller == league.uri
    assert encode_public_key(resolved.public_key) == encode_public_key(key.public_key())
    assert verified.owner == league.uri


async def test_a_key_the_actor_does_not_list_is_unavailable(instance, remote):
    # Given a remote actor without that key, and a document claiming it
    key = Ed25519PrivateKey.generate()
    league = remote_league(remote, key)
    signed = sign(
        attestation(league.uri, remote.base_url), key, f"{league.uri}#other-key"
    )
    # Then the proof cannot be checked
    async with instance.db.session() as session:
        with pytest.raises(ProofError) as refused:
            await verify_remote(instance.fed, session, signed)
    assert refused.value.reason is ProofFailure.KEY_UNAVAILABLE


async def test_a_key_controlled_by_another_actor_is_not_taken(instance, remote):
    # Given a remote actor listing a key whose controller is someone else
    key = Ed25519PrivateKey.generate()
    league = remote_league(remote, key, controller=f"{remote.base_url}/users/mallory")
    signed = sign(
        attestation(league.uri, remote.base_url), key, f"{league.uri}#ed25519-key"
    )
    # Then the key is not resolved for it
    async with instance.db.session() as session:
        with pytest.raises(ProofError) as refused:
            await verify_remote(instance.fed, session, signed)
    assert refused.value.reason is ProofFailure.KEY_UNAVAILABLE


async def test_a_document_owned_by_another_actor_is_refused(instance, remote):
    # Given a document issued by Bob but signed with the league's key
    key = Ed25519PrivateKey.generate()
    league = remote_league(remote, key)
    bob = f"{remote.base_url}/users/bob"
    signed = sign(attestation(bob, remote.base_url), key, f"{league.uri}#ed25519-key")
    # Then the key is not the owner's
    async with instance.db.session() as session:
        with pytest.raises(ProofError) as refused:
            await verify_remote(instance.fed, session, signed)
    assert refused.value.reason is ProofFailure.FOREIGN_KEY


async def test_a_signed_document_is_fetched_as_served(instance, remote):
    # Given a remote signed document addressed to "as:Public"
    key = Ed25519PrivateKey.generate()
    league = remote_league(remote, key)
    signed = sign(
        attestation(league.uri, remote.base_url), key, f"{league.uri}#ed25519-key"
    )
    remote.put_object(signed)
    # When it is fetched for its proof, and the ordinary way
    as_served = await fetch_document_as_served(instance.fed, signed["id"])
    normalised = await fetch_document(instance.fed, signed["id"])
    # Then the first is byte-for-byte what was signed, and verifies
    assert as_served == signed
    assert normalised["to"] != signed["to"]
    async with instance.db.session() as session:
        verified = await verify_remote(instance.fed, session, as_served)
    assert verified.owner == league.uri
