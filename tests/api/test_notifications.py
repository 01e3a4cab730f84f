"""The v1 notifications API: one notification, dismiss, clear, the unread count
against the `notifications` marker, `account_id`, and the account's `notifications`
filters (hide drops, warn fills `filtered`)."""

from __future__ import annotations

import pytest

from tests.api.test_notification_policy import set_policy
from tests.api.test_streaming import next_event, subscribe, ws_url
from tests.support.http import account_id, follow, post_status

pytestmark = pytest.mark.usefixtures("backend")


async def mentioned(instance, http, times: int = 1, by: str = "bob") -> list[dict]:
    """`by` mentions alice `times` times; her notifications, newest first."""
    for n in range(times):
        await post_status(instance, http, by, f"@alice note {n}")
    reply = await http.get("/api/v1/notifications", token=await instance.token("alice"))
    assert reply.status == 200, reply.text
    return reply.json()


@pytest.fixture
async def people(instance):
    for name in ("alice", "bob", "carol"):
        await instance.create_account(name)


async def save_marker(instance, http, last_read_id: str) -> None:
    reply = await http.post(
        "/api/v1/markers",
        token=await instance.token("alice"),
        json={"notifications": {"last_read_id": last_read_id}},
    )
    assert reply.status == 200, reply.text


# --- one notification, dismiss, clear ------------------------------------------------


@pytest.mark.usefixtures("people")
async def test_a_notification_is_read_by_its_id(instance, http):
    # Given bob mentioned alice
    (listed,) = await mentioned(instance, http)
    # When she reads that notification by id
    reply = await http.get(
        f"/api/v1/notifications/{listed['id']}", token=await instance.token("alice")
    )
    # Then it is the same notification
    assert reply.status == 200
    assert reply.json()["id"] == listed["id"]
    assert reply.json()["type"] == "mention"
    assert reply.json()["group_key"] == f"ungrouped-{listed['id']}"


@pytest.mark.usefixtures("people")
async def test_someone_elses_notification_is_not_found(instance, http):
    # Given a notification of alice
    (listed,) = await mentioned(instance, http)
    # When bob asks for it
    reply = await http.get(
        f"/api/v1/notifications/{listed['id']}", token=await instance.token("bob")
    )
    # Then it is not found
    assert reply.status == 404
    assert reply.json() == {"error": "Record not found"}


@pytest.mark.usefixtures("people")
async def test_a_dismissed_notification_leaves_the_list(instance, http):
    # Given two mentions of alice
    newer, older = await mentioned(instance, http, times=2)
    token = await instance.token("alice")
    # When she dismisses the older one
    reply = await http.post(f"/api/v1/notifications/{older['id']}/dismiss", token=token)
    # Then only the newer one is listed
    assert reply.status == 200
    assert reply.json() == {}
    listed = (await http.get("/api/v1/notifications", token=token)).json()
    assert [n["id"] for n in listed] == [newer["id"]]


@pytest.mark.usefixtures("people")
async def test_dismissing_an_unknown_notification_is_not_found(instance, http):
    # Given alice has no notification 1
    # When she dismisses it
    reply = await http.post(
        "/api/v1/notifications/1/dismiss", token=await instance.token("alice")
    )
    # Then it is not found
    assert reply.status == 404


@pytest.mark.usefixtures("people")
async def test_clear_removes_every_notification(instance, http):
    # Given alice was followed and mentioned
    await follow(instance, http, "carol", "alice")
    await mentioned(instance, http)
    token = await instance.token("alice")
    # When she clears her notifications
    reply = await http.post("/api/v1/notifications/clear", token=token)
    # Then none are left
    assert reply.status == 200
    assert (await http.get("/api/v1/notifications", token=token)).json() == []


@pytest.mark.usefixtures("people")
async def test_dismiss_needs_the_write_scope(instance, http):
    # Given a notification and a read-only token
    (listed,) = await mentioned(instance, http)
    token = await instance.token("alice", scopes="read")
    # When the token dismisses it
    reply = await http.post(
        f"/api/v1/notifications/{listed['id']}/dismiss", token=token
    )
    # Then it is refused
    assert reply.status == 403


# --- unread count --------------------------------------------------------------------


@pytest.mark.usefixtures("people")
async def test_unread_count_counts_past_the_marker(instance, http):
    # Given three mentions of alice, the oldest of them read
    *_unread, oldest = await mentioned(instance, http, times=3)
    await save_marker(instance, http, oldest["id"])
    # When she asks how many are unread
    reply = await http.get(
        "/api/v1/notifications/unread_count", token=await instance.token("alice")
    )
    # Then the two past the marker count
    assert reply.status == 200
    assert reply.json() == {"count": 2}


