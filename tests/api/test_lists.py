"""Lists: CRUD, members (only followed accounts), the list timeline with its replies
policy, and exclusive lists leaving the home timeline; through Mastodon.py."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def reader_following(instance, *names: str) -> tuple[Mastodon, dict[str, str]]:
    """`reader` follows each of `names`; its client and the accounts' ids."""
    await instance.create_account("reader")
    client = api(instance, await instance.token("reader"))
    ids = {}
    for name in names:
        account = await instance.create_account(name)
        ids[name] = str(account.id)
        await asyncio.to_thread(client.account_follow, ids[name])
    return client, ids


async def test_list_is_created_renamed_and_deleted(instance):
    # Given an account
    await instance.create_account("reader")
    client = api(instance, await instance.token("reader"))
    # When it creates a list
    created = await asyncio.to_thread(
        client.list_create, "Council", replies_policy="followed", exclusive=True
    )
    # Then the list is shown with its settings
    assert created["title"] == "Council"
    assert created["replies_policy"] == "followed"
    assert created["exclusive"] is True
    assert [x["id"] for x in await asyncio.to_thread(client.lists)] == [created["id"]]
    # When it is renamed, then deleted
    renamed = await asyncio.to_thread(client.list_update, created["id"], "Mayors")
    await asyncio.to_thread(client.list_delete, created["id"])
    # Then the rename took and no list remains
    assert renamed["title"] == "Mayors"
    assert await asyncio.to_thread(client.lists) == []


async def test_list_is_read_and_changed_over_http(instance, http):
    # Given a reader's list
    await instance.create_account("reader")
    token = await instance.token("reader")
    created = await http.post("/api/v1/lists", token=token, json={"title": "Council"})
    path = f"/api/v1/lists/{created.json()['id']}"
    # When it is renamed by form, made exclusive and to show no replies
    changed = await http.request(
        "PUT",
        path,
        token=token,
        data={"title": "Mayors", "replies_policy": "none", "exclusive": "true"},
    )
    shown = await http.get(path, token=token)
    # Then the answer and a later read hold the new settings
    expected = {
        "id": created.json()["id"],
        "title": "Mayors",
        "replies_policy": "none",
        "exclusive": True,
    }
    assert changed.json() == expected
    assert shown.json() == expected


async def test_list_with_a_blank_title_is_refused(instance, http):
    # Given an account
    await instance.create_account("reader")
    # When it creates a list without a title
    reply = await http.post(
        "/api/v1/lists", token=await instance.token("reader"), json={"title": " "}
    )
    # Then Mastodon's validation error comes back
    assert reply.status == 422
    assert "Title" in reply.json()["error"]


async def test_another_accounts_list_is_not_found(instance, http):
    # Given a list of alice's
    await instance.create_account("alice")
    await instance.create_account("bob")
    mine = await http.post(
        "/api/v1/lists", token=await instance.token("alice"), json={"title": "Mine"}
    )
    # When bob reads it
    reply = await http.get(
        f"/api/v1/lists/{mine.json()['id']}", token=await instance.token("bob")
    )
    # Then it does not exist for him
    assert reply.status == 404
    assert reply.json() == {"error": "Record not found"}


async def test_only_followed_accounts_can_be_added(instance, http):
    # Given a list and an account the reader does not follow
    await instance.create_account("reader")
    stranger = await instance.create_account("stranger")
    token = await instance.token("reader")
    created = (
        await http.post("/api/v1/lists", token=token, json={"title": "L"})
    ).json()
    # When the stranger is added
    reply = await http.post(
        f"/api/v1/lists/{created['id']}/accounts",
        token=token,
        json={"account_ids": [str(stranger.id)]},
    )
    # Then it is refused with 422 and the list stays empty
    assert reply.status == 422
    assert "error" in reply.json()
    members = await http.get(f"/api/v1/lists/{created['id']}/accounts", token=token)
    assert members.json() == []


