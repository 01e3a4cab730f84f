"""A fedcity account in a remote, Lemmy-shaped community (issue 13), end to end:
the community is a loopback peer serving Lemmy's own Group document and signing
what it sends; the member uses the Mastodon API. Joining, reading the threads in
the home timeline as boosts by the group, replying and posting to it, and the
community's moderation (Lock, Block) as the member's instance applies it."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from fedcity.storage.models import Follow
from fedcity.storage.queries import actors as actor_q
from tests.support.http import Http, follow, post_status
from tests.support.remote import Received, RemoteServer
from tests.support.threadiverse import (
    LEMMY,
    PUBLIC,
    announce,
    assert_all_done,
    bans_of,
    load,
    relocate,
    send,
    serve_actor,
    threads_of,
)

pytestmark = pytest.mark.usefixtures("backend")


def community(remote: RemoteServer) -> str:
    """Lemmy's Group document (featured, moderators, postingRestrictedToMods),
    served by the peer as `housing`; its URI."""
    text = json.dumps(
        relocate(
            load(f"{LEMMY}/objects/group.json"),
            {"enterprise.lemmy.ml": remote.base_url},
        )
    )
    doc = json.loads(text.replace("tenforward", "housing"))
    serve_actor(remote, doc["id"], "Group", **doc)
    return str(doc["id"])


def lemmy_post(remote: RemoteServer, path: str, author: str, **fields: Any) -> dict:
    """A Page or comment as Lemmy writes one, to the community and Public."""
    group = f"{remote.base_url}/c/housing"
    uri = f"{remote.base_url}{path}"
    return {
        "id": uri,
        "attributedTo": f"{remote.base_url}/u/{author}",
        "to": [group, PUBLIC],
        "audience": group,
        "mediaType": "text/html",
        "context": f"{uri}/context",
        "published": "2025-01-20T10:00:00Z",
        **fields,
    }


def create(post: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{post['id']}/create",
        "type": "Create",
        "actor": post["attributedTo"],
        "to": post["to"],
        "object": post,
        "audience": post["audience"],
    }


def delivered(remote: RemoteServer, kind: str, path: str) -> list[Received]:
    return [r for r in remote.received if r.body.get("type") == kind and r.path == path]


async def test_a_member_joins_reads_replies_and_is_moderated_in_a_lemmy_community(
    instance, remote
):
    # Given a Lemmy community with a moderator and two members, and the mayor here
    group = community(remote)
    for name in ("picard", "riker", "mod"):
        serve_actor(remote, f"{remote.base_url}/u/{name}")
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    async with aiohttp.ClientSession() as client:
        http = Http(client, instance.base_url)
        # When the mayor follows it from a Mastodon app
        await follow(instance, http, "mayor", f"housing@{remote.domain}")
        await instance.run_jobs()
        # Then the Follow reaches the community, which accepts it (Lemmy's Accept
        # embeds the Follow)
        [sent] = [r.body for r in remote.received if r.body["type"] == "Follow"]
        assert sent["object"] == group
        accept = relocate(
            load(f"{LEMMY}/activities/following/accept.json"),
            {"enterprise.lemmy.ml": remote.base_url},
        )
        accept.update(actor=group, to=[sent["actor"]], object=sent)
        accept["id"] = f"{remote.base_url}/activities/accept/1"
        await send(instance, remote, accept)
        assert await follow_state(instance, "mayor", group) == "accepted"
        # When the community relays a thread: a Page, and a comment on it
        page = lemmy_post(
            remote,
            "/post/1",
            "picard",
            type="Page",
            name="Shared housing data",
            content="<p>Who has vacancy numbers by district?</p>",
        )
        comment = lemmy_post(
            remote,
            "/comment/1",
            "riker",
            type="Note",
            inReplyTo=page["id"],
            content="<p>We publish ours monthly.</p>",
        )
        await send(
            instance,
            remote,
            announce(group, create(page)),
            announce(group, create(comment)),
        )
        # Then both show in the mayor's home timeline as boosts by the community
        home = await http.get("/api/v1/timelines/home", token=token)
        assert home.status == 200, home.text
        statuses = home.json()
        assert [s["reblog"]["uri"] for s in statuses] == [comment["id"], page["id"]]
        assert {s["account"]["acct"] for s in statuses} == {f"housing@{remote.domain}"}
        assert all(s["account"]["group"] for s in statuses)
        # And they are one thread of the community, with its context
        [thread] = await threads_of(instance, group)
        assert thread.posts_count == 2
        assert thread.context_uri == f"{page['id']}/context"
        # When the mayor replies to the comment from the app
        await post_status(
            instance,
            http,
            "mayor",
            "Ours too, on the open data portal.",
            in_reply_to_id=statuses[0]["reblog"]["id"],
        )
        # And posts to the community by mentioning it
        await post_status(
            instance, http, "mayor", f"@housing@{remote.domain} Next call on Friday?"
        )
        await instance.run_jobs()
    # Then both reach the community's inbox addressed to it (audience, to), the
    # reply with the context of the comment as it was received
    reply, mention = (
        r.body["object"] for r in delivered(remote, "Create", "/c/housing/inbox")
    )
    for note in (reply, mention):
        assert note["audience"] == group
        assert group in note["to"]
    assert reply["inReplyTo"] == comment["id"]
    assert reply["context"] == comment["context"]
    assert "context" not in mention
    # When a moderator locks the thread and bans the mayor, through the community
    mod = f"{remote.base_url}/u/mod"
    lock = {
        "id": f"{mod}/lock/1",
        "type": "Lock",
        "actor": mod,
        "object": page["id"],
        "to": [PUBLIC],
        "cc": [group],
        "audience": group,
    }
    ban = {
        "id": f"{mod}/block/1",
        "type": "Block",
        "actor": mod,
        "object": sent["actor"],
        "target": group,
        "to": [PUBLIC],
        "cc": [group],
        "audience": group,
        "summary": "Campaigning in a working group",
        "endTime": "2030-01-01T00:00:00Z",
    }
    await send(instance, remote, announce(group, lock), announce(group, ban))
    # Then the thread is locked here and the ban is recorded
    [thread] = await threads_of(instance, group)
    assert thread.locked_at is not None
    bans = await bans_of(instance, group)
    assert bans[sent["actor"]].reason == "Campaigning in a working group"
    assert bans[sent["actor"]].expires_at is not None
    await assert_all_done(instance)


async def follow_state(instance, name: str, target: str) -> str | None:
    async with instance.db.session() as session:
        follower = await actor_q.get_local_actor(session, name)
        group = await actor_q.get_actor_by_uri(session, target)
        assert follower is not None
        assert group is not None
        row = await actor_q.get_follow(session, follower.id, group.id)
    return row.state if isinstance(row, Follow) else None
