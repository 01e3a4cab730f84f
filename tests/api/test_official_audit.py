"""The audit log of official-capacity accounts (issue 11): blocks, mutes, domain
blocks, removed followers and removed replies, recorded with the action and read by
admins at /api/v1/fedcity/admin/audit; and removing a reply from one's thread."""

from __future__ import annotations

import pytest

from fedcity.services.accounts.remote_actors import (
    RemoteActorData,
    delete_remote_actor,
    upsert_remote_actor,
)
from fedcity.services.offices import attestations as offices
from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")

AUDIT = "/api/v1/fedcity/admin/audit"
REMOTE = "https://elsewhere.example/users/troll"


async def official(instance, name: str = "mayor"):
    actor = await instance.create_account(name)
    async with instance.db.session() as session:
        found = await offices.find_account(session, name, instance.domain)
        await offices.set_capacity(session, found, "official")
    return actor


async def remote_troll(instance) -> str:
    async with instance.db.session() as session:
        actor = await upsert_remote_actor(
            session,
            RemoteActorData(
                uri=REMOTE,
                actor_type="Person",
                username="troll",
                domain="elsewhere.example",
                inbox_uri=REMOTE + "/inbox",
                key_id=None,
                public_key_pem=None,
                url="https://elsewhere.example/@troll",
            ),
        )
        return str(actor.id)


async def audit_log(instance, http, **query: str) -> list[dict]:
    await instance.create_account("clerk", role="admin")
    token = await instance.token("clerk", "admin:read")
    reply = await http.get(AUDIT, token=token, params=query)
    assert reply.status == 200, reply.text
    return reply.json()


async def test_an_officials_blocks_and_mutes_are_recorded_for_admins(instance, http):
    # Given the mayor's seat account, and a remote account it will silence
    await official(instance)
    troll = await remote_troll(instance)
    token = await instance.token("mayor")
    # When the mayor blocks, unblocks, mutes and unmutes it
    for action in ("block", "unblock", "mute", "unmute"):
        reply = await http.post(f"/api/v1/accounts/{troll}/{action}", token=token)
        assert reply.status == 200, reply.text
    # Then an admin reads each, newest first, naming the target by handle and URL
    entries = await audit_log(instance, http)
    assert [e["action"] for e in entries] == ["unmute", "mute", "unblock", "block"]
    block = entries[-1]
    assert block["account"] == "mayor"
    assert block["target"] == "troll@elsewhere.example"
    assert block["target_url"] == "https://elsewhere.example/@troll"
    assert block["target_account_id"] == troll
    assert block["reason"] is None
    assert block["created_at"].endswith("Z")


async def test_domain_blocks_and_removed_followers_are_recorded(instance, http):
    # Given the mayor and a resident who follows it
    mayor = await official(instance)
    resident = await instance.create_account("resident")
    resident_token = await instance.token("resident")
    followed = await http.post(
        f"/api/v1/accounts/{mayor.id}/follow", token=resident_token
    )
    assert followed.json()["following"] is True
    token = await instance.token("mayor")
    # When the mayor blocks and unblocks a domain and removes the follower
    for method in ("POST", "DELETE"):
        reply = await http.request(
            method,
            "/api/v1/domain_blocks",
            token=token,
            data={"domain": "Spam.Example"},
        )
        assert reply.status == 200, reply.text
    removed = await http.post(
        f"/api/v1/accounts/{resident.id}/remove_from_followers", token=token
    )
    assert removed.json()["followed_by"] is False
    # Then the log holds the three, the domain normalised as blocked
    entries = await audit_log(instance, http)
    assert [(e["action"], e["target"]) for e in entries] == [
        ("remove_from_followers", "resident"),
        ("domain_unblock", "spam.example"),
        ("domain_block", "spam.example"),
    ]
    assert entries[1]["target_domain"] == "spam.example"


async def test_accounts_that_are_not_officials_are_not_logged(instance, http):
    # Given a personal account and a campaign account, and someone to block
    await instance.create_account("resident")
    campaign = await instance.create_account("campaign")
    async with instance.db.session() as session:
        await offices.set_capacity(session, campaign, "campaign")
    troll = await remote_troll(instance)
    # When both block and mute it, and remove-reply-free domain blocks happen
    for name in ("resident", "campaign"):
        token = await instance.token(name)
        for action in ("block", "mute"):
            reply = await http.post(f"/api/v1/accounts/{troll}/{action}", token=token)
            assert reply.status == 200
        await http.post("/api/v1/domain_blocks", token=token, data={"domain": "x.ex"})
    # Then nothing is logged
    assert await audit_log(instance, http) == []


async def test_blocking_twice_is_logged_once(instance, http):
    await official(instance)
    troll = await remote_troll(instance)
    token = await instance.token("mayor")
    for _ in range(2):
        await http.post(f"/api/v1/accounts/{troll}/block", token=token)
    assert [e["action"] for e in await audit_log(instance, http)] == ["block"]


async def test_an_entry_outlives_its_target_account(instance, http):
    # Given the mayor blocked a remote account
    await official(instance)
    troll = await remote_troll(instance)
    await http.post(
        f"/api/v1/accounts/{troll}/block", token=await instance.token("mayor")
    )
    # When that account is deleted by its server
    async with instance.db.session() as session:
        found = await offices.find_account(
            session, "troll@elsewhere.example", instance.domain
        )
        await delete_remote_actor(session, found)
    # Then the entry still names it
    [entry] = await audit_log(instance, http)
    assert (entry["action"], entry["target"]) == ("block", "troll@elsewhere.example")


# --- removed replies -------------------------------------------------------------


async def reply_to(instance, http, parent: dict, name: str, text: str) -> dict:
    return await post_status(instance, http, name, text, in_reply_to_id=parent["id"])