async def test_members_are_listed_and_removed(instance):
    # Given a list holding two followed accounts
    client, ids = await reader_following(instance, "alice", "bob")
    created = await asyncio.to_thread(client.list_create, "Friends")
    await asyncio.to_thread(
        client.list_accounts_add, created["id"], [ids["alice"], ids["bob"]]
    )
    # When bob is removed
    await asyncio.to_thread(client.list_accounts_delete, created["id"], [ids["bob"]])
    # Then only alice is a member, and alice's lists name this one
    members = await asyncio.to_thread(client.list_accounts, created["id"])
    assert [m["id"] for m in members] == [ids["alice"]]
    lists_of_alice = await asyncio.to_thread(client.account_lists, ids["alice"])
    assert [x["id"] for x in lists_of_alice] == [created["id"]]
    assert await asyncio.to_thread(client.account_lists, ids["bob"]) == []


async def test_unfollowing_removes_the_account_from_lists(instance):
    # Given alice in a list
    client, ids = await reader_following(instance, "alice")
    created = await asyncio.to_thread(client.list_create, "Friends")
    await asyncio.to_thread(client.list_accounts_add, created["id"], [ids["alice"]])
    # When the reader unfollows alice
    await asyncio.to_thread(client.account_unfollow, ids["alice"])
    # Then she has left the list
    assert await asyncio.to_thread(client.list_accounts, created["id"]) == []


async def test_list_timeline_shows_only_members_posts(instance, http):
    # Given alice in a list, bob followed but not in it
    client, ids = await reader_following(instance, "alice", "bob")
    created = await asyncio.to_thread(client.list_create, "Alice only")
    await asyncio.to_thread(client.list_accounts_add, created["id"], [ids["alice"]])
    # When both post
    mine = await post_status(instance, http, "alice", "Budget meeting at 6")
    await post_status(instance, http, "bob", "Lunch")
    # Then the list timeline holds alice's post alone
    timeline = await asyncio.to_thread(client.timeline_list, created["id"])
    assert [s["id"] for s in timeline] == [mine["id"]]


@pytest.mark.parametrize(
    ("policy", "shown"),
    [("list", {"root", "to member"}), ("followed", {"root", "to member", "to bob"})],
)
async def test_replies_policy_decides_which_replies_show(instance, http, policy, shown):
    # Given alice and carol in a list; bob followed outside it; dave not followed
    client, ids = await reader_following(instance, "alice", "carol", "bob")
    await instance.create_account("dave")
    created = await asyncio.to_thread(client.list_create, "L", replies_policy=policy)
    await asyncio.to_thread(
        client.list_accounts_add, created["id"], [ids["alice"], ids["carol"]]
    )
    carol_post = await post_status(instance, http, "carol", "carol speaks")
    bob_post = await post_status(instance, http, "bob", "bob speaks")
    dave_post = await post_status(instance, http, "dave", "dave speaks")
    # When alice posts and replies to carol (a member), bob and dave
    texts = {
        "root": None,
        "to member": carol_post["id"],
        "to bob": bob_post["id"],
        "to dave": dave_post["id"],
    }
    for label, parent in texts.items():
        fields = {"in_reply_to_id": parent} if parent else {}
        await post_status(instance, http, "alice", label, **fields)
    # Then the list shows the replies the policy allows (and carol's own post)
    timeline = await asyncio.to_thread(client.timeline_list, created["id"])
    contents = {s["content"].removeprefix("<p>").removesuffix("</p>") for s in timeline}
    assert {c for c in contents if c in texts} == shown


async def test_replies_policy_none_hides_replies_to_others(instance, http):
    # Given alice in a list that shows no replies
    client, ids = await reader_following(instance, "alice", "bob")
    created = await asyncio.to_thread(client.list_create, "L", replies_policy="none")
    await asyncio.to_thread(client.list_accounts_add, created["id"], [ids["alice"]])
    bob_post = await post_status(instance, http, "bob", "bob speaks")
    # When alice replies to bob and posts on her own
    await post_status(instance, http, "alice", "reply", in_reply_to_id=bob_post["id"])
    own = await post_status(instance, http, "alice", "own post")
    # Then only her own post is in the list
    timeline = await asyncio.to_thread(client.timeline_list, created["id"])
    assert [s["id"] for s in timeline] == [own["id"]]


