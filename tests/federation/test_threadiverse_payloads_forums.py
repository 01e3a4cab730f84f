"""NodeBB, Discourse, Mbin, PieFed and Mastodon shapes relayed by groups, applied on
a member's instance (issue 13; Lemmy's are in test_threadiverse_payloads.py):
what a Discourse forum received from a NodeBB category, Mbin's own snapshots of
what a magazine sends, a Mastodon reply relayed by a PieFed community, and a
relayed post that carries its author's FEP-8b32 proof."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.integrity.multikey import multikey_document
from fedcity.federation.integrity.proofs import DATA_INTEGRITY_CONTEXT, sign
from tests.support.remote import RemoteServer
from tests.support.threadiverse import (
    FIXTURES,
    PUBLIC,
    announce,
    assert_all_done,
    bans_of,
    boosts_by,
    carried_posts,
    load,
    ordered,
    relocate,
    send,
    serve_actor,
    stored_post,
    threads_of,
    unscrub,
)

pytestmark = pytest.mark.usefixtures("backend")

NODEBB = "discourse-activity-pub-fixtures/integration"
MBIN = "mbin-json-snapshots"


@pytest.fixture
async def elsewhere(aiohttp_server) -> RemoteServer:
    """A second peer: every origin but the group's."""
    server = RemoteServer()
    await server.start(aiohttp_server)
    return server


# Hosts of vocabularies, not of servers: never rewritten.
VOCABULARIES = frozenset({"www.w3.org", "w3id.org", "joinmastodon.org", "ostatus.org"})


def hosts_in(doc: Any) -> set[str]:
    found = set(re.findall(r"https?://([^/\"#]+)", json.dumps(doc)))
    return found - VOCABULARIES


# --- NodeBB, as a Discourse forum received it ------------------------------------


@pytest.mark.parametrize(
    ("case", "topic", "likes"),
    [("case_1", "/topic/18563", 4), ("case_2", "/topic/18591", 2)],
)
async def test_a_nodebb_topic_relayed_in_two_shapes_is_one_post_and_one_boost(
    instance, remote, elsewhere, case, topic, likes
):
    # Given the NodeBB category on one peer and everyone else on another
    paths = ordered((FIXTURES / NODEBB / case).glob("received_*.json"))
    raw = [load(str(p.relative_to(FIXTURES))) for p in paths]
    origins = {host: elsewhere.base_url for doc in raw for host in hosts_in(doc)}
    origins["community.nodebb.org"] = remote.base_url
    received = relocate(raw, origins)
    group_doc = relocate(load(f"{NODEBB}/{case}/group_actor.json"), origins)
    serve_actor(remote, group_doc["id"], "Group", **group_doc)
    for doc in received:
        inner = doc["object"]
        serve_actor(remote, inner.get("attributedTo") or inner["actor"])
        if inner["type"] == "Like":
            serve_actor(elsewhere, inner["actor"])
    # When every Announce arrives in the order NodeBB sent them: the Create, the
    # Note again and again (Announce(Note), Mastodon's boost), and likes
    await send(instance, remote, *received)
    await assert_all_done(instance)
    # Then the topic's post is stored once, as relayed by its own server
    note_uri = next(
        d["object"]["id"] for d in received if d["object"]["type"] == "Note"
    )
    post = await stored_post(instance, note_uri)
    assert "/post/" in note_uri
    assert note_uri.removeprefix(remote.base_url) not in remote.gets
    # And it is one thread of the category, whose context is the topic (FEP-7888)
    [thread] = await threads_of(instance, group_doc["id"])
    assert thread.root_post_id == post.id
    assert thread.context_uri == f"{remote.base_url}{topic}"
    assert len(await carried_posts(instance, group_doc["id"])) == 1
    # And one boost by the category, however many announces; each like counts
    assert [b.reblog_of_id for b in await boosts_by(instance, group_doc["id"])] == [
        post.id
    ]
    assert post.favourites_count == likes


@pytest.mark.parametrize(
    ("path", "host"),
    [
        ("lemmy-assets/nodebb/objects/group.json", "bb.devnull.land"),
        ("lemmy-assets/discourse/objects/group.json", "socialhub.activitypub.rocks"),
        (f"{NODEBB}/case_1/group_actor.json", "community.nodebb.org"),
    ],
)
async def test_forum_categories_are_groups(instance, remote, path, host):
    # Given a NodeBB or Discourse category's actor document, served by its origin
    doc = relocate(load(path), {host: remote.base_url})
    serve_actor(remote, doc["id"], "Group", **doc)
    # When it is fetched
    async with instance.db.session() as session:
        group = await get_or_fetch_actor(instance.fed, session, doc["id"])
    # Then it is a Group under its own name
    assert group.actor_type == "Group"
    assert group.username == doc["preferredUsername"]
    assert group.display_name == doc["name"]


