"""Polls over ActivityPub, in Mastodon's shapes: a Question goes out to followers,
remote votes (Create of a named Note) come in and bring an Update{Question}, local
votes in remote polls go to the poll's author, and the end is announced."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from mastodon import Mastodon
from sqlalchemy import func, select, update

from fedcity.storage.models import Job, Notification, Poll, Post, PostEdit
from fedcity.storage.queries.polls import get_poll_by_post_id
from fedcity.storage.queries.posts import get_post_by_uri
from fedcity.storage.types import utcnow

pytestmark = pytest.mark.usefixtures("backend")

AS = "https://www.w3.org/ns/activitystreams"


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def send(instance, remote, activity: dict[str, Any], inbox: str = "") -> None:
    status, _ = await remote.send(inbox or f"{instance.base_url}/inbox", activity)
    assert status == 202
    await instance.run_jobs()


async def follow(instance, remote, actor, name: str) -> None:
    await send(
        instance,
        remote,
        {
            "@context": AS,
            "id": remote.activity_id(f"follow-{actor.name}"),
            "type": "Follow",
            "actor": actor.uri,
            "object": instance.fed.urls.actor(name),
        },
        f"{instance.base_url}/users/{name}/inbox",
    )


async def make_due(instance, kind: str) -> None:
    """Bring pending jobs of `kind` forward (debounced updates, a poll's end)."""
    async with instance.db.session() as session:
        await session.execute(
            update(Job)
            .where(Job.kind == kind, Job.state == "pending")
            .values(next_attempt_at=utcnow())
        )


async def end_poll(instance, poll_id: str) -> None:
    async with instance.db.session() as session:
        await session.execute(
            update(Poll).where(Poll.id == int(poll_id)).values(expires_at=utcnow())
        )
    await make_due(instance, "close_poll")


async def mayor_poll(instance, *options: str, **kw: Any) -> tuple[Mastodon, dict]:
    await instance.create_account("mayor")
    mayor = api(instance, await instance.token("mayor"))
    poll = mayor.make_poll(list(options), expires_in=3600, **kw)
    status = await asyncio.to_thread(
        mayor.status_post, "Which day for the budget hearing?", poll=poll
    )
    return mayor, status


def vote_note(remote, voter, question_uri: str, author_uri: str, title: str, n=1):
    note_id = f"{voter.uri}#votes/{n}"
    return {
        "@context": AS,
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": voter.uri,
        "to": author_uri,
        "object": {
            "id": note_id,
            "type": "Note",
            "name": title,
            "attributedTo": voter.uri,
            "to": author_uri,
            "inReplyTo": question_uri,
        },
    }


def sent(remote, kind: str, object_type: str) -> list[dict[str, Any]]:
    return [
        r.body
        for r in remote.received
        if r.body.get("type") == kind
        and isinstance(r.body.get("object"), dict)
        and r.body["object"].get("type") == object_type
    ]


async def test_followers_receive_the_poll_as_a_question(instance, remote):
    # Given a remote resident following the mayor
    resident = remote.add_actor("resident")
    await instance.create_account("mayor")
    await follow(instance, remote, resident, "mayor")
    mayor = api(instance, await instance.token("mayor"))
    # When the mayor posts a poll
    poll = mayor.make_poll(["Tuesday", "Thursday"], expires_in=3600)
    await asyncio.to_thread(mayor.status_post, "Hearing day?", poll=poll)
    await instance.run_jobs()
    # Then the follower's server receives a Create of a Question in Mastodon's shape
    [create] = sent(remote, "Create", "Question")
    question = create["object"]
    assert question["oneOf"] == [
        {
            "type": "Note",
            "name": "Tuesday",
            "replies": {"type": "Collection", "totalItems": 0},
        },
        {
            "type": "Note",
            "name": "Thursday",
            "replies": {"type": "Collection", "totalItems": 0},
        },
    ]
    assert "anyOf" not in question
    assert question["endTime"].endswith("Z")
    assert question["votersCount"] == 0
    assert "closed" not in question


async def test_remote_vote_counts_and_brings_an_update(instance, remote):
    # Given the mayor's poll, followed from the remote server
    follower = remote.add_actor("resident")
    voter = remote.add_actor("neighbour")
    await instance.create_account("mayor")
    await follow(instance, remote, follower, "mayor")
    mayor = api(instance, await instance.token("mayor"))
    poll = mayor.make_poll(["Tuesday", "Thursday"], expires_in=3600)
    status = await asyncio.to_thread(mayor.status_post, "Hearing day?", poll=poll)
    await instance.run_jobs()
    author = instance.fed.urls.actor("mayor")
    # When a remote account votes the way Mastodon does
    vote = vote_note(remote, voter, status["uri"], author, "Thursday")
    await send(instance, remote, vote, f"{instance.base_url}/users/mayor/inbox")
    # Then the vote is counted and not stored as a reply
    seen = await asyncio.to_thread(mayor.poll, status["poll"]["id"])
    assert [o["votes_count"] for o in seen["options"]] == [0, 1]
    assert seen["voters_count"] == 1
    async with instance.db.session() as session:
        assert await get_post_by_uri(session, vote["object"]["id"]) is None
    replies = await asyncio.to_thread(mayor.status_context, status["id"])
    assert replies["descendants"] == []
    # And once the debounced update is due, followers and voters get new counts
    await make_due(instance, "federate")
    await instance.run_jobs()
    [update_doc] = sent(remote, "Update", "Question")
    totals = [o["replies"]["totalItems"] for o in update_doc["object"]["oneOf"]]
    assert totals == [0, 1]
    assert update_doc["object"]["votersCount"] == 1
    assert update_doc["id"] != f"{status['uri']}/activity"


async def test_second_remote_vote_in_a_single_choice_poll_is_dropped(instance, remote):
    # Given a remote account that voted in the mayor's poll
    voter = remote.add_actor("neighbour")
    _, status = await mayor_poll(instance, "Tuesday", "Thursday")
    author = instance.fed.urls.actor("mayor")
    first = vote_note(remote, voter, status["uri"], author, "Tuesday", 1)
    await send(instance, remote, first)
    # When it votes again, for the other option, and replays the first vote
    await send(
        instance, remote, vote_note(remote, voter, status["uri"], author, "Thursday", 2)
    )
    # Then only the first vote counts
    async with instance.db.session() as session:
        post = await get_post_by_uri(session, status["uri"])
        poll = await get_poll_by_post_id(session, post.id)
    assert poll.votes_counts == [1, 0]
    assert poll.voters_count == 1


async def remote_question(instance, remote, author, **extra: Any) -> dict[str, Any]:
    question = {
        "id": f"{author.uri}/statuses/9001",
        "type": "Question",
        "attributedTo": author.uri,
        "content": "<p>Should the library open on Sundays?</p>",
        "published": "2026-11-23T08:00:00Z",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{author.uri}/followers"],
        "endTime": "2099-01-01T00:00:00Z",
        "votersCount": 3,
        "oneOf": [
            {
                "type": "Note",
                "name": "Yes",
                "replies": {"type": "Collection", "totalItems": 2},
            },
            {
                "type": "Note",
                "name": "No",
                "replies": {"type": "Collection", "totalItems": 1},
            },
        ],
        **extra,
    }
    await send(
        instance,
        remote,
        {
            "@context": AS,
            "id": f"{question['id']}/activity",
            "type": "Create",
            "actor": author.uri,
            "to": question["to"],
            "cc": question["cc"],
            "object": question,
        },
    )
    return question


async def status_id_of(instance, uri: str) -> str:
    async with instance.db.session() as session:
        post = await get_post_by_uri(session, uri)
    assert post is not None
    return str(post.id)


async def test_remote_question_is_stored_with_its_poll(instance, remote):
    # Given a remote librarian
    librarian = remote.add_actor("librarian")
    await instance.create_account("clerk")
    clerk = api(instance, await instance.token("clerk"))
    # When the librarian's Question arrives
    question = await remote_question(instance, remote, librarian)
    # Then the status has its poll with the remote counts
    status = await asyncio.to_thread(
        clerk.status, await status_id_of(instance, question["id"])
    )
    poll = status["poll"]
    assert [(o["title"], o["votes_count"]) for o in poll["options"]] == [
        ("Yes", 2),
        ("No", 1),
    ]
    assert poll["voters_count"] == 3
    assert poll["expired"] is False
    assert poll["voted"] is False


async def test_update_of_a_remote_question_refreshes_the_counts(instance, remote):
    # Given a stored remote Question
    librarian = remote.add_actor("librarian")
    question = await remote_question(instance, remote, librarian)
    # When its server sends new counts, as Mastodon does
    refreshed = {
        **question,
        "votersCount": 5,
        "closed": "2026-11-23T09:00:00Z",
        "oneOf": [
            {
                "type": "Note",
                "name": "Yes",
                "replies": {"type": "Collection", "totalItems": 4},
            },
            {
                "type": "Note",
                "name": "No",
                "replies": {"type": "Collection", "totalItems": 1},
            },
        ],
    }
    await send(
        instance,
        remote,
        {
            "@context": AS,
            "id": f"{question['id']}#updates/1",
            "type": "Update",
            "actor": librarian.uri,
            "object": refreshed,
        },
    )
    # Then the poll has the new counts and is closed, and no edit was recorded
    async with instance.db.session() as session:
        post = await session.scalar(select(Post).where(Post.uri == question["id"]))
        poll = await get_poll_by_post_id(session, post.id)
        edits = await session.scalar(
            select(func.count())
            .select_from(PostEdit)
            .where(PostEdit.post_id == post.id)
        )
    assert poll.votes_counts == [4, 1]
    assert poll.voters_count == 5
    assert poll.closed_at is not None
    assert post.edited_at is None
    assert edits == 0


async def test_local_vote_in_a_remote_poll_goes_to_its_author(instance, remote):
    # Given a remote Question and a local clerk
    librarian = remote.add_actor("librarian")
    await instance.create_account("clerk")
    clerk = api(instance, await instance.token("clerk"))
    question = await remote_question(instance, remote, librarian)
    status = await asyncio.to_thread(
        clerk.status, await status_id_of(instance, question["id"])
    )
    # When the clerk votes "No"
    poll = await asyncio.to_thread(clerk.poll_vote, status["poll"]["id"], [1])
    await instance.run_jobs()
    # Then it counts here at once
    assert [o["votes_count"] for o in poll["options"]] == [2, 2]
    assert poll["own_votes"] == [1]
    # And the librarian's inbox receives Mastodon's vote: a Create of a named Note
    [received] = [r for r in remote.received if r.body.get("type") == "Create"]
    assert received.path == "/users/librarian/inbox"
    note = received.body["object"]
    clerk_uri = instance.fed.urls.actor("clerk")
    assert note["type"] == "Note"
    assert note["name"] == "No"
    assert note["inReplyTo"] == question["id"]
    assert note["attributedTo"] == clerk_uri
    assert note["to"] == [librarian.uri]
    assert note["id"].startswith(f"{clerk_uri}#votes/")
    assert received.body["actor"] == clerk_uri


async def test_poll_end_sends_final_counts_and_notifies(instance, remote):
    # Given the mayor's poll, a remote follower and a local clerk who voted
    follower = remote.add_actor("resident")
    mayor, status = await mayor_poll(instance, "Tuesday", "Thursday")
    await follow(instance, remote, follower, "mayor")
    await instance.create_account("clerk")
    clerk = api(instance, await instance.token("clerk"))
    await asyncio.to_thread(clerk.poll_vote, status["poll"]["id"], [0])
    await instance.run_jobs()
    remote.received.clear()
    # When the poll's end comes and its close job runs
    await end_poll(instance, status["poll"]["id"])
    await instance.run_jobs()
    # Then the follower's server gets the final, closed Question
    [final] = sent(remote, "Update", "Question")
    assert "closed" in final["object"]
    assert [o["replies"]["totalItems"] for o in final["object"]["oneOf"]] == [1, 0]
    # And the voter and the author are notified that the poll ended
    for client in (clerk, mayor):
        notes = await asyncio.to_thread(client.notifications, types=["poll"])
        assert [n["type"] for n in notes] == ["poll"]
        assert notes[0]["status"]["poll"]["expired"] is True
    async with instance.db.session() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.type == "poll")
        )
    assert count == 2