@pytest.mark.usefixtures("people")
async def test_unread_count_without_a_marker_counts_all_up_to_the_limit(instance, http):
    # Given three mentions and no marker
    await mentioned(instance, http, times=3)
    token = await instance.token("alice")
    # When she counts, once with limit=2
    every = await http.get("/api/v1/notifications/unread_count", token=token)
    capped = await http.get("/api/v1/notifications/unread_count?limit=2", token=token)
    # Then all three count, or as many as the limit
    assert every.json() == {"count": 3}
    assert capped.json() == {"count": 2}


@pytest.mark.usefixtures("people")
async def test_unread_count_follows_types(instance, http):
    # Given a follow and a mention, none read
    await follow(instance, http, "carol", "alice")
    await mentioned(instance, http)
    # When only follows are counted
    reply = await http.get(
        "/api/v1/notifications/unread_count?types[]=follow",
        token=await instance.token("alice"),
    )
    # Then one counts
    assert reply.json() == {"count": 1}


# --- account_id ----------------------------------------------------------------------


@pytest.mark.usefixtures("people")
async def test_account_id_keeps_one_senders_notifications(instance, http):
    # Given bob and carol both mentioned alice
    await mentioned(instance, http, by="bob")
    await mentioned(instance, http, by="carol")
    carol = await account_id(http, "carol")
    # When alice lists carol's notifications only
    reply = await http.get(
        f"/api/v1/notifications?account_id={carol}", token=await instance.token("alice")
    )
    # Then only carol's mention is there
    assert [n["account"]["acct"] for n in reply.json()] == ["carol"]


# --- filters of context "notifications" ----------------------------------------------


async def add_filter(instance, http, action: str, keyword: str) -> None:
    reply = await http.post(
        "/api/v2/filters",
        token=await instance.token("alice"),
        json={
            "title": keyword,
            "context": ["notifications"],
            "filter_action": action,
            "keywords_attributes": [{"keyword": keyword}],
        },
    )
    assert reply.status == 200, reply.text


@pytest.mark.usefixtures("people")
async def test_a_hide_filter_drops_the_notification_and_paging_goes_on(instance, http):
    # Given alice hides "parking" in notifications, and bob mentioned her twice
    await add_filter(instance, http, "hide", "parking")
    await post_status(instance, http, "bob", "@alice about the budget")
    await post_status(instance, http, "bob", "@alice about parking")
    token = await instance.token("alice")
    # When she reads one notification at a time
    first = await http.get("/api/v1/notifications?limit=1", token=token)
    second = await http.get(first.links["next"], token=token)
    # Then the parking mention is left out of the first page, which still links on
    assert first.json() == []
    assert "max_id=" in first.links["next"]
    assert ["budget" in n["status"]["content"] for n in second.json()] == [True]


@pytest.mark.usefixtures("people")
async def test_a_warn_filter_fills_the_status_filtered(instance, http):
    # Given alice warns on "parking" in notifications, and bob mentioned parking
    await add_filter(instance, http, "warn", "parking")
    await post_status(instance, http, "bob", "@alice about parking")
    # When she reads her notifications
    reply = await http.get("/api/v1/notifications", token=await instance.token("alice"))
    # Then the notification is there, its status saying which filter matched
    (item,) = reply.json()
    (result,) = item["status"]["filtered"]
    assert result["filter"]["title"] == "parking"
    assert result["keyword_matches"] == ["parking"]


@pytest.mark.usefixtures("people")
async def test_a_filter_of_another_context_leaves_notifications_alone(instance, http):
    # Given alice hides "parking" only on her home timeline
    reply = await http.post(
        "/api/v2/filters",
        token=await instance.token("alice"),
        json={
            "title": "home only",
            "context": ["home"],
            "filter_action": "hide",
            "keywords_attributes": [{"keyword": "parking"}],
        },
    )
    assert reply.status == 200
    # When bob mentions parking
    listed = await mentioned(instance, http, by="bob")
    await post_status(instance, http, "bob", "@alice about parking")
    reply = await http.get("/api/v1/notifications", token=await instance.token("alice"))
    # Then the notification is shown unfiltered
    assert len(reply.json()) == len(listed) + 1
    assert reply.json()[0]["status"]["filtered"] == []


@pytest.mark.usefixtures("people")
async def test_a_hidden_notification_is_not_streamed(instance, http):
    # Given alice hides "parking" in notifications and listens to her notifications
    await add_filter(instance, http, "hide", "parking")
    token = await instance.token("alice")
    async with http.session.ws_connect(
        ws_url(instance.base_url), headers={"Authorization": f"Bearer {token}"}
    ) as ws:
        await subscribe(ws, stream="user:notification")
        # When bob mentions parking, then the budget
        await post_status(instance, http, "bob", "@alice about parking")
        await post_status(instance, http, "bob", "@alice about the budget")
        # Then the first notification she hears is about the budget
        notification, _ = await next_event(ws, "notification")
        assert "budget" in notification["status"]["content"]


