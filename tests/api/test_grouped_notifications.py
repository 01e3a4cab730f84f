"""Grouped notifications (/api/v2/notifications, Mastodon 4.3): favourites of one
post make one group, mentions stand alone, pages link over the groups' newest
notifications; one group, its accounts, dismiss and the unread group count."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.support.http import account_id, follow, post_status

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
async def people(instance):
    for name in ("alice", "bob", "carol", "dave"):
        await instance.create_account(name)


async def favourite(instance, http, name: str, status_id: str) -> None:
    reply = await http.post(
        f"/api/v1/statuses/{status_id}/favourite", token=await instance.token(name)
    )
    assert reply.status == 200, reply.text


async def grouped(instance, http, query: str = "") -> dict:
    reply = await http.get(
        f"/api/v2/notifications{query}", token=await instance.token("alice")
    )
    assert reply.status == 200, reply.text
    return reply.json()


@pytest.mark.usefixtures("people")
async def test_two_favourites_of_one_post_make_one_group(instance, http):
    # Given bob and carol favourited alice's post
    post = await post_status(instance, http, "alice", "New bike lanes")
    await favourite(instance, http, "bob", post["id"])
    await favourite(instance, http, "carol", post["id"])
    # When alice reads her grouped notifications
    body = await grouped(instance, http)
    # Then one group holds both, newest sender first, with the post alongside
    (group,) = body["notification_groups"]
    bob, carol = await account_id(http, "bob"), await account_id(http, "carol")
    assert group["type"] == "favourite"
    assert group["notifications_count"] == 2
    assert group["sample_account_ids"] == [carol, bob]
    assert group["status_id"] == post["id"]
    assert group["group_key"].startswith(f"favourite-{post['id']}-")
    assert group["page_max_id"] == str(group["most_recent_notification_id"])
    assert int(group["page_min_id"]) < group["most_recent_notification_id"]
    assert [s["id"] for s in body["statuses"]] == [post["id"]]
    assert {a["id"] for a in body["accounts"]} == {bob, carol}
    assert "partial_accounts" not in body


@pytest.mark.usefixtures("people")
async def test_a_mention_stays_ungrouped(instance, http):
    # Given bob mentioned alice twice
    await post_status(instance, http, "bob", "@alice first")
    await post_status(instance, http, "bob", "@alice second")
    # When she reads her grouped notifications
    body = await grouped(instance, http)
    # Then each mention is a group of its own, keyed by its notification id
    groups = body["notification_groups"]
    assert [g["type"] for g in groups] == ["mention", "mention"]
    for g in groups:
        assert g["group_key"] == f"ungrouped-{g['most_recent_notification_id']}"
        assert g["notifications_count"] == 1
    assert len(body["statuses"]) == 2


@pytest.mark.usefixtures("people")
async def test_follows_group_together(instance, http):
    # Given bob and carol followed alice
    await follow(instance, http, "bob", "alice")
    await follow(instance, http, "carol", "alice")
    # When she reads her grouped notifications
    (group,) = (await grouped(instance, http))["notification_groups"]
    # Then one follow group holds both, without a status
    assert group["type"] == "follow"
    assert group["notifications_count"] == 2
    assert "status_id" not in group


@pytest.mark.usefixtures("people")
async def test_grouped_types_leaves_other_types_ungrouped(instance, http):
    # Given two favourites of one post
    post = await post_status(instance, http, "alice", "Park reopening")
    await favourite(instance, http, "bob", post["id"])
    await favourite(instance, http, "carol", post["id"])
    # When alice lets only follows group
    body = await grouped(instance, http, "?grouped_types[]=follow")
    # Then the favourites come one by one
    groups = body["notification_groups"]
    assert [g["notifications_count"] for g in groups] == [1, 1]
    assert all(g["group_key"].startswith("ungrouped-") for g in groups)


@pytest.mark.usefixtures("people")
async def test_pages_link_over_each_groups_newest_notification(instance, http):
    # Given, oldest first: two mentions, then two favourites of one post
    await post_status(instance, http, "bob", "@alice oldest")
    await post_status(instance, http, "dave", "@alice middle")
    post = await post_status(instance, http, "alice", "Library hours")
    await favourite(instance, http, "bob", post["id"])
    await favourite(instance, http, "carol", post["id"])
    token = await instance.token("alice")
    # When she pages two groups at a time, and back
    first = await http.get("/api/v2/notifications?limit=2", token=token)
    second = await http.get(first.links["next"], token=token)
    back = await http.get(second.links["prev"], token=token)
    # Then the groups come newest first; the links sit at the newest notification
    # of the page's first and last group, and keep the other parameters
    favourites, middle = first.json()["notification_groups"]
    (oldest,) = second.json()["notification_groups"]
    assert [favourites["type"], middle["type"], oldest["type"]] == [
        "favourite",
        "mention",
        "mention",
    ]
    assert favourites["notifications_count"] == 2
    assert f"max_id={middle['most_recent_notification_id']}" in first.links["next"]
    assert f"min_id={favourites['most_recent_notification_id']}" in first.links["prev"]
    assert f"min_id={oldest['most_recent_notification_id']}" in second.links["prev"]
    assert "limit=2" in first.links["next"]
    assert [g["group_key"] for g in back.json()["notification_groups"]] == [
        favourites["group_key"],
        middle["group_key"],
    ]


@pytest.mark.usefixtures("people")
async def test_a_group_cut_by_a_page_comes_again_with_the_rest(instance, http):
    # Given bob then carol favourited alice's post
    post = await post_status(instance, http, "alice", "Library hours")
    await favourite(instance, http, "bob", post["id"])
    await favourite(instance, http, "carol", post["id"])
    token = await instance.token("alice")
    # When she pages one notification group at a time
    first = await http.get("/api/v2/notifications?limit=1", token=token)
    second = await http.get(first.links["next"], token=token)
    # Then, as in Mastodon, the next page holds the older part of the same group
    # (clients merge pages by group_key)
    (newer,) = first.json()["notification_groups"]
    (older,) = second.json()["notification_groups"]
    assert older["group_key"] == newer["group_key"]
    assert (newer["notifications_count"], older["notifications_count"]) == (2, 1)
    assert older["sample_account_ids"] == [await account_id(http, "bob")]


@pytest.mark.usefixtures("people")
async def test_partial_avatars_leaves_older_senders_partial(instance, http):
    # Given bob then carol favourited alice's post
    post = await post_status(instance, http, "alice", "Snow clearing")
    await favourite(instance, http, "bob", post["id"])
    await favourite(instance, http, "carol", post["id"])
    # When she asks for partial avatars
    body = await grouped(instance, http, "?expand_accounts=partial_avatars")
    # Then carol (the newest) is a full account and bob a partial one
    carol, bob = await account_id(http, "carol"), await account_id(http, "bob")
    assert [a["id"] for a in body["accounts"]] == [carol]
    assert [a["id"] for a in body["partial_accounts"]] == [bob]
    assert set(body["partial_accounts"][0]) == {
        "id",
        "acct",
        "locked",
        "bot",
        "url",
        "avatar",
        "avatar_static",
    }


@pytest.mark.usefixtures("people")
async def test_an_unknown_expand_accounts_is_refused(instance, http):
    # Given alice
    # When she asks for an unknown expansion
    reply = await http.get(
        "/api/v2/notifications?expand_accounts=everything",
        token=await instance.token("alice"),
    )
    # Then it is a bad request
    assert reply.status == 400


@pytest.mark.usefixtures("people")
async def test_a_group_is_read_by_its_key_with_its_accounts(instance, http):
    # Given a favourite group of two
    post = await post_status(instance, http, "alice", "Water main repaired")
    await favourite(instance, http, "bob", post["id"])
    await favourite(instance, http, "carol", post["id"])
    key = (await grouped(instance, http))["notification_groups"][0]["group_key"]
    token = await instance.token("alice")
    # When alice reads the group and its accounts
    shown = await http.get(f"/api/v2/notifications/{key}", token=token)
    accounts = await http.get(f"/api/v2/notifications/{key}/accounts", token=token)
    # Then the group is whole (no page fields) and both senders are listed
    (group,) = shown.json()["notification_groups"]
    assert group["notifications_count"] == 2
    assert "page_min_id" not in group
    assert [a["acct"] for a in accounts.json()] == ["carol", "bob"]


@pytest.mark.usefixtures("people")
async def test_an_unknown_group_is_not_found(instance, http):
    # Given alice has no such group
    # When she reads it
    reply = await http.get(
        "/api/v2/notifications/favourite-1-1", token=await instance.token("alice")
    )
    # Then it is not found
    assert reply.status == 404


@pytest.mark.usefixtures("people")
async def test_a_dismissed_group_leaves_with_all_its_notifications(instance, http):
    # Given a favourite group and a mention
    post = await post_status(instance, http, "alice", "Bridge inspection")
    await favourite(instance, http, "bob", post["id"])
    await favourite(instance, http, "carol", post["id"])
    await post_status(instance, http, "dave", "@alice hello")
    body = await grouped(instance, http)
    key = next(g for g in body["notification_groups"] if g["type"] == "favourite")[
        "group_key"
    ]
    token = await instance.token("alice")
    # When alice dismisses the group
    reply = await http.post(f"/api/v2/notifications/{key}/dismiss", token=token)
    # Then only the mention is left, in both APIs
    assert reply.status == 200
    assert [
        g["type"] for g in (await grouped(instance, http))["notification_groups"]
    ] == ["mention"]
    v1 = await http.get("/api/v1/notifications", token=token)
    assert [n["type"] for n in v1.json()] == ["mention"]


@pytest.mark.usefixtures("people")
async def test_unread_count_counts_groups_past_the_marker(instance, http):
    # Given a mention (read), then two favourites of one post and a mention
    await post_status(instance, http, "bob", "@alice read already")
    token = await instance.token("alice")
    (read,) = (await http.get("/api/v1/notifications", token=token)).json()
    await http.post(
        "/api/v1/markers",
        token=token,
        json={"notifications": {"last_read_id": read["id"]}},
    )
    post = await post_status(instance, http, "alice", "Tram timetable")
    await favourite(instance, http, "bob", post["id"])
    await favourite(instance, http, "carol", post["id"])
    await post_status(instance, http, "dave", "@alice unread")
    # When she counts unread groups, and unread notifications
    groups = await http.get("/api/v2/notifications/unread_count", token=token)
    plain = await http.get("/api/v1/notifications/unread_count", token=token)
    # Then the favourites count once among groups
    assert groups.json() == {"count": 2}
    assert plain.json() == {"count": 3}


@pytest.mark.usefixtures("people")
async def test_the_v1_list_carries_the_same_group_key(instance, http):
    # Given a favourite
    post = await post_status(instance, http, "alice", "Ferry schedule")
    await favourite(instance, http, "bob", post["id"])
    # When alice reads both lists
    v1 = await http.get("/api/v1/notifications", token=await instance.token("alice"))
    v2 = await grouped(instance, http)
    # Then the notification's group key is its group's
    assert v1.json()[0]["group_key"] == v2["notification_groups"][0]["group_key"]


async def test_the_instance_reports_api_version_2(instance, http):
    # Given an instance
    # When a client reads /api/v2/instance
    reply = await http.get("/api/v2/instance")
    # Then it says grouped notifications are there
    assert reply.json()["api_versions"]["mastodon"] == 2


@pytest.mark.usefixtures("people")
async def test_mastodon_py_reads_grouped_notifications(instance, http):
    # Given two favourites of alice's post
    post = await post_status(instance, http, "alice", "Recycling days")
    await favourite(instance, http, "bob", post["id"])
    await favourite(instance, http, "carol", post["id"])
    client = Mastodon(
        access_token=await instance.token("alice"), api_base_url=instance.base_url
    )
    # When Mastodon.py reads the grouped notifications and the unread count
    results = await asyncio.to_thread(client.grouped_notifications)
    unread = await asyncio.to_thread(client.unread_grouped_notifications_count)
    # Then it sees one group of two
    (group,) = results.notification_groups
    assert group.notifications_count == 2
    assert unread == 1
