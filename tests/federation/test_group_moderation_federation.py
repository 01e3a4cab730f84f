"""A group's moderation on the wire (issue 13), with two real instances on
loopback: a league hosts a public group, a city's accounts are its members. What
the group's moderator does through `/api/v1/fedcity/groups` reaches the city in
the shapes Lemmy, NodeBB and Mbin send: `Block` from the group and its `Undo`, and
the group's `Announce` of the moderator's `Lock`, `Undo(Lock)`, `Add`, `Remove` and
`Delete`."""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson
import pytest
from sqlalchemy import select

from fedcity.federation.vocab import AS_PUBLIC
from fedcity.services.groups.groups import NewGroup, create_group
from fedcity.storage.models import GroupPost, GroupThread, Job, OutboxActivity
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as groups_q
from fedcity.storage.types import utcnow
from tests.support.http import Http, follow, post_status
from tests.support.instances import LiveInstance, run_both
from tests.support.keys import premade_keypair

pytestmark = pytest.mark.usefixtures("backend")

GROUP = "/api/v1/fedcity/groups/wildfire"


async def carry(instance: LiveInstance, root_id: int, reply_id: int) -> None:
    """The group carries a thread of two posts, as its relay records what it
    accepted (kept if the relay recorded them already)."""
    async with instance.db.session() as session:
        group = await actor_q.get_local_actor(session, "wildfire")
        assert group is not None
        thread = await groups_q.get_thread_by_root(session, group.id, root_id)
        if thread is None:
            thread = GroupThread(
                group_actor_id=group.id, root_post_id=root_id, last_activity_at=utcnow()
            )
            session.add(thread)
            await session.flush()
        for post_id in (root_id, reply_id):
            if await groups_q.get_group_post(session, group.id, post_id) is None:
                session.add(
                    GroupPost(
                        group_actor_id=group.id, thread_id=thread.id, post_id=post_id
                    )
                )


async def sent_by_group(league: LiveInstance) -> dict[str, dict[str, Any]]:
    """What the group sent of its moderation, by the type of the activity it carries (the Block
    itself, the Undo of it, or what each Announce embeds), with the ids of the
    deliveries planned for each."""
    async with league.db.session() as session:
        group = await actor_q.get_local_actor(session, "wildfire")
        assert group is not None
        rows = list(
            await session.scalars(
                select(OutboxActivity).where(OutboxActivity.actor_id == group.id)
            )
        )
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        doc = orjson.loads(row.document)
        if doc["type"] not in ("Block", "Undo", "Announce"):
            continue  # the Accepts of the members' follows
        inner = doc["object"] if doc["type"] == "Announce" else doc
        key = inner["type"]
        if key == "Undo":
            key = f"Undo({inner['object']['type']})"
        found[key] = {"doc": doc, "row_id": row.id}
    return found


async def jobs(instance: LiveInstance, kind: str) -> list[Job]:
    async with instance.db.session() as session:
        return list(await session.scalars(select(Job).where(Job.kind == kind)))