# --- undone actions take their notifications back (as Mastodon) ----------------------


async def alices_notifications(instance, http) -> list[tuple[str, str]]:
    """(type, sender acct) of each of alice's notifications, filtered ones too."""
    reply = await http.get(
        "/api/v1/notifications?include_filtered=true",
        token=await instance.token("alice"),
    )
    assert reply.status == 200, reply.text
    return [(n["type"], n["account"]["acct"]) for n in reply.json()]


@pytest.mark.usefixtures("people")
async def test_unfavourite_unboost_and_unfollow_take_back_their_notifications(
    instance, http
):
    # Given bob favourited and boosted alice's post, and followed her; carol too
    post = await post_status(instance, http, "alice", "Road work starts Monday")
    for name in ("bob", "carol"):
        token = await instance.token(name)
        for action in ("favourite", "reblog"):
            reply = await http.post(
                f"/api/v1/statuses/{post['id']}/{action}", token=token
            )
            assert reply.status == 200, reply.text
        await follow(instance, http, name, "alice")
    assert len(await alices_notifications(instance, http)) == 6
    # When bob takes back all three
    bob = await instance.token("bob")
    alice_id = await account_id(http, "alice")
    for path in (
        f"/api/v1/statuses/{post['id']}/unfavourite",
        f"/api/v1/statuses/{post['id']}/unreblog",
        f"/api/v1/accounts/{alice_id}/unfollow",
    ):
        reply = await http.post(path, token=bob)
        assert reply.status == 200, reply.text
    # Then alice's notifications from him are gone, carol's stay
    assert sorted(await alices_notifications(instance, http)) == [
        ("favourite", "carol"),
        ("follow", "carol"),
        ("reblog", "carol"),
    ]


@pytest.mark.usefixtures("people")
async def test_a_deleted_post_takes_its_notifications(instance, http):
    # Given bob mentioned alice, and carol favourited that post
    mention = await post_status(instance, http, "bob", "@alice see the agenda")
    reply = await http.post(
        f"/api/v1/statuses/{mention['id']}/favourite",
        token=await instance.token("carol"),
    )
    assert reply.status == 200, reply.text
    assert await alices_notifications(instance, http) == [("mention", "bob")]
    # When bob deletes the post
    reply = await http.request(
        "DELETE", f"/api/v1/statuses/{mention['id']}", token=await instance.token("bob")
    )
    assert reply.status == 200, reply.text
    # Then alice's mention is gone, and so is bob's notification of the favourite
    assert await alices_notifications(instance, http) == []
    reply = await http.get("/api/v1/notifications", token=await instance.token("bob"))
    assert reply.json() == []


@pytest.mark.usefixtures("people")
async def test_a_deleted_filtered_mention_empties_its_request(instance, http):
    # Given alice filters strangers and holds a request for bob's one mention
    await set_policy(instance, http, for_not_following="filter")
    mention = await post_status(instance, http, "bob", "@alice pothole on Main St")
    alice = await instance.token("alice")
    requests = await http.get("/api/v1/notifications/requests", token=alice)
    assert len(requests.json()) == 1
    # When bob deletes it
    reply = await http.request(
        "DELETE", f"/api/v1/statuses/{mention['id']}", token=await instance.token("bob")
    )
    assert reply.status == 200, reply.text
    # Then the request goes with its only notification
    requests = await http.get("/api/v1/notifications/requests", token=alice)
    assert requests.json() == []
    assert await alices_notifications(instance, http) == []


@pytest.mark.usefixtures("people")
async def test_an_answered_follow_request_leaves_the_notifications(instance, http):
    # Given alice locked her account and bob and carol asked to follow her
    alice = await instance.token("alice")
    reply = await http.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        token=alice,
        data={"locked": "1"},
    )
    assert reply.status == 200, reply.text
    for name in ("bob", "carol"):
        await follow(instance, http, name, "alice")
    assert sorted(await alices_notifications(instance, http)) == [
        ("follow_request", "bob"),
        ("follow_request", "carol"),
    ]
    # When she authorizes bob and rejects carol
    bob_id, carol_id = await account_id(http, "bob"), await account_id(http, "carol")
    for path in (
        f"/api/v1/follow_requests/{bob_id}/authorize",
        f"/api/v1/follow_requests/{carol_id}/reject",
    ):
        reply = await http.post(path, token=alice)
        assert reply.status == 200, reply.text
    # Then neither request is still waiting among her notifications
    assert await alices_notifications(instance, http) == []