async def thread_texts(http, status_id: str, token: str | None = None) -> list[str]:
    reply = await http.get(f"/api/v1/statuses/{status_id}/context", token=token)
    assert reply.status == 200, reply.text
    return [s["content"] for s in reply.json()["descendants"]]


async def test_the_author_removes_a_reply_from_the_thread_for_everyone(instance, http):
    # Given the mayor's post, a heckler's reply with an answer, and a kind reply
    await official(instance)
    await instance.create_account("heckler")
    await instance.create_account("resident")
    post = await post_status(instance, http, "mayor", "Budget hearing tonight")
    heckle = await reply_to(instance, http, post, "heckler", "Boo")
    await reply_to(instance, http, heckle, "resident", "Under the boo")
    await reply_to(instance, http, post, "resident", "Thanks")
    # When the mayor removes the heckler's reply, with a reason
    removed = await http.post(
        f"/api/v1/fedcity/statuses/{heckle['id']}/remove_reply",
        token=await instance.token("mayor"),
        data={"reason": "harassment"},
    )
    assert removed.status == 200, removed.text
    assert removed.json()["id"] == heckle["id"]
    # Then nobody sees it, nor its answers, in the thread; it keeps its own page
    resident = await instance.token("resident")
    assert await thread_texts(http, post["id"]) == ["<p>Thanks</p>"]
    assert await thread_texts(http, post["id"], resident) == ["<p>Thanks</p>"]
    assert (await http.get(f"/api/v1/statuses/{heckle['id']}")).status == 200
    # And the mayor's audit log holds it with the reason and the reply's URL
    [entry] = await audit_log(instance, http)
    assert entry["action"] == "remove_reply"
    assert entry["target"] == heckle["url"]
    assert entry["target_status_id"] == heckle["id"]
    assert entry["target_account_id"] == heckle["account"]["id"]
    assert entry["reason"] == "harassment"


async def test_a_removed_reply_can_be_restored(instance, http):
    await official(instance)
    await instance.create_account("heckler")
    post = await post_status(instance, http, "mayor", "Open house")
    heckle = await reply_to(instance, http, post, "heckler", "Meh")
    token = await instance.token("mayor")
    base = f"/api/v1/fedcity/statuses/{heckle['id']}"
    await http.post(f"{base}/remove_reply", token=token)
    restored = await http.post(f"{base}/restore_reply", token=token)
    assert restored.status == 200
    assert await thread_texts(http, post["id"]) == ["<p>Meh</p>"]
    actions = [e["action"] for e in await audit_log(instance, http)]
    assert actions == ["restore_reply", "remove_reply"]


async def test_only_the_replied_to_author_may_remove_a_reply(instance, http):
    # Given a reply to the mayor's post
    await official(instance)
    await instance.create_account("heckler")
    await instance.create_account("bystander")
    post = await post_status(instance, http, "mayor", "Parade route")
    heckle = await reply_to(instance, http, post, "heckler", "Nope")
    # When someone else, or the reply's own author, tries to remove it
    for name in ("bystander", "heckler"):
        reply = await http.post(
            f"/api/v1/fedcity/statuses/{heckle['id']}/remove_reply",
            token=await instance.token(name),
        )
        # Then it is refused and the thread is unchanged
        assert reply.status == 403, name
    assert await thread_texts(http, post["id"]) == ["<p>Nope</p>"]


async def test_a_personal_accounts_removed_reply_is_not_logged(instance, http):
    await instance.create_account("resident")
    await instance.create_account("heckler")
    post = await post_status(instance, http, "resident", "My garden")
    heckle = await reply_to(instance, http, post, "heckler", "Weeds")
    reply = await http.post(
        f"/api/v1/fedcity/statuses/{heckle['id']}/remove_reply",
        token=await instance.token("resident"),
    )
    assert reply.status == 200
    assert await thread_texts(http, post["id"]) == []
    assert await audit_log(instance, http) == []


# --- reading the log ---------------------------------------------------------------


async def test_the_log_filters_by_account_and_pages_with_a_link_header(instance, http):
    # Given two officials who blocked
    await official(instance, "mayor")
    await official(instance, "clerk_of_court")
    troll = await remote_troll(instance)
    for name in ("mayor", "clerk_of_court"):
        token = await instance.token(name)
        await http.post(f"/api/v1/accounts/{troll}/block", token=token)
        await http.post(f"/api/v1/accounts/{troll}/unblock", token=token)
    await instance.create_account("clerk", role="admin")
    admin = await instance.token("clerk", "admin:read")
    # When an admin reads the mayor's, one entry at a time
    first = await http.get(AUDIT, token=admin, params={"account": "mayor", "limit": 1})
    nxt = await http.get(first.links["next"], token=admin)
    # Then each page holds one of the mayor's, newest first, and a next link
    assert [(e["account"], e["action"]) for e in first.json()] == [("mayor", "unblock")]
    assert [(e["account"], e["action"]) for e in nxt.json()] == [("mayor", "block")]
    everyone = await http.get(AUDIT, token=admin)
    assert len(everyone.json()) == 4


async def test_the_log_is_for_admins_with_admin_read(instance, http):
    await official(instance)
    await instance.create_account("moderator", role="moderator")
    await instance.create_account("clerk", role="admin")
    moderator = await instance.token("moderator", "read admin:read")
    without_scope = await instance.token("clerk", "read write")
    assert (await http.get(AUDIT)).status == 401
    assert (await http.get(AUDIT, token=moderator)).status == 403
    assert (await http.get(AUDIT, token=without_scope)).status == 403
    unknown = await http.get(
        AUDIT,
        token=await instance.token("clerk", "admin:read"),
        params={"account": "nobody"},
    )
    assert unknown.status == 404