async def test_a_moderators_actions_reach_a_member_instance(make_instance):
    # Given a league's public group moderated by its coordinator, which a
    # resident and a troll of a city joined
    league = await make_instance("league", instance={"kind": "league"})
    city = await make_instance("city")
    await league.create_account("coordinator")
    for name in ("resident", "troll"):
        await city.create_account(name)
    async with league.db.session() as session:
        await create_group(
            session,
            league.fed.urls,
            NewGroup("wildfire", moderators=("coordinator",)),
            premade_keypair(),
        )
    group_uri = league.fed.urls.actor("wildfire")
    followers = f"{group_uri}/followers"
    troll_uri = city.fed.urls.actor("troll")
    token = await league.token("coordinator")
    async with aiohttp.ClientSession() as client:
        there, here = Http(client, league.base_url), Http(client, city.base_url)
        for name in ("resident", "troll"):
            await follow(city, here, name, f"wildfire@{league.domain}")
        await run_both(league, city)
        # And a thread the group carries: the coordinator's post and a reply
        root = await post_status(league, there, "coordinator", "Fire season plan")
        reply = await post_status(
            league, there, "coordinator", "Buy my boots", in_reply_to_id=root["id"]
        )
        await carry(league, int(root["id"]), int(reply["id"]))
        troll = await there.get(
            "/api/v1/accounts/lookup", params={"acct": f"troll@{city.domain}"}
        )
        thread = f"{GROUP}/threads/{root['id']}"

        # When the coordinator bans the troll until a date, locks, pins, unpins
        # and unlocks the thread, removes the reply, and lifts the ban
        async def act(path: str, **body: Any) -> None:
            reply = await there.post(path, token=token, json=body)
            assert reply.status == 200, (path, reply.text)

        await act(
            f"{GROUP}/bans",
            account_id=troll.json()["id"],
            reason="Trolling",
            ends_at="2099-01-01T00:00:00Z",
        )
        await run_both(league, city)  # a ban lifted before it went out sends none
        for step in ("lock", "pin", "unpin", "unlock"):
            await act(f"{thread}/{step}")
        await act(f"{GROUP}/posts/{reply['id']}/remove", reason="Off topic")
        lifted = await there.request(
            "DELETE", f"{GROUP}/bans/{troll.json()['id']}", token=token
        )
        assert lifted.status == 200, lifted.text
        await run_both(league, city)

    sent = await sent_by_group(league)
    # Then the ban went out as a Block from the group, with reason and end
    block = sent["Block"]["doc"]
    assert (block["actor"], block["object"], block["target"]) == (
        group_uri,
        troll_uri,
        group_uri,
    )
    assert (block["summary"], block["endTime"]) == ("Trolling", "2099-01-01T00:00:00Z")
    assert block["audience"] == group_uri
    assert block["to"] == [group_uri, AS_PUBLIC]
    assert block["cc"] == [followers, troll_uri]
    # And its lifting as the Undo of that Block
    undo = sent["Undo(Block)"]["doc"]
    assert (undo["actor"], undo["object"]["id"]) == (group_uri, block["id"])
    # And the moderator's Lock, Undo(Lock), Add, Remove and Delete, each announced
    # by the group to its followers and Public, naming the thread's root
    coordinator = league.fed.urls.actor("coordinator")
    root_uri = league.fed.urls.status("coordinator", int(root["id"]))
    featured = f"{group_uri}/collections/featured"
    for kind in ("Lock", "Undo(Lock)", "Add", "Remove", "Delete"):
        announce = sent[kind]["doc"]
        assert announce["type"] == "Announce"
        assert announce["actor"] == group_uri
        assert announce["to"] == [followers, AS_PUBLIC]
        inner = announce["object"]
        assert "@context" not in inner
        assert inner["actor"] == coordinator
        assert inner["audience"] == group_uri
        assert inner["to"] == [group_uri, AS_PUBLIC]
    lock = sent["Lock"]["doc"]["object"]
    assert lock["object"] == root_uri
    assert sent["Undo(Lock)"]["doc"]["object"]["object"] == {
        key: lock[key] for key in lock
    }
    for kind in ("Add", "Remove"):
        change = sent[kind]["doc"]["object"]
        assert (change["object"], change["target"]) == (root_uri, featured)
    delete = sent["Delete"]["doc"]["object"]
    reply_uri = league.fed.urls.status("coordinator", int(reply["id"]))
    assert (delete["object"], delete["summary"]) == (reply_uri, "Off topic")
    # And every one was delivered to the city
    row_ids = {entry["row_id"] for entry in sent.values()}
    deliveries = [
        job
        for job in await jobs(league, "deliver")
        if job.payload["activity_id"] in row_ids
    ]
    assert {job.payload["activity_id"] for job in deliveries} == row_ids
    assert {job.state for job in deliveries} == {"done"}
    shared = f"{city.base_url}/inbox"
    assert {
        (job.payload["activity_id"], job.payload["inbox"]) for job in deliveries
    } >= {(row_id, shared) for row_id in row_ids}
    assert {job.payload["inbox"] for job in deliveries} <= {
        shared,
        f"{troll_uri}/inbox",  # the banned account's own, where it is not shared
    }
    received = {
        job.payload["activity"]["id"]: job.payload["activity"]
        for job in await jobs(city, "inbox")
    }
    for entry in sent.values():
        doc = entry["doc"]
        assert received[doc["id"]]["type"] == doc["type"]
    # And the city applied the Block: the troll is no member there any more, the
    # resident still is
    async with city.db.session() as session:
        group = await actor_q.get_actor_by_uri(session, group_uri)
        assert group is not None
        for name, member in (("troll", False), ("resident", True)):
            account = await actor_q.get_local_actor(session, name)
            assert account is not None
            assert (
                await actor_q.get_follow(session, account.id, group.id) is not None
            ) is member
