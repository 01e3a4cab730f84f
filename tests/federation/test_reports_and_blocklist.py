"""Reports crossing servers as `Flag` (out through the outbox, in through the inbox),
and the instance blocklist (`[federation] blocked_domains`) on both paths."""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy import select

from fedcity.storage.models import Job, Post, Report
from tests.support.http import Http, account_id, post_status

pytestmark = pytest.mark.usefixtures("backend")


def follow(remote, actor, target_uri: str) -> dict:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id(f"follow-{actor.name}"),
        "type": "Follow",
        "actor": actor.uri,
        "object": target_uri,
    }


async def remote_post(instance, remote, actor, suffix: str = "1") -> str:
    """A public Note by `actor`, delivered to the instance; its URI."""
    uri = f"{actor.uri}/statuses/{suffix}"
    note = {
        "id": uri,
        "type": "Note",
        "attributedTo": actor.uri,
        "content": "<p>Buy cheap watches</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "published": "2026-01-01T00:00:00Z",
    }
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{uri}/activity",
        "type": "Create",
        "actor": actor.uri,
        "object": note,
        "to": note["to"],
    }
    status, _ = await remote.send(f"{instance.base_url}/inbox", create)
    assert status == 202
    await instance.run_jobs()
    return uri


async def test_forwarded_report_reaches_the_remote_server_as_an_anonymous_flag(
    instance, remote
):
    # Given a local resident and a remote spammer with a post seen here
    await instance.create_account("resident")
    spammer = remote.add_actor("spammer")
    uri = await remote_post(instance, remote, spammer)
    async with instance.db.session() as session:
        post_id = await session.scalar(select(Post.id).where(Post.uri == uri))
    async with aiohttp.ClientSession() as session:
        http = Http(session, instance.base_url)
        target = await account_id(http, f"spammer@{remote.domain}")
        # When the resident reports the post and asks to forward the report
        reply = await http.post(
            "/api/v1/reports",
            token=await instance.token("resident"),
            json={
                "account_id": target,
                "status_ids": [str(post_id)],
                "comment": "watch spam",
                "forward": True,
                "category": "spam",
            },
        )
    await instance.run_jobs()
    # Then the report says it was forwarded, and the spammer's inbox got a Flag
    # from the instance actor naming the account and the post, not the resident
    assert reply.json()["forwarded"] is True
    flags = [r for r in remote.received if r.body.get("type") == "Flag"]
    assert len(flags) == 1
    flag = flags[0]
    assert flag.path == "/users/spammer/inbox"
    assert flag.body["actor"] == instance.fed.urls.instance_actor
    assert flag.body["object"] == [spammer.uri, uri]
    assert flag.body["content"] == "watch spam"
    assert "resident" not in str(flag.body)


async def test_report_not_forwarded_sends_nothing(instance, remote):
    # Given a remote account known here
    await instance.create_account("resident")
    spammer = remote.add_actor("spammer")
    await remote_post(instance, remote, spammer)
    async with aiohttp.ClientSession() as session:
        http = Http(session, instance.base_url)
        target = await account_id(http, f"spammer@{remote.domain}")
        # When it is reported without `forward`
        reply = await http.post(
            "/api/v1/reports",
            token=await instance.token("resident"),
            json={"account_id": target, "comment": "spam"},
        )
    await instance.run_jobs()
    # Then the report stays here
    assert reply.json()["forwarded"] is False
    assert "Flag" not in remote.received_types()


async def test_flag_from_another_server_is_stored_as_a_report(instance, remote):
    # Given a local account with a post, and a moderator's actor on another server
    await instance.create_account("mayor")
    async with aiohttp.ClientSession() as session:
        status = await post_status(
            instance, Http(session, instance.base_url), "mayor", "Hello"
        )
    moderator = remote.add_actor("actor")
    mayor_uri = instance.fed.urls.actor("mayor")
    # When that server sends a Flag naming the account and its post
    flag = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id("flag-1"),
        "type": "Flag",
        "actor": moderator.uri,
        "object": [mayor_uri, status["uri"]],
        "content": "rude",
    }
    code, _ = await remote.send(f"{instance.base_url}/users/mayor/inbox", flag)
    await instance.run_jobs()
    # Then a report about the mayor and that post is stored, by the remote actor
    async with instance.db.session() as session:
        stored = list(await session.scalars(select(Report)))
    assert code == 202
    assert len(stored) == 1
    assert stored[0].status_ids == [int(status["id"])]
    assert stored[0].comment == "rude"
    assert stored[0].uri == flag["id"]


async def test_flag_naming_only_remote_accounts_stores_nothing(instance, remote):
    # Given a Flag that names nobody on this instance
    moderator = remote.add_actor("actor")
    flag = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id("flag-2"),
        "type": "Flag",
        "actor": moderator.uri,
        "object": f"{remote.base_url}/users/someone",
        "content": "x",
    }
    # When it arrives
    await remote.send(f"{instance.base_url}/inbox", flag)
    await instance.run_jobs()
    # Then no report is stored
    async with instance.db.session() as session:
        assert list(await session.scalars(select(Report))) == []


async def test_activities_from_a_blocked_domain_are_dropped(make_instance, remote):
    # Given an instance that blocks the peer's domain
    instance = await make_instance(blocked_domains=(remote.domain,))
    local = await instance.create_account("mayor")
    fan = remote.add_actor("fan")
    # When the peer's actor sends a Follow
    status, _ = await remote.send(
        f"{instance.base_url}/users/mayor/inbox", follow(remote, fan, local.uri)
    )
    await instance.run_jobs()
    # Then it is answered 202 but neither stored nor answered
    async with instance.db.session() as session:
        kinds = list(await session.scalars(select(Job.kind)))
    assert status == 202
    assert "inbox" not in kinds
    assert remote.received == []


async def test_nothing_is_fetched_from_a_blocked_domain(make_instance, remote):
    # Given an instance that blocks the peer's domain, and a resident there
    instance = await make_instance(blocked_domains=(remote.domain,))
    remote.add_actor("fan")
    async with aiohttp.ClientSession() as session:
        # When the resident is looked up by handle
        reply = await Http(session, instance.base_url).get(
            "/api/v1/accounts/lookup", params={"acct": f"fan@{remote.domain}"}
        )
    # Then the lookup finds nothing: WebFinger was not asked
    assert reply.status == 404