# --- Mbin -----------------------------------------------------------------------


class Mbin:
    def __init__(self, remote: RemoteServer) -> None:
        self.base = remote.base_url
        self.remote = remote
        self.magazine = f"{self.base}/m/test"
        self.entry = f"{self.base}/m/test/t/1/test"
        self.comment = f"{self.base}/m/test/t/1/-/comment/2"
        serve_actor(
            remote,
            self.magazine,
            "Group",
            featured=f"{self.magazine}/pinned",
            moderators=f"{self.magazine}/moderators",
        )
        for user in ("user", "user2", "owner"):
            serve_actor(remote, f"{self.base}/u/{user}")

    def doc(self, test: str, **ids: str) -> dict[str, Any]:
        """Mbin's snapshot `test` at the peer's origin, its ids put back."""
        name = f"{MBIN}/{test}__1.json"
        doc = relocate(load(name), {"kbin.test": self.base})
        return dict(
            unscrub(doc, post=ids.pop("post", self.entry), base=self.base, **ids)
        )


async def test_an_mbin_magazine_thread_and_its_moderation(instance, remote):
    # Given Mbin's magazine, its owner (a moderator) and two users
    mbin = Mbin(remote)

    async def apply(test: str, **ids: str) -> None:
        await send(instance, remote, mbin.doc(f"AnnounceTest__test{test}", **ids))

    async def thread():
        [only] = await threads_of(instance, mbin.magazine)
        return only

    # When the magazine relays a thread (an entry, a Page) and a comment on it
    await apply("AnnounceCreateEntry")
    await apply("AnnounceCreateEntryComment", post=mbin.comment, parent=mbin.entry)
    # Then they form one thread, rooted at the entry, taken as relayed (the
    # magazine's server is their origin)
    entry = await stored_post(instance, mbin.entry)
    assert entry.object_type == "Page"
    assert (await thread()).root_post_id == entry.id
    assert (await thread()).posts_count == 2
    # When the entry is edited, liked and the like undone
    await apply("AnnounceUpdateEntry")
    await apply("AnnounceLikeEntry")
    assert (await stored_post(instance, mbin.entry)).favourites_count == 1
    await apply("AnnounceUndoLikeEntry")
    # Then the edit shows and the like no longer counts
    entry = await stored_post(instance, mbin.entry)
    assert entry.edited_at is not None
    assert entry.favourites_count == 0
    # When the owner pins the entry (Mbin's featured is …/pinned), then unpins it
    await apply("AnnounceAddPinnedPost")
    assert (await thread()).pinned_at is not None
    await apply("AnnounceRemovePinnedPost")
    assert (await thread()).pinned_at is None
    # When the owner locks it (Mbin's Lock, relayed by the magazine)
    lock = mbin.doc("LockTest__testLockEntryByModerator")
    await send(instance, remote, announce(mbin.magazine, lock))
    assert (await thread()).locked_at is not None
    # When the owner bans user2, with a reason, and lifts the ban
    user2 = f"{mbin.base}/u/user2"
    await apply("AnnounceBlockUser", target=user2)
    assert (await bans_of(instance, mbin.magazine))[user2].reason == "some test"
    await apply("AnnounceUndoBlockUser", target=user2)
    assert await bans_of(instance, mbin.magazine) == {}
    # When the owner removes the comment, and the author deletes the entry
    await apply("AnnounceDeleteEntryCommentByModerator", post=mbin.comment)
    await apply("AnnounceDeleteEntry")
    # Then both are gone here, the comment marked removed in the thread
    assert (await stored_post(instance, mbin.comment)).deleted_at is not None
    assert (await stored_post(instance, mbin.entry)).deleted_at is not None
    removed = [c for c in await carried_posts(instance, mbin.magazine) if c.removed_at]
    assert len(removed) == 2
    await assert_all_done(instance)


