"""fedcity's group endpoints (issue 13): `/api/v1/fedcity/groups` to propose, list,
show and change groups and their moderators, and what moderators do (requests to
join, bans, removals, locks, pins); `/api/v1/fedcity/admin/groups` for admins.
The rules behind them are tested in tests/services/test_group_moderation.py."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from fedcity.services.groups.groups import NewGroup, create_group
from fedcity.storage.models import GroupPost, GroupThread
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.types import utcnow
from tests.support.http import Http, post_status
from tests.support.instances import LiveInstance
from tests.support.keys import premade_keypair

pytestmark = pytest.mark.usefixtures("backend")

BASE = "/api/v1/fedcity/groups"
PARKS = f"{BASE}/parks"
AS2 = "application/activity+json"


async def make_group(
    instance: LiveInstance, name: str = "parks", **kw: Any
) -> dict[str, str]:
    """Accounts mod (moderating the group), alice, bob and root (an admin), and
    the group; their tokens by name, and `id:NAME` their account ids."""
    for who in ("mod", "alice", "bob"):
        await instance.create_account(who)
    await instance.create_account("root", role="admin")
    async with instance.db.session() as session:
        await create_group(
            session,
            instance.fed.urls,
            NewGroup(name, moderators=("mod",), **kw),
            premade_keypair(),
        )
    found = {who: await instance.token(who) for who in ("mod", "alice", "bob")}
    found["root"] = await instance.token("root", "read write admin:read admin:write")
    async with instance.db.session() as session:
        for who in ("mod", "alice", "bob", "root", name):
            actor = await actor_q.get_local_actor(session, who)
            assert actor is not None
            found[f"id:{who}"] = str(actor.id)
    return found


async def carried_post(instance: LiveInstance, http: Http, author: str) -> str:
    """A post by `author` that group parks carries as a thread's root (as its
    relay records one it accepted); its status id."""
    status = await post_status(instance, http, author, "Trail repairs on Saturday")
    async with instance.db.session() as session:
        group = await actor_q.get_local_actor(session, "parks")
        assert group is not None
        thread = GroupThread(
            group_actor_id=group.id,
            root_post_id=int(status["id"]),
            last_activity_at=utcnow(),
        )
        session.add(thread)
        await session.flush()
        session.add(
            GroupPost(
                group_actor_id=group.id,
                thread_id=thread.id,
                post_id=int(status["id"]),
            )
        )
    return str(status["id"])


def error(reply: Any) -> str:
    return str(reply.json()["error"])


# --- proposing and reading --------------------------------------------------------


async def test_an_account_proposes_a_group_and_moderates_it(instance, http):
    # Given alice, signed in
    await instance.create_account("alice")
    token = await instance.token("alice")
    # When she proposes a group
    made = await http.post(
        BASE,
        token=token,
        json={
            "name": "housing",
            "display_name": "Affordable Housing Working Group",
            "description": "Ideas & plans",
            "rules": "Stay on topic",
            "visibility": "members",
            "policy": "approval",
        },
    )
    # Then it exists, approved (the instance needs no approval), with her as its
    # moderator, and its account is a group
    assert made.status == 200, made.text
    group = made.json()
    assert group["name"] == group["acct"] == "housing"
    assert group["display_name"] == "Affordable Housing Working Group"
    assert group["description"] == "<p>Ideas &amp; plans</p>"
    assert (group["rules"], group["visibility"], group["policy"]) == (
        "Stay on topic",
        "members",
        "approval",
    )
    assert group["quorum_guard"] == "warn"  # the default of a members group
    assert (group["approved"], group["members_count"]) == (True, 0)
    assert group["uri"] == instance.fed.urls.actor("housing")
    assert group["account"]["group"] is True
    assert group["account"]["locked"] is True
    assert group["id"] == group["account"]["id"]
    assert [m["username"] for m in group["moderators"]] == ["alice"]
    # And it is listed, shown, and its moderators are listed, to anyone
    listed = await http.get(BASE)
    assert [g["name"] for g in listed.json()] == ["housing"]
    shown = await http.get(f"{BASE}/housing")
    assert shown.json() == group
    mods = await http.get(f"{BASE}/housing/moderators")
    assert [m["username"] for m in mods.json()] == ["alice"]


async def test_a_bad_proposal_is_refused_with_the_reason(instance, http):
    # Given alice and an existing group
    tokens = await make_group(instance)
    # When she proposes a group with a bad visibility, a taken name, or none
    bad = await http.post(
        BASE, token=tokens["alice"], json={"name": "x", "visibility": "secret"}
    )
    taken = await http.post(BASE, token=tokens["alice"], json={"name": "parks"})
    nameless = await http.post(BASE, token=tokens["alice"], json={})
    # Then each is 422 saying why
    assert (bad.status, error(bad)) == (
        422,
        "Visibility must be one of: public, members",
    )
    assert (taken.status, error(taken)) == (422, "Username parks is taken")
    assert nameless.status == 422
    # And without a token, or a token that may not write, it is refused
    assert (await http.post(BASE, json={"name": "y"})).status == 401
    reader = await instance.token("alice", "read")
    assert (await http.post(BASE, token=reader, json={"name": "y"})).status == 403


async def test_an_unknown_group_is_404(instance, http):
    reply = await http.get(f"{BASE}/nowhere")
    assert (reply.status, error(reply)) == (404, "No group nowhere is known here")


async def test_a_moderator_changes_the_settings_and_others_may_not(instance, http):
    tokens = await make_group(instance)
    change = {"visibility": "members", "rules": "Be kind", "quorum_guard": "off"}
    # When bob, who does not moderate it, tries
    refused = await http.request("PATCH", PARKS, token=tokens["bob"], json=change)
    # Then it is 403
    assert (refused.status, error(refused)) == (
        403,
        "Only the group's moderators may do this",
    )
    # When its moderator does
    changed = await http.request("PATCH", PARKS, token=tokens["mod"], json=change)
    # Then the settings changed and the others stayed
    assert changed.status == 200, changed.text
    group = changed.json()
    assert (group["visibility"], group["rules"], group["quorum_guard"]) == (
        "members",
        "Be kind",
        "off",
    )
    assert (group["policy"], group["account"]["locked"]) == ("open", True)
    # And a setting that is not one is 422
    bad = await http.request(
        "PATCH", PARKS, token=tokens["mod"], json={"quorum_guard": "maybe"}
    )
    assert (bad.status, error(bad)) == (
        422,
        "Quorum guard must be one of: warn, restrict, off",
    )


async def test_moderators_are_added_and_removed_by_account_id(instance, http):
    tokens = await make_group(instance)
    mod = tokens["mod"]
    added = await http.post(
        f"{PARKS}/moderators", token=mod, json={"account_id": tokens["id:bob"]}
    )
    assert [m["username"] for m in added.json()] == ["mod", "bob"]
    removed = await http.request(
        "DELETE", f"{PARKS}/moderators/{tokens['id:mod']}", token=mod
    )
    assert [m["username"] for m in removed.json()] == ["bob"]
    # The last moderator stays; an account id is required; mod moderates no more
    last = await http.request(
        "DELETE", f"{PARKS}/moderators/{tokens['id:bob']}", token=tokens["bob"]
    )
    assert (last.status, error(last)) == (422, "A group keeps at least one moderator")
    blank = await http.post(f"{PARKS}/moderators", token=tokens["bob"], json={})
    assert (blank.status, error(blank)) == (
        422,
        "Validation failed: account_id can't be blank",
    )
    gone = await http.post(
        f"{PARKS}/moderators", token=mod, json={"account_id": tokens["id:mod"]}
    )
    assert gone.status == 403


# --- requests to join ------------------------------------------------------------


async def test_requests_to_join_are_listed_approved_and_rejected(instance, http):
    # Given an approval group that alice and bob ask to join
    tokens = await make_group(instance, policy="approval")
    for who in ("alice", "bob"):
        asked = await http.post(
            f"/api/v1/accounts/{tokens['id:parks']}/follow", token=tokens[who]
        )
        assert asked.json()["requested"] is True
    # When its moderator lists the requests, one per page
    first = await http.get(f"{PARKS}/pending?limit=1", token=tokens["mod"])
    # Then the newest comes first, with a link to the next
    assert [a["username"] for a in first.json()] == ["bob"]
    following = await http.get(first.links["next"], token=tokens["mod"])
    assert [a["username"] for a in following.json()] == ["alice"]
    # When alice is approved and bob rejected
    approved = await http.post(
        f"{PARKS}/pending/{tokens['id:alice']}/approve", token=tokens["mod"]
    )
    rejected = await http.post(
        f"{PARKS}/pending/{tokens['id:bob']}/reject", token=tokens["mod"]
    )
    # Then alice is a member, bob not, and nothing is pending
    assert approved.json()["username"] == "alice"
    assert rejected.json()["username"] == "bob"
    group = await http.get(PARKS)
    assert group.json()["members_count"] == 1
    assert (await http.get(f"{PARKS}/pending", token=tokens["mod"])).json() == []
    # And approving again is 422; a non-moderator may not list them
    again = await http.post(
        f"{PARKS}/pending/{tokens['id:alice']}/approve", token=tokens["mod"]
    )
    assert (again.status, error(again)) == (422, "No follow request from this account")
    assert (await http.get(f"{PARKS}/pending", token=tokens["bob"])).status == 403


# --- bans ------------------------------------------------------------------------


async def test_a_ban_is_listed_refuses_joining_and_is_lifted(instance, http):
    tokens = await make_group(instance)
    mod, alice = tokens["mod"], tokens["alice"]
    follow = f"/api/v1/accounts/{tokens['id:parks']}/follow"
    assert (await http.post(follow, token=alice)).json()["following"] is True
    # When alice is banned for an hour
    banned = await http.post(
        f"{PARKS}/bans",
        token=mod,
        json={"account_id": tokens["id:alice"], "reason": "spam", "expires_in": 3600},
    )
    # Then the ban says whom, why and until when, and she is no member
    assert banned.status == 200, banned.text
    ban = banned.json()
    assert (ban["account"]["username"], ban["reason"]) == ("alice", "spam")
    assert ban["expires_at"] is not None
    assert ban["banned_by_id"] == tokens["id:mod"]
    assert (await http.get(PARKS)).json()["members_count"] == 0
    listed = await http.get(f"{PARKS}/bans", token=mod)
    assert [b["id"] for b in listed.json()] == [ban["id"]]
    # And she may not join again, being told why
    refused = await http.post(follow, token=alice)
    assert (refused.status, error(refused)) == (403, "You are banned from this group")
    # And the log shows the ban
    log = await http.get(f"{PARKS}/log", token=mod)
    assert [(e["action"], e["target"]) for e in log.json()] == [("ban", "parks: alice")]
    # When the ban is lifted, she may join
    lifted = await http.request(
        "DELETE", f"{PARKS}/bans/{tokens['id:alice']}", token=mod
    )
    assert (lifted.status, lifted.json()) == (200, {})
    assert (await http.post(follow, token=alice)).json()["following"] is True
    again = await http.request(
        "DELETE", f"{PARKS}/bans/{tokens['id:alice']}", token=mod
    )
    assert (again.status, error(again)) == (
        422,
        "This account is not banned from the group",
    )


async def test_a_bad_ban_is_refused_with_the_reason(instance, http):
    tokens = await make_group(instance)
    mod = tokens["mod"]

    async def ban(**body: Any) -> Any:
        return await http.post(f"{PARKS}/bans", token=mod, json=body)

    past = await ban(account_id=tokens["id:alice"], ends_at="2001-01-01T00:00:00Z")
    assert (past.status, error(past)) == (
        422,
        "Validation failed: a ban must end in the future",
    )
    garbled = await ban(account_id=tokens["id:alice"], ends_at="next week")
    assert (garbled.status, error(garbled)) == (
        422,
        "Validation failed: ends_at must be a date and time (ISO 8601)",
    )
    moderator = await ban(account_id=tokens["id:mod"])
    assert (moderator.status, error(moderator)) == (
        422,
        "A moderator of the group cannot be banned",
    )
    assert (await ban(account_id="99999999")).status == 404
    assert (await ban()).status == 422
    by_bob = await http.post(
        f"{PARKS}/bans", token=tokens["bob"], json={"account_id": tokens["id:alice"]}
    )
    assert by_bob.status == 403


# --- posts and threads -------------------------------------------------------------


async def test_a_removed_post_is_gone_for_everyone(instance, http):
    tokens = await make_group(instance)
    status_id = await carried_post(instance, http, "alice")
    # When the moderator removes it, saying why
    removed = await http.post(
        f"{PARKS}/posts/{status_id}/remove", token=tokens["mod"], json={"reason": "ads"}
    )
    # Then the removal is recorded
    assert removed.status == 200, removed.text
    body = removed.json()
    assert (body["status_id"], body["removed"], body["reason"]) == (
        status_id,
        True,
        "ads",
    )
    assert body["removed_by_id"] == tokens["id:mod"]
    # And the post is gone: 404 in the API, a Tombstone (410) to other servers
    assert (await http.get(f"/api/v1/statuses/{status_id}")).status == 404
    page = await http.get(f"/users/alice/statuses/{status_id}", accept=AS2)
    assert (page.status, page.json()["type"]) == (410, "Tombstone")


async def test_removing_a_post_the_group_does_not_carry_is_404(instance, http):
    tokens = await make_group(instance)
    status = await post_status(instance, http, "alice", "Not in the group")
    reply = await http.post(f"{PARKS}/posts/{status['id']}/remove", token=tokens["mod"])
    assert (reply.status, error(reply)) == (404, "This post is not in the group")
    locking = await http.post(
        f"{PARKS}/threads/{status['id']}/lock", token=tokens["mod"]
    )
    assert locking.status == 404
    stranger = await http.post(
        f"{PARKS}/posts/{status['id']}/remove", token=tokens["bob"]
    )
    assert stranger.status == 403


async def test_a_thread_is_locked_pinned_and_featured(instance, http):
    tokens = await make_group(instance)
    status_id = await carried_post(instance, http, "alice")
    thread = f"{PARKS}/threads/{status_id}"
    mod = tokens["mod"]
    locked = await http.post(f"{thread}/lock", token=mod)
    assert (locked.json()["id"], locked.json()["locked"]) == (status_id, True)
    unlocked = await http.post(f"{thread}/unlock", token=mod)
    assert unlocked.json()["locked"] is False
    pinned = await http.post(f"{thread}/pin", token=mod)
    assert pinned.json()["pinned"] is True
    # The group's featured collection lists the pinned thread's root
    root = instance.fed.urls.status("alice", int(status_id))
    featured = await http.get("/users/parks/collections/featured", accept=AS2)
    assert featured.json()["orderedItems"] == [root]
    unpinned = await http.post(f"{thread}/unpin", token=mod)
    assert unpinned.json()["pinned"] is False
    featured = await http.get("/users/parks/collections/featured", accept=AS2)
    assert featured.json()["orderedItems"] == []
    assert (await http.post(f"{thread}/pin", token=tokens["bob"])).status == 403


# --- admins ------------------------------------------------------------------------


async def test_an_admin_approves_or_rejects_proposed_groups(instance, http):
    # Given two groups bob proposed that wait for approval
    tokens = await make_group(instance)
    async with instance.db.session() as session:
        bob = await actor_q.get_local_actor(session, "bob")
        for name in ("trails", "pools"):
            await create_group(
                session,
                instance.fed.urls,
                NewGroup(name, moderators=("bob",)),
                premade_keypair(),
                created_by=bob,
                awaiting_approval=True,
            )
    # Then others do not see them; bob and admins do
    assert [g["name"] for g in (await http.get(BASE)).json()] == ["parks"]
    mine = await http.get(BASE, token=tokens["bob"])
    assert [g["name"] for g in mine.json()] == ["pools", "trails", "parks"]
    assert (await http.get(f"{BASE}/trails")).status == 404
    waiting = await http.get("/api/v1/fedcity/admin/groups", token=tokens["root"])
    assert [(g["name"], g["approved"]) for g in waiting.json()] == [
        ("pools", False),
        ("trails", False),
    ]
    # And only admins may approve or reject
    admin = "/api/v1/fedcity/admin/groups"
    assert (
        await http.post(f"{admin}/trails/approve", token=tokens["bob"])
    ).status == 403
    # When the admin approves one and rejects the other
    approved = await http.post(f"{admin}/trails/approve", token=tokens["root"])
    rejected = await http.post(f"{admin}/pools/reject", token=tokens["root"])
    # Then the first is listed to anyone, the second is gone
    assert approved.json()["approved"] is True
    assert (rejected.status, rejected.json()) == (200, {})
    listed = await http.get(BASE)
    assert [g["name"] for g in listed.json()] == ["trails", "parks"]
    assert (await http.get(f"{BASE}/pools", token=tokens["bob"])).status == 404
    # And rejecting an approved group is 422
    late = await http.post(f"{admin}/trails/reject", token=tokens["root"])
    assert (late.status, error(late)) == (422, "This group was approved already")


async def test_a_hub_group_follows_a_group_and_relays_its_threads(instance, http):
    # Given group parks (moderated by mod), and a city group that alice joined
    tokens = await make_group(instance)
    async with instance.db.session() as session:
        await create_group(
            session, instance.fed.urls, NewGroup("ojai"), premade_keypair()
        )
        ojai = await actor_q.get_local_actor(session, "ojai")
        assert ojai is not None
    followed = await http.post(
        f"/api/v1/accounts/{ojai.id}/follow", token=tokens["alice"]
    )
    assert followed.status == 200, followed.text
    # When a member who is no moderator asks parks to follow it, it is refused
    refused = await http.post(
        f"{PARKS}/following", token=tokens["alice"], json={"account_id": str(ojai.id)}
    )
    assert refused.status == 403
    # And a group may follow only groups
    person = await http.post(
        f"{PARKS}/following", token=tokens["mod"], json={"account_id": tokens["id:bob"]}
    )
    assert person.status == 422
    assert "only other groups" in error(person)
    # When its moderator makes parks follow the city group
    done = await http.post(
        f"{PARKS}/following", token=tokens["mod"], json={"account_id": str(ojai.id)}
    )
    assert done.status == 200, done.text
    listed = await http.get(f"{PARKS}/following", token=tokens["mod"])
    assert [a["acct"] for a in listed.json()] == ["ojai"]
    # Then a thread alice opens in the city group is carried by parks too
    await post_status(instance, http, "alice", "@ojai Trail repairs on Saturday")
    async with instance.db.session() as session:
        parks = await actor_q.get_local_actor(session, "parks")
        assert parks is not None
        threads = await session.scalars(
            select(GroupThread).where(GroupThread.group_actor_id == parks.id)
        )
        assert len(list(threads)) == 1
    # When it stops following, the list is empty
    stopped = await http.request(
        "DELETE", f"{PARKS}/following/{ojai.id}", token=tokens["mod"]
    )
    assert stopped.status == 200, stopped.text
    listed = await http.get(f"{PARKS}/following", token=tokens["mod"])
    assert listed.json() == []