async def test_exclusive_list_keeps_members_out_of_home(instance, http):
    # Given alice in an exclusive list, bob followed normally
    client, ids = await reader_following(instance, "alice", "bob")
    created = await asyncio.to_thread(client.list_create, "Quiet", exclusive=True)
    await asyncio.to_thread(client.list_accounts_add, created["id"], [ids["alice"]])
    # When both post
    alice_post = await post_status(instance, http, "alice", "from alice")
    bob_post = await post_status(instance, http, "bob", "from bob")
    # Then home has bob's post only, and the list has alice's
    home = await asyncio.to_thread(client.timeline_home)
    assert [s["id"] for s in home] == [bob_post["id"]]
    listed = await asyncio.to_thread(client.timeline_list, created["id"])
    assert [s["id"] for s in listed] == [alice_post["id"]]


async def test_list_timeline_pages_with_a_link_header(instance, http):
    # Given a list member with three posts
    client, ids = await reader_following(instance, "alice")
    created = await asyncio.to_thread(client.list_create, "L")
    await asyncio.to_thread(client.list_accounts_add, created["id"], [ids["alice"]])
    posted = [await post_status(instance, http, "alice", f"n{i}") for i in range(3)]
    # When the list timeline is read two at a time
    token = await instance.token("reader")
    first = await http.get(
        f"/api/v1/timelines/list/{created['id']}?limit=2", token=token
    )
    second = await http.get(first.links["next"], token=token)
    # Then the pages follow each other, newest first
    assert [s["id"] for s in first.json()] == [posted[2]["id"], posted[1]["id"]]
    assert [s["id"] for s in second.json()] == [posted[0]["id"]]


async def test_list_timeline_shows_followers_only_posts_but_not_direct_messages(
    instance, http
):
    # Given alice, followed by the reader, in the reader's list
    client, ids = await reader_following(instance, "alice")
    created = await asyncio.to_thread(client.list_create, "L")
    await asyncio.to_thread(client.list_accounts_add, created["id"], [ids["alice"]])
    # When she posts publicly, to her followers, and directly to the reader
    public = await post_status(instance, http, "alice", "open", visibility="public")
    private = await post_status(instance, http, "alice", "mine", visibility="private")
    await post_status(instance, http, "alice", "@reader hi", visibility="direct")
    # Then the list shows the public and the followers-only post, not the message
    timeline = await asyncio.to_thread(client.timeline_list, created["id"])
    assert [s["id"] for s in timeline] == [private["id"], public["id"]]


async def test_list_timeline_shows_a_requested_accounts_private_post_only_if_mentioned(
    instance, http
):
    # Given alice, who locked her account, asked to be followed by the reader and
    # in the reader's list (a follow request is enough to list her)
    await instance.create_account("reader")
    alice = await instance.create_account("alice")
    locked = await http.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        token=await instance.token("alice"),
        data={"locked": "1"},
    )
    assert locked.status == 200, locked.text
    client = api(instance, await instance.token("reader"))
    await asyncio.to_thread(client.account_follow, str(alice.id))
    created = await asyncio.to_thread(client.list_create, "L")
    await asyncio.to_thread(client.list_accounts_add, created["id"], [str(alice.id)])
    # When she posts to her followers, once mentioning the reader
    await post_status(instance, http, "alice", "for followers", visibility="private")
    mention = await post_status(
        instance, http, "alice", "@reader see this", visibility="private"
    )
    # Then the list shows only the post that mentions the reader
    timeline = await asyncio.to_thread(client.timeline_list, created["id"])
    assert [s["id"] for s in timeline] == [mention["id"]]