MBIN_ANNOUNCES = sorted(
    p.name.removesuffix("__1.json")
    for p in (FIXTURES / MBIN).glob("AnnounceTest__*.json")
)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("test", MBIN_ANNOUNCES)
async def test_every_mbin_announce_is_applied_or_dropped(instance, remote, test):
    # Given the magazine's thread
    mbin = Mbin(remote)
    await send(instance, remote, mbin.doc("AnnounceTest__testAnnounceCreateEntry"))
    # When Mbin's announce arrives (a user's or the magazine's id where it acts
    # on one)
    ids = {"target": f"{mbin.base}/u/user2"} if "User" in test else {}
    if test.endswith("UpdateMagazine"):
        ids = {"target": mbin.magazine}
    await send(instance, remote, mbin.doc(test, **ids))
    # Then it was applied or dropped, never failed
    await assert_all_done(instance)


# --- PieFed relaying a Mastodon reply; a relayed post with a proof ----------------


async def test_a_mastodon_reply_relayed_by_a_piefed_community_is_fetched(
    instance, remote, elsewhere
):
    # Given a PieFed community, and a Mastodon reply on another server
    community = f"{remote.base_url}/c/civic"
    serve_actor(remote, community, "Group")
    origins = {"mastodon.madrid": elsewhere.base_url, "mamot.fr": elsewhere.base_url}
    note = relocate(load("lemmy-assets/mastodon/objects/note_1.json"), origins)
    serve_actor(elsewhere, note["attributedTo"])
    elsewhere.put_object(note)
    create = relocate(
        load("lemmy-assets/mastodon/activities/create_note.json"), origins
    )
    # And PieFed's relay: the inner activity without its @context, and (here) a
    # forged text that the origin does not serve
    del create["@context"]
    create["object"]["content"] = "<p>forged</p>"
    # When the community relays it
    await send(instance, remote, announce(community, create))
    # Then the reply is stored as its own server serves it
    post = await stored_post(instance, note["id"])
    assert "thinkpad" in post.content
    # And it roots its thread here: what it answers could not be fetched
    [thread] = await threads_of(instance, community)
    assert thread.root_post_id == post.id
    assert [b.reblog_of_id for b in await boosts_by(instance, community)] == [post.id]
    await assert_all_done(instance)


def author_with_key(server: RemoteServer, key: Ed25519PrivateKey) -> str:
    """An author on `server` who lists `key` in assertionMethod (FEP-521a)."""
    uri = f"{server.base_url}/users/councillor"
    method = multikey_document(f"{uri}#ed25519-key", uri, key.public_key())
    context = [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    server.add_actor("councillor", assertionMethod=[method], **{"@context": context})
    return uri


def signed_create(author: str, key: Ed25519PrivateKey, text: str) -> dict[str, Any]:
    note = {
        "id": f"{author}/statuses/1",
        "type": "Note",
        "attributedTo": author,
        "to": [PUBLIC],
        "content": text,
        "published": "2025-01-20T10:00:00Z",
    }
    create = {
        "@context": ["https://www.w3.org/ns/activitystreams", DATA_INTEGRITY_CONTEXT],
        "id": f"{author}/statuses/1/activity",
        "type": "Create",
        "actor": author,
        "to": [PUBLIC],
        "object": note,
    }
    return sign(create, key, f"{author}#ed25519-key")


@pytest.mark.parametrize("altered", [False, True])
async def test_a_relayed_post_with_its_authors_proof_needs_no_fetch(
    instance, remote, elsewhere, altered
):
    # Given a group, and an author elsewhere who signs with an Ed25519 key
    key = Ed25519PrivateKey.generate()
    author = author_with_key(elsewhere, key)
    group = f"{remote.base_url}/c/council"
    serve_actor(remote, group, "Group")
    create = signed_create(author, key, "<p>Budget hearing moved to Tuesday</p>")
    # And the post as its origin serves it (what a fetch would bring)
    elsewhere.put_object({**create["object"], "content": "<p>As served</p>"})
    if altered:  # changed after signing: the proof no longer holds
        create["object"] = {**create["object"], "content": "<p>Altered</p>"}
    # When the group relays the signed Create
    await send(instance, remote, announce(group, create))
    # Then a valid proof is believed as relayed; a broken one means a fetch
    post = await stored_post(instance, create["object"]["id"])
    expected = "As served" if altered else "Budget hearing moved to Tuesday"
    assert expected in post.content
    assert ("/users/councillor/statuses/1" in elsewhere.gets) is altered
    await assert_all_done(instance)
