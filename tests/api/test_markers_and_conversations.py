"""Markers (saved reading positions) and direct-message conversations."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def test_marker_is_saved_and_read_back(instance, http):
    # Given a reader and a post in its home
    await instance.create_account("reader")
    client = api(instance, await instance.token("reader"))
    status = await post_status(instance, http, "reader", "hello")
    # When it saves its home position
    saved = await asyncio.to_thread(client.markers_set, ["home"], [status["id"]])
    # Then the marker is read back with version 1 and a timestamp
    markers = await asyncio.to_thread(client.markers_get, ["home", "notifications"])
    assert saved["home"]["last_read_id"] == status["id"]
    assert str(markers["home"]["last_read_id"]) == status["id"]
    assert markers["home"]["version"] == 1
    assert markers["home"]["updated_at"] is not None
    assert "notifications" not in markers


async def test_saving_a_marker_again_increments_its_version(instance, http):
    # Given a saved notifications marker
    await instance.create_account("reader")
    token = await instance.token("reader")
    form = {"notifications[last_read_id]": "100"}
    await http.post("/api/v1/markers", token=token, data=form)
    # When it is saved again (as JSON)
    reply = await http.post(
        "/api/v1/markers",
        token=token,
        json={"notifications": {"last_read_id": "200"}},
    )
    # Then the version went up
    assert reply.json()["notifications"]["last_read_id"] == "200"
    assert reply.json()["notifications"]["version"] == 2


async def test_marker_without_a_timeline_is_refused(instance, http):
    # Given a reader
    await instance.create_account("reader")
    # When it posts no timeline position
    reply = await http.post(
        "/api/v1/markers", token=await instance.token("reader"), json={}
    )
    # Then it is a validation error
    assert reply.status == 422


async def test_direct_messages_form_one_conversation(instance, http):
    # Given alice writes bob a direct message, and bob replies
    await instance.create_account("alice")
    await instance.create_account("bob")
    first = await post_status(instance, http, "alice", "@bob hi", visibility="direct")
    reply = await post_status(
        instance,
        http,
        "bob",
        "@alice hello",
        visibility="direct",
        in_reply_to_id=first["id"],
    )
    # When alice lists her conversations
    alice = api(instance, await instance.token("alice"))
    conversations = await asyncio.to_thread(alice.conversations)
    # Then there is one, unread, with bob and his reply as the last status
    assert len(conversations) == 1
    assert conversations[0]["unread"] is True
    assert [a["acct"] for a in conversations[0]["accounts"]] == ["bob"]
    assert conversations[0]["last_status"]["id"] == reply["id"]


async def test_own_last_message_leaves_the_conversation_read(instance, http):
    # Given alice wrote the last message
    await instance.create_account("alice")
    await instance.create_account("bob")
    await post_status(instance, http, "alice", "@bob hi", visibility="direct")
    # When alice lists her conversations
    alice = api(instance, await instance.token("alice"))
    conversations = await asyncio.to_thread(alice.conversations)
    # Then it is not unread
    assert conversations[0]["unread"] is False


async def test_reading_a_conversation_marks_it_read(instance, http):
    # Given bob has an unread message from alice
    await instance.create_account("alice")
    await instance.create_account("bob")
    await post_status(instance, http, "alice", "@bob hi", visibility="direct")
    bob = api(instance, await instance.token("bob"))
    conversation = (await asyncio.to_thread(bob.conversations))[0]
    # When bob marks it read
    answered = await asyncio.to_thread(bob.conversations_read, conversation["id"])
    # Then it stays read
    assert answered["unread"] is False
    assert (await asyncio.to_thread(bob.conversations))[0]["unread"] is False


async def test_marking_read_answers_the_whole_conversation(instance, http):
    # Given bob has an unread message from alice
    await instance.create_account("alice")
    await instance.create_account("bob")
    sent = await post_status(instance, http, "alice", "@bob hi", visibility="direct")
    bob = await instance.token("bob")
    listed = await http.get("/api/v1/conversations", token=bob)
    conversation = listed.json()[0]
    # When bob marks it read over HTTP
    answer = await http.post(
        f"/api/v1/conversations/{conversation['id']}/read", token=bob
    )
    # Then the answer is the conversation, read, with alice and her message
    assert answer.json()["id"] == conversation["id"]
    assert answer.json()["unread"] is False
    assert [a["acct"] for a in answer.json()["accounts"]] == ["alice"]
    assert answer.json()["last_status"]["id"] == sent["id"]


async def test_deleted_conversation_returns_with_a_new_message(instance, http):
    # Given bob removed his conversation with alice
    await instance.create_account("alice")
    await instance.create_account("bob")
    first = await post_status(instance, http, "alice", "@bob hi", visibility="direct")
    bob = api(instance, await instance.token("bob"))
    conversation = (await asyncio.to_thread(bob.conversations))[0]
    # (Mastodon.py has no call for DELETE /api/v1/conversations/:id)
    deleted = await http.request(
        "DELETE",
        f"/api/v1/conversations/{conversation['id']}",
        token=await instance.token("bob"),
    )
    assert deleted.status == 200
    assert await asyncio.to_thread(bob.conversations) == []
    # When alice writes again in the thread
    again = await post_status(
        instance,
        http,
        "alice",
        "@bob still there?",
        visibility="direct",
        in_reply_to_id=first["id"],
    )
    # Then the conversation is back, unread, with the same id
    back = await asyncio.to_thread(bob.conversations)
    assert [c["id"] for c in back] == [conversation["id"]]
    assert back[0]["unread"] is True
    assert back[0]["last_status"]["id"] == again["id"]


async def test_others_conversation_is_not_found(instance, http):
    # Given a conversation between alice and bob
    await instance.create_account("alice")
    await instance.create_account("bob")
    await instance.create_account("eve")
    status = await post_status(instance, http, "alice", "@bob hi", visibility="direct")
    # When eve tries to mark it read
    reply = await http.post(
        f"/api/v1/conversations/{status['id']}/read",
        token=await instance.token("eve"),
    )
    # Then it does not exist for her
    assert reply.status == 404
