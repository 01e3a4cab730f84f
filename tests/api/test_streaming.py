"""The streaming API: WebSocket and server-sent events, driven by real clients
(aiohttp, Mastodon.py) against a live instance; and two `fedcity serve` processes
on one PostgreSQL database, where events cross processes by LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from mastodon import Mastodon

from fedcity.services.events import record
from tests.support.http import Http, account_id, follow, post_status
from tests.support.processes import CliInstance, wait_for
from tests.support.streams import close_stream, open_user_stream

pytestmark = pytest.mark.usefixtures("backend")

TIMEOUT = 10.0


def ws_url(base_url: str, query: str = "") -> str:
    return base_url.replace("http", "ws", 1) + "/api/v1/streaming" + query


async def next_message(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    message = await asyncio.wait_for(ws.receive_json(), TIMEOUT)
    assert isinstance(message, dict)
    return message


async def next_event(ws: aiohttp.ClientWebSocketResponse, event: str) -> Any:
    """The payload of the next message of type `event`, decoded (skips others)."""
    while True:
        message = await next_message(ws)
        if message.get("event") == event:
            return json.loads(message["payload"]), message["stream"]


async def next_events(
    ws: aiohttp.ClientWebSocketResponse, *events: str
) -> dict[str, tuple[Any, list[str]]]:
    """The first message of each of `events`, whatever order they come in."""
    found: dict[str, tuple[Any, list[str]]] = {}
    while len(found) < len(events):
        message = await next_message(ws)
        if message.get("event") in events and message["event"] not in found:
            found[message["event"]] = (
                json.loads(message["payload"]),
                message["stream"],
            )
    return found


async def subscribe(ws: aiohttp.ClientWebSocketResponse, **fields: str) -> None:
    """Subscribe, then wait until the server has read it: commands are handled in
    order, so the error for a bogus command proves the subscription is in place."""
    await ws.send_json({"type": "subscribe", **fields})
    await ws.send_json({"type": "bogus"})
    reply = await next_message(ws)
    assert reply == {"error": "Unknown message", "status": 400}


async def test_user_stream_hears_followed_posts_and_mentions(instance, http):
    # Given a resident who follows the mayor, listening on the user stream
    await instance.create_account("mayor")
    await instance.create_account("resident")
    await follow(instance, http, "resident", "mayor")
    token = await instance.token("resident")
    async with http.session.ws_connect(
        ws_url(instance.base_url, "?stream=user"),
        headers={"Authorization": f"Bearer {token}"},
    ) as ws:
        # When the mayor posts
        posted = await post_status(instance, http, "mayor", "Council meets at six")
        # Then the resident hears the update on the user stream
        status, stream = await next_event(ws, "update")
        assert stream == ["user"]
        assert status["id"] == posted["id"]
        assert "Council meets at six" in status["content"]
        assert status["favourited"] is False  # serialised for the viewer
        # When the mayor mentions the resident
        await post_status(instance, http, "mayor", "@resident thanks for coming")
        # Then a mention notification arrives too
        notification, stream = await next_event(ws, "notification")
        assert stream == ["user"]
        assert notification["type"] == "mention"
        assert notification["account"]["acct"] == "mayor"
        assert "thanks for coming" in notification["status"]["content"]


async def test_user_stream_leaves_mentions_from_strangers_to_notifications(
    instance, http
):
    # Given a resident who follows the mayor, not the stranger, on the user stream
    for name in ("mayor", "stranger", "resident"):
        await instance.create_account(name)
    await follow(instance, http, "resident", "mayor")
    token = await instance.token("resident")
    async with http.session.ws_connect(
        ws_url(instance.base_url, f"?stream=user&access_token={token}")
    ) as ws:
        # When the stranger mentions the resident, then the mayor posts
        await post_status(instance, http, "stranger", "@resident hello from afar")
        posted = await post_status(instance, http, "mayor", "Council meets at six")
        # Then the mention comes as a notification, and the first update is the
        # mayor's post (as in Mastodon, the mention is not a home item)
        found = await next_events(ws, "notification", "update")
        assert found["notification"][0]["type"] == "mention"
        assert found["update"][0]["id"] == posted["id"]


async def test_followers_only_posts_stay_off_public_streams(instance, http):
    # Given an anonymous public:local listener and a follower's user stream
    await instance.create_account("mayor")
    await instance.create_account("resident")
    await follow(instance, http, "resident", "mayor")
    token = await instance.token("resident")
    async with (
        http.session.ws_connect(
            ws_url(instance.base_url, "?stream=public:local")
        ) as pub,
        http.session.ws_connect(
            ws_url(instance.base_url, f"?stream=user&access_token={token}")
        ) as home,
    ):
        # When the mayor posts to followers only, then publicly
        private = await post_status(
            instance, http, "mayor", "For followers", visibility="private"
        )
        public = await post_status(instance, http, "mayor", "For everyone")
        # Then the follower sees both, and the public stream only the public one
        first, _ = await next_event(home, "update")
        second, _ = await next_event(home, "update")
        assert [first["id"], second["id"]] == [private["id"], public["id"]]
        seen, stream = await next_event(pub, "update")
        assert stream == ["public:local"]
        assert seen["id"] == public["id"]


async def test_token_in_websocket_protocol_and_hashtag_subscription(instance, http):
    # Given a client that passes its token as the WebSocket protocol
    await instance.create_account("mayor")
    await instance.create_account("resident")
    token = await instance.token("resident")
    async with http.session.ws_connect(
        ws_url(instance.base_url), protocols=(token,)
    ) as ws:
        # Then the server echoes the protocol back
        assert ws.protocol == token
        # When it subscribes to a hashtag on the multiplexed socket
        await subscribe(ws, stream="hashtag", tag="OjaiBudget")
        await post_status(instance, http, "mayor", "No tag here")
        tagged = await post_status(instance, http, "mayor", "Vote on #OjaiBudget")
        # Then only the tagged public post arrives, labelled with its stream
        status, stream = await next_event(ws, "update")
        assert stream == ["hashtag", "ojaibudget"]
        assert status["id"] == tagged["id"]
        # And after unsubscribing, a tagged post is no longer sent
        await ws.send_json(
            {"type": "unsubscribe", "stream": "hashtag", "tag": "ojaibudget"}
        )
        await subscribe(ws, stream="public:local")
        later = await post_status(instance, http, "mayor", "Again #OjaiBudget")
        message = await next_message(ws)
        assert message["stream"] == ["public:local"]
        assert json.loads(message["payload"])["id"] == later["id"]


async def test_delete_and_edit_reach_the_stream(instance, http):
    # Given an anonymous public:local listener and a post it has seen
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    async with http.session.ws_connect(
        ws_url(instance.base_url, "?stream=public:local")
    ) as ws:
        posted = await post_status(instance, http, "mayor", "Parade on Sunday")
        await next_event(ws, "update")
        # When the mayor edits it
        reply = await http.request(
            "PUT",
            f"/api/v1/statuses/{posted['id']}",
            token=token,
            json={"status": "Parade on Saturday"},
        )
        assert reply.status == 200, reply.text
        # Then status.update carries the new text
        edited, stream = await next_event(ws, "status.update")
        assert stream == ["public:local"]
        assert "Parade on Saturday" in edited["content"]
        assert edited["edited_at"] is not None
        # When the mayor deletes it
        reply = await http.request(
            "DELETE", f"/api/v1/statuses/{posted['id']}", token=token
        )
        assert reply.status == 200, reply.text
        # Then delete carries its id as a string
        message = await next_message(ws)
        assert message == {
            "stream": ["public:local"],
            "event": "delete",
            "payload": posted["id"],
        }


async def test_direct_stream_gets_conversations_for_participants(instance, http):
    # Given the resident listening on direct and user:notification
    await instance.create_account("mayor")
    await instance.create_account("resident")
    token = await instance.token("resident")
    async with http.session.ws_connect(
        ws_url(instance.base_url), headers={"Authorization": f"Bearer {token}"}
    ) as ws:
        await subscribe(ws, stream="direct")
        # When the mayor writes to the resident directly
        sent = await post_status(
            instance, http, "mayor", "@resident a word, privately", visibility="direct"
        )
        # Then the direct stream carries a Conversation with the mayor in it
        conversation, stream = await next_event(ws, "conversation")
        assert stream == ["direct"]
        assert conversation["last_status"]["id"] == sent["id"]
        assert [a["acct"] for a in conversation["accounts"]] == ["mayor"]
        assert conversation["unread"] is True


async def test_filters_changed_reaches_the_user_stream(instance, http):
    # Given the resident listening on the user stream
    resident = await instance.create_account("resident")
    token = await instance.token("resident")
    async with http.session.ws_connect(
        ws_url(instance.base_url, "?stream=user"), protocols=(token,)
    ) as ws:
        # When a transaction records that the resident's filters changed
        async with instance.db.session() as session:
            record(session, "filters_changed", account_id=resident.id)
        # Then the stream says so, with no payload (as Mastodon does)
        assert await next_message(ws) == {
            "stream": ["user"],
            "event": "filters_changed",
        }


async def _create_filter(
    http: Http, token: str, context: str, action: str, keyword: str
) -> dict[str, Any]:
    reply = await http.post(
        "/api/v2/filters",
        token=token,
        json={
            "title": keyword,
            "context": [context],
            "filter_action": action,
            "keywords_attributes": [{"keyword": keyword}],
        },
    )
    assert reply.status == 200, reply.text
    return reply.json()


async def test_filters_apply_to_streamed_statuses(instance, http):
    # Given a resident who follows the mayor, hides "parking" at home and is
    # warned of "budget" in public timelines, listening on user and public:local
    await instance.create_account("mayor")
    await instance.create_account("resident")
    await follow(instance, http, "resident", "mayor")
    token = await instance.token("resident")
    await _create_filter(http, token, "home", "hide", "parking")
    warning = await _create_filter(http, token, "public", "warn", "budget")
    async with (
        http.session.ws_connect(
            ws_url(instance.base_url, "?stream=user"), protocols=(token,)
        ) as home,
        http.session.ws_connect(
            ws_url(instance.base_url, "?stream=public:local"), protocols=(token,)
        ) as pub,
        http.session.ws_connect(
            ws_url(instance.base_url, "?stream=public:local")
        ) as anonymous,
    ):
        # When the mayor posts about parking, then about the budget
        parking = await post_status(instance, http, "mayor", "New parking rules")
        budget = await post_status(instance, http, "mayor", "The budget is out")
        # Then the home stream skips the hidden post and carries the other plain
        at_home, _ = await next_event(home, "update")
        assert at_home["id"] == budget["id"]
        assert at_home["filtered"] == []
        # And the public stream shows both, the budget post with its warning
        first, _ = await next_event(pub, "update")
        second, _ = await next_event(pub, "update")
        assert [first["id"], second["id"]] == [parking["id"], budget["id"]]
        assert first["filtered"] == []
        assert [r["filter"]["id"] for r in second["filtered"]] == [warning["id"]]
        assert second["filtered"][0]["keyword_matches"] == ["budget"]
        # And a listener without filters sees both unfiltered
        for expected in (parking, budget):
            seen, _ = await next_event(anonymous, "update")
            assert seen["id"] == expected["id"]
            assert not seen.get("filtered")


async def _record_then_fail(instance, kind: str, **data) -> None:
    async with instance.db.session() as session:
        record(session, kind, **data)
        raise RuntimeError("rolled back")


async def test_rolled_back_events_are_not_streamed(instance, http):
    # Given an earlier post, and an anonymous public:local listener
    await instance.create_account("mayor")
    earlier = await post_status(instance, http, "mayor", "Earlier news")
    async with http.session.ws_connect(
        ws_url(instance.base_url, "?stream=public:local")
    ) as ws:
        # When a transaction recording an event about it is rolled back
        with pytest.raises(RuntimeError):
            await _record_then_fail(
                instance, "status.created", post_id=int(earlier["id"])
            )
        # Then nothing of it is streamed: the next message is the next real post
        posted = await post_status(instance, http, "mayor", "The real one")
        status, _ = await next_event(ws, "update")
        assert status["id"] == posted["id"]


async def test_sse_public_local_stream(instance, http):
    # Given an SSE client on /api/v1/streaming/public/local
    await instance.create_account("mayor")
    async with http.session.get(
        instance.base_url + "/api/v1/streaming/public/local"
    ) as response:
        assert response.status == 200
        assert response.content_type == "text/event-stream"
        # When the mayor posts
        posted = await post_status(instance, http, "mayor", "Farmers market today")
        # Then an `update` event with the Status as data arrives
        event, data = await _read_sse_event(response)
        assert event == "update"
        assert json.loads(data)["id"] == posted["id"]


async def _read_sse_event(response: aiohttp.ClientResponse) -> tuple[str, str]:
    fields: dict[str, str] = {}
    while True:
        raw = await asyncio.wait_for(response.content.readline(), TIMEOUT)
        line = raw.decode().rstrip("\n")
        if line.startswith(":"):
            continue  # comments: the greeting and heartbeats
        if not line and fields:
            return fields["event"], fields["data"]
        if line:
            key, value = line.split(": ", 1)
            fields[key] = value


async def test_user_stream_needs_a_token_with_the_right_scope(instance, http):
    # Given an account whose token may only write
    await instance.create_account("resident")
    write_only = await instance.token("resident", scopes="write")
    # Then the SSE user stream refuses anonymous and under-scoped clients
    anonymous = await http.get("/api/v1/streaming/user")
    assert anonymous.status == 401
    assert anonymous.json() == {"error": "Missing access token"}
    scoped = await http.get("/api/v1/streaming/user", token=write_only)
    assert scoped.status == 401
    bad = await http.get("/api/v1/streaming/user", token="not-a-token")
    assert bad.status == 401
    # And the WebSocket handshake is refused too
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await http.session.ws_connect(ws_url(instance.base_url, "?stream=user"))
    assert refused.value.status == 401
    # And a subscription over an anonymous socket is answered with an error
    async with http.session.ws_connect(ws_url(instance.base_url)) as ws:
        await ws.send_json({"type": "subscribe", "stream": "user:notification"})
        assert await next_message(ws) == {
            "error": "Missing access token",
            "status": 401,
        }


async def test_health_and_unknown_streams(instance, http):
    health = await http.get("/api/v1/streaming/health")
    assert health.status == 200
    assert health.content_type == "text/plain"
    assert health.text == "OK"
    unknown = await http.get("/api/v1/streaming?stream=nonsense")
    assert unknown.status == 400
    no_tag = await http.get("/api/v1/streaming/hashtag")
    assert no_tag.status == 400
    assert no_tag.json() == {"error": "No tag for stream provided"}


# --- list streams -----------------------------------------------------------------


async def make_list(instance, http: Http, owner: str, *members: str) -> str:
    """`owner` follows `members` and lists them (replies policy "list")."""
    token = await instance.token(owner)
    for member in members:
        await follow(instance, http, owner, member)
    created = await http.post(
        "/api/v1/lists",
        token=token,
        json={"title": "Council", "replies_policy": "list"},
    )
    assert created.status == 200, created.text
    list_id = str(created.json()["id"])
    ids = [await account_id(http, m) for m in members]
    added = await http.post(
        f"/api/v1/lists/{list_id}/accounts", token=token, json={"account_ids": ids}
    )
    assert added.status == 200, added.text
    return list_id


async def test_list_stream_carries_what_the_list_timeline_shows(instance, http):
    # Given the resident's list holding the mayor, the clerk followed but not listed
    for name in ("mayor", "clerk", "resident"):
        await instance.create_account(name)
    list_id = await make_list(instance, http, "resident", "mayor")
    await follow(instance, http, "resident", "clerk")
    token = await instance.token("resident")
    async with http.session.ws_connect(
        ws_url(instance.base_url), headers={"Authorization": f"Bearer {token}"}
    ) as ws:
        await subscribe(ws, stream="list", list=list_id)
        # When the clerk posts, the mayor answers the clerk (a reply outside the
        # list), and then the mayor posts
        clerks = await post_status(instance, http, "clerk", "Minutes are up")
        await post_status(
            instance, http, "mayor", "@clerk thanks", in_reply_to_id=clerks["id"]
        )
        posted = await post_status(instance, http, "mayor", "Council agenda")
        # Then only the mayor's own post reaches the list's stream
        status, stream = await next_event(ws, "update")
        assert stream == ["list", list_id]
        assert status["id"] == posted["id"]
        # And the list timeline shows the same post
        timeline = await http.get(f"/api/v1/timelines/list/{list_id}", token=token)
        assert [s["id"] for s in timeline.json()] == [posted["id"]]
        # When the mayor deletes it
        await http.request(
            "DELETE",
            f"/api/v1/statuses/{posted['id']}",
            token=await instance.token("mayor"),
        )
        # Then the list's stream hears of it
        assert await next_message(ws) == {
            "stream": ["list", list_id],
            "event": "delete",
            "payload": posted["id"],
        }


async def test_sse_list_stream(instance, http):
    # Given an SSE client on the resident's list stream
    await instance.create_account("mayor")
    await instance.create_account("resident")
    list_id = await make_list(instance, http, "resident", "mayor")
    token = await instance.token("resident")
    async with http.session.get(
        instance.base_url + f"/api/v1/streaming/list?list={list_id}",
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        assert response.status == 200
        # When the listed mayor posts
        posted = await post_status(instance, http, "mayor", "Road closures")
        # Then an `update` event with the Status arrives
        event, data = await _read_sse_event(response)
        assert event == "update"
        assert json.loads(data)["id"] == posted["id"]


async def test_only_its_owner_may_stream_a_list(instance, http):
    # Given the resident's list, and another account
    await instance.create_account("mayor")
    await instance.create_account("resident")
    await instance.create_account("snoop")
    list_id = await make_list(instance, http, "resident", "mayor")
    snoop = await instance.token("snoop")
    # When the other account asks for that list's stream, or a missing list
    sse = await http.get(
        "/api/v1/streaming/list", token=snoop, params={"list": list_id}
    )
    missing = await http.get(
        "/api/v1/streaming/list", token=snoop, params={"list": "12345"}
    )
    # Then it is refused, over SSE and over the WebSocket
    assert sse.status == 401
    assert sse.json() == {"error": "Not authorized to stream this list"}
    assert missing.status == 401
    async with http.session.ws_connect(
        ws_url(instance.base_url), protocols=(snoop,)
    ) as ws:
        await ws.send_json({"type": "subscribe", "stream": "list", "list": list_id})
        assert await next_message(ws) == {
            "error": "Not authorized to stream this list",
            "status": 401,
        }


async def test_mastodon_py_stream_user(instance, http):
    # Given Mastodon.py streaming the user stream (over SSE) in a thread
    await instance.create_account("mayor")
    await instance.create_account("resident")
    await follow(instance, http, "resident", "mayor")
    client = Mastodon(
        access_token=await instance.token("resident"), api_base_url=instance.base_url
    )
    handle, listener = await asyncio.to_thread(open_user_stream, client)
    try:
        # When the mayor posts and mentions the resident
        posted = await post_status(instance, http, "mayor", "@resident see you there")
        # Then the listener gets the status and the notification
        await asyncio.to_thread(
            wait_for, lambda: listener.updates, TIMEOUT, "an update"
        )
        await asyncio.to_thread(
            wait_for, lambda: listener.notifications, TIMEOUT, "a mention"
        )
        assert str(listener.updates[0]["id"]) == posted["id"]
        assert listener.notifications[0]["type"] == "mention"
    finally:
        close_stream(handle)


async def test_events_cross_processes_on_postgresql(backend, make_db_url, tmp_path):
    if backend != "postgres":
        pytest.skip(
            "cross-process streaming uses PostgreSQL LISTEN/NOTIFY; "
            "SQLite deployments run one process"
        )
    # Given two `fedcity serve` processes of one instance on one database
    db_url = await make_db_url()
    a = CliInstance(tmp_path, "a", db_url)
    b = CliInstance(tmp_path, "b", db_url)
    b.config.write_text(
        b.config.read_text().replace(f'domain = "{b.domain}"', f'domain = "{a.domain}"')
    )
    await asyncio.to_thread(a.cli, "migrate")
    try:
        await asyncio.to_thread(a.start)
        await asyncio.to_thread(b.start)
        resident = await asyncio.to_thread(a.account, "resident")
        mayor = await asyncio.to_thread(a.account, "mayor")
        async with aiohttp.ClientSession() as session:
            # And a resident listening through process A
            async with session.ws_connect(
                f"ws://127.0.0.1:{a.port}/api/v1/streaming?stream=user",
                protocols=(resident,),
            ) as ws:
                await subscribe(ws, stream="public:local")
                # When the mayor posts through process B
                async with session.post(
                    f"http://127.0.0.1:{b.port}/api/v1/statuses",
                    headers={"Authorization": f"Bearer {mayor}"},
                    json={"status": "@resident posted through B"},
                ) as reply:
                    assert reply.status == 200, await reply.text()
                    posted = await reply.json()
                # Then process A streams the update and the notification
                heard = await next_events(ws, "update", "notification")
                status, stream = heard["update"]
                assert stream == ["public:local"]
                assert status["id"] == posted["id"]
                notification, stream = heard["notification"]
                assert stream == ["user"]
                assert notification["status"]["id"] == posted["id"]
            # And the account is the same one whichever process is asked
            assert posted["account"]["id"] == await account_id(
                Http(session, f"http://127.0.0.1:{a.port}"), "mayor"
            )
            # And a server with an open stream still stops promptly
            async with session.ws_connect(
                f"ws://127.0.0.1:{b.port}/api/v1/streaming?stream=public"
            ) as open_ws:
                started = time.monotonic()
                await asyncio.to_thread(b.stop)
                assert time.monotonic() - started < 5
                closing = await asyncio.wait_for(open_ws.receive(), TIMEOUT)
                assert closing.type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSED,
                    aiohttp.WSMsgType.CLOSING,
                )
    finally:
        await asyncio.to_thread(b.stop)
        await asyncio.to_thread(a.stop)
