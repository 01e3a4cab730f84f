"""Every refusal of the inbox: nothing unverifiable or misattributed is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fedcity.storage.models import Job, Post

pytestmark = pytest.mark.usefixtures("backend")


def note_create(remote, actor, suffix: str, **object_overrides):
    note = {
        "id": f"{remote.base_url}/users/{actor.name}/statuses/{suffix}",
        "type": "Note",
        "attributedTo": actor.uri,
        "content": "<p>Pothole repair budget approved</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{actor.uri}/followers"],
        **object_overrides,
    }
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": actor.uri,
        "object": note,
        "to": note["to"],
        "cc": note["cc"],
    }


async def stored_inbox_jobs(instance) -> int:
    async with instance.db.session() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(Job).where(Job.kind == "inbox")
            )
            or 0
        )


async def post_count(instance) -> int:
    async with instance.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Post)) or 0)


async def test_signed_create_is_accepted_and_applied(instance, remote):
    # Given a remote official with a real key
    actor = remote.add_actor("mayor")
    # When they deliver a signed Create to the shared inbox
    status, _ = await remote.send(
        f"{instance.base_url}/inbox", note_create(remote, actor, "1")
    )
    await instance.run_jobs()
    # Then it is accepted and the post is stored
    assert status == 202
    assert await post_count(instance) == 1


async def test_unsigned_post_is_refused(instance, remote):
    # Given an unsigned delivery
    actor = remote.add_actor("mayor")
    # When it reaches the inbox
    status, body = await remote.send(
        f"{instance.base_url}/inbox", note_create(remote, actor, "1"), unsigned=True
    )
    # Then it gets 401 and nothing is stored
    assert status == 401
    assert body == {"error": "Request is not signed"}
    assert await stored_inbox_jobs(instance) == 0


async def test_bad_signature_is_refused(instance, remote):
    # Given a delivery whose signature bytes were altered after signing
    actor = remote.add_actor("mayor")
    activity = note_create(remote, actor, "1")
    status, body = await remote.send(
        f"{instance.base_url}/inbox",
        activity,
        after_sign={
            "Signature": (
                f'keyId="{actor.key_id}",algorithm="rsa-sha256",'
                'headers="(request-target) host date digest",signature="AAAA"'
            )
        },
    )
    # Then it is refused and nothing is stored
    assert status == 401
    assert "signature" in body["error"].lower()
    assert await stored_inbox_jobs(instance) == 0


async def test_stale_date_is_refused(instance, remote):
    # Given a delivery signed 13 hours ago (Mastodon's window is 12h + 1h skew)
    actor = remote.add_actor("mayor")
    old = datetime.now(UTC) - timedelta(hours=13, minutes=1)
    # When it arrives
    status, body = await remote.send(
        f"{instance.base_url}/inbox", note_create(remote, actor, "1"), now=old
    )
    # Then it is refused
    assert status == 401
    assert "window" in body["error"]
    assert await stored_inbox_jobs(instance) == 0


async def test_digest_mismatch_is_refused(instance, remote):
    # Given a delivery whose Digest header does not match its body
    actor = remote.add_actor("mayor")
    status, body = await remote.send(
        f"{instance.base_url}/inbox",
        note_create(remote, actor, "1"),
        after_sign={"Digest": "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
    )
    # Then it is refused
    assert status == 401
    assert "Digest" in body["error"]
    assert await stored_inbox_jobs(instance) == 0


async def test_key_owner_other_than_actor_is_refused(instance, remote, aiohttp_server):
    # Given an activity claiming an actor on another origin, signed by a key of this one
    from tests.support.remote import RemoteServer

    other = RemoteServer()
    await other.start(aiohttp_server)
    victim = other.add_actor("victim")
    forger = remote.add_actor("forger")
    activity = note_create(other, victim, "1")
    # When the forger signs and delivers it
    status, body = await remote.send(
        f"{instance.base_url}/inbox", activity, signer=forger
    )
    # Then it is refused
    assert status == 401
    assert "does not belong" in body["error"]
    assert await stored_inbox_jobs(instance) == 0


async def test_cross_origin_create_is_refused(instance, remote, aiohttp_server):
    # Given a Create whose object lives on another origin than its actor
    from tests.support.remote import RemoteServer

    other = RemoteServer()
    await other.start(aiohttp_server)
    actor = remote.add_actor("mayor")
    activity = note_create(remote, actor, "1")
    activity["object"]["id"] = f"{other.base_url}/users/x/statuses/1"
    # When it is delivered, properly signed
    status, body = await remote.send(f"{instance.base_url}/inbox", activity)
    # Then it is refused
    assert status == 403
    assert "origin" in body["error"]
    assert await stored_inbox_jobs(instance) == 0


async def test_same_origin_different_port_is_another_origin(
    instance, remote, aiohttp_server
):
    # Given a second peer on the same host but another port
    from tests.support.remote import RemoteServer

    neighbour = RemoteServer()
    await neighbour.start(aiohttp_server)
    actor = remote.add_actor("mayor")
    activity = note_create(remote, actor, "1")
    activity["object"]["id"] = f"{neighbour.base_url}/users/mayor/statuses/1"
    # When a Create names an object on the neighbour
    status, _ = await remote.send(f"{instance.base_url}/inbox", activity)
    # Then the port difference is enough to refuse it
    assert status == 403


async def test_duplicate_activity_is_applied_once(instance, remote):
    # Given one activity delivered twice
    actor = remote.add_actor("mayor")
    activity = note_create(remote, actor, "1")
    first, _ = await remote.send(f"{instance.base_url}/inbox", activity)
    second, _ = await remote.send(f"{instance.base_url}/inbox", activity)
    await instance.run_jobs()
    # Then both are answered 202 but it is stored and applied once
    assert (first, second) == (202, 202)
    assert await stored_inbox_jobs(instance) == 1
    assert await post_count(instance) == 1


async def test_oversized_body_is_refused(instance, remote):
    # Given a body over the 1 MiB limit
    actor = remote.add_actor("mayor")
    activity = note_create(remote, actor, "1", content="x" * (1_100_000))
    # When it is delivered
    status, body = await remote.send(f"{instance.base_url}/inbox", activity)
    # Then it is refused with 413 and nothing is stored
    assert status == 413
    assert body is not None
    assert "error" in body
    assert await stored_inbox_jobs(instance) == 0


async def test_non_activity_json_content_type_is_refused(instance, remote):
    # Given a delivery sent as form data
    actor = remote.add_actor("mayor")
    status, _ = await remote.send(
        f"{instance.base_url}/inbox",
        note_create(remote, actor, "1"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    # Then the inbox refuses the media type
    assert status == 415


async def test_update_of_someone_elses_post_is_refused(instance, remote):
    # Given a post by one remote actor already stored
    mayor = remote.add_actor("mayor")
    clerk = remote.add_actor("clerk")
    await remote.send(f"{instance.base_url}/inbox", note_create(remote, mayor, "1"))
    await instance.run_jobs()
    # When another actor of the same server sends an Update of it
    update = note_create(remote, clerk, "x")
    update["type"] = "Update"
    update["id"] = f"{remote.base_url}/activities/upd-1"
    update["object"] = {
        **update["object"],
        "id": f"{mayor.uri}/statuses/1",
        "attributedTo": clerk.uri,
        "content": "<p>defaced</p>",
    }
    status, _ = await remote.send(f"{instance.base_url}/inbox", update)
    await instance.run_jobs()
    # Then the post keeps its content
    assert status == 202
    async with instance.db.session() as session:
        post = await session.scalar(select(Post))
    assert "Pothole" in post.content


async def test_announce_cannot_launder_a_post_through_a_redirect(
    instance, remote, aiohttp_server
):
    # Given a victim server whose post URL redirects to an attacker's server, which
    # serves a document attributing words to the victim's mayor
    from tests.support.remote import RemoteServer

    attacker = RemoteServer()
    await attacker.start(aiohttp_server)
    mayor = remote.add_actor("mayor")
    booster = attacker.add_actor("booster")
    forged_id = f"{attacker.base_url}/forged/1"
    attacker.put_object(
        {
            "id": forged_id,
            "type": "Note",
            "attributedTo": mayor.uri,
            "content": "<p>words never said</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        }
    )
    victim_url = f"{mayor.uri}/statuses/99"
    remote.redirects["/users/mayor/statuses/99"] = forged_id
    # When the attacker announces the victim's URL
    announce = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": attacker.activity_id("a1"),
        "type": "Announce",
        "actor": booster.uri,
        "object": victim_url,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    }
    status, _ = await attacker.send(f"{instance.base_url}/inbox", announce)
    await instance.run_jobs()
    # Then nothing is stored in the mayor's name
    assert status == 202
    assert await post_count(instance) == 0


async def test_rfc9421_signed_delivery_is_accepted(instance, remote):
    # Given a peer that signs with RFC 9421 (HTTP Message Signatures) instead of
    # draft-cavage, using an independent implementation
    import json
    from dataclasses import dataclass, field
    from datetime import UTC, datetime

    import aiohttp
    from http_message_signatures import (
        HTTPMessageSigner,
        MappingKeyResolver,
        algorithms,
    )
    from multidict import CIMultiDict

    from fedcity.federation.signatures.keys import load_private_key

    @dataclass
    class Message:
        method: str
        url: str
        headers: CIMultiDict[str] = field(default_factory=CIMultiDict)

    actor = remote.add_actor("mayor")
    body = json.dumps(note_create(remote, actor, "9421")).encode()
    inbox = f"{instance.base_url}/inbox"
    message = Message(
        "POST",
        inbox,
        CIMultiDict(
            {
                "Host": instance.domain,
                "Content-Type": "application/activity+json",
            }
        ),
    )
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(
            public_keys={},
            private_keys={actor.key_id: load_private_key(actor.private_pem)},
        ),
    )
    signer.sign(
        message,
        key_id=actor.key_id,
        created=datetime.now(UTC),
        covered_component_ids=("@method", "@target-uri"),
        body=body,
    )
    # When it delivers a Create
    async with (
        aiohttp.ClientSession() as session,
        session.post(inbox, data=body, headers=dict(message.headers)) as response,
    ):
        status = response.status
    await instance.run_jobs()
    # Then fedcity verifies it and applies the activity
    assert status == 202
    assert await post_count(instance) == 1
