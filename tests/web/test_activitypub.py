"""ActivityPub GETs over real HTTP: actors, collections, objects and activities, as
Mastodon and other peers fetch them (unsigned unless said otherwise)."""

from __future__ import annotations

from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import update

from fedcity.services.accounts.remote_actors import RemoteActorData, upsert_remote_actor
from fedcity.services.social.follows import receive_follow
from fedcity.storage.models import Actor
from tests.support.http import AS2, LD_AS2, follow, post_status

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def object_path(status: dict) -> str:
    return urlsplit(status["uri"]).path


async def add_remote_followers(instance, target: Actor, count: int) -> None:
    async with instance.db.session() as session:
        for n in range(count):
            uri = f"https://peer.example/users/f{n}"
            follower = await upsert_remote_actor(
                session,
                RemoteActorData(
                    uri=uri,
                    actor_type="Person",
                    username=f"f{n}",
                    domain="peer.example",
                    inbox_uri=f"{uri}/inbox",
                    key_id=None,
                    public_key_pem=None,
                ),
            )
            await receive_follow(
                session, instance.fed.urls, follower, target, f"{uri}#follows/{n}"
            )


# --- actors ----------------------------------------------------------------------


async def test_actor_document_has_every_mastodon_field(instance, http):
    # Given a local account
    await instance.create_account("alice", display_name="Alice Mayor")
    actor_id = f"{instance.base_url}/users/alice"
    # When a peer fetches the actor as AS2
    reply = await http.get("/users/alice", accept=AS2)
    # Then it is a Person with the fields Mastodon reads
    assert reply.status == 200
    assert reply.content_type == AS2
    doc = reply.json()
    assert doc["id"] == actor_id
    assert doc["type"] == "Person"
    assert doc["preferredUsername"] == "alice"
    assert doc["name"] == "Alice Mayor"
    assert isinstance(doc["summary"], str)
    assert doc["url"] == f"{instance.base_url}/@alice"
    assert doc["inbox"] == f"{actor_id}/inbox"
    assert doc["outbox"] == f"{actor_id}/outbox"
    assert doc["followers"] == f"{actor_id}/followers"
    assert doc["following"] == f"{actor_id}/following"
    assert doc["endpoints"] == {"sharedInbox": f"{instance.base_url}/inbox"}
    assert doc["manuallyApprovesFollowers"] is False
    assert doc["discoverable"] is True
    assert doc["published"].endswith("Z")
    assert "https://www.w3.org/ns/activitystreams" in doc["@context"]


async def test_actor_public_key_is_rsa_2048_owned_by_the_actor(instance, http):
    # Given a local account
    await instance.create_account("alice")
    actor_id = f"{instance.base_url}/users/alice"
    # When its actor document is fetched
    key = (await http.get("/users/alice", accept=AS2)).json()["publicKey"]
    # Then the key is a 2048-bit RSA PEM whose id and owner tie it to the actor
    assert key["id"] == f"{actor_id}#main-key"
    assert key["owner"] == actor_id
    public = load_pem_public_key(key["publicKeyPem"].encode())
    assert isinstance(public, rsa.RSAPublicKey)
    assert public.key_size == 2048


async def test_actor_served_for_ld_json_with_as_profile(instance, http):
    # Given a local account
    await instance.create_account("alice")
    # When it is fetched with the JSON-LD media type and the AS profile
    reply = await http.get("/users/alice", accept=LD_AS2)
    # Then the AS2 document comes back
    assert reply.status == 200
    assert reply.json()["id"] == f"{instance.base_url}/users/alice"


async def test_actor_without_avatar_has_no_icon(instance, http):
    # Given an account that never set an avatar
    await instance.create_account("alice")
    # When its actor is fetched
    doc = (await http.get("/users/alice", accept=AS2)).json()
    # Then no icon is given (as Mastodon, which omits it without an avatar)
    assert "icon" not in doc


async def test_actor_with_avatar_has_icon_image(instance, http):
    # Given an account with an avatar
    actor = await instance.create_account("alice")
    async with instance.db.session() as session:
        await session.execute(
            update(Actor)
            .where(Actor.id == actor.id)
            .values(avatar_url="https://cdn.example/a.png")
        )
    # When its actor is fetched
    doc = (await http.get("/users/alice", accept=AS2)).json()
    # Then the avatar is the icon, as an Image
    assert doc["icon"] == {"type": "Image", "url": "https://cdn.example/a.png"}


async def test_browser_gets_the_html_profile(instance, http):
    # Given a local account
    await instance.create_account("alice", display_name="Alice Mayor")
    # When a browser opens the actor URL
    reply = await http.get("/users/alice", accept="text/html,application/xhtml+xml")
    # Then it gets an HTML page that links the AS2 representation
    assert reply.status == 200
    assert reply.content_type == "text/html"
    assert "Alice Mayor" in reply.text
    assert f'href="{instance.base_url}/users/alice"' in reply.text


async def test_unknown_actor_is_404(instance, http):
    # Given no account named nobody
    # When its actor is fetched
    reply = await http.get("/users/nobody", accept=AS2)
    # Then it does not exist
    assert reply.status == 404


async def test_instance_actor_is_an_application_with_a_key(instance, http):
    # Given a running instance
    # When a peer fetches /actor (to check the key of a signed fetch)
    reply = await http.get("/actor", accept=AS2)
    # Then it is an Application with an RSA key owned by it
    assert reply.status == 200
    doc = reply.json()
    assert doc["id"] == f"{instance.base_url}/actor"
    assert doc["type"] == "Application"
    assert doc["publicKey"]["owner"] == doc["id"]
    assert doc["publicKey"]["id"] == f"{doc['id']}#main-key"
    assert isinstance(
        load_pem_public_key(doc["publicKey"]["publicKeyPem"].encode()),
        rsa.RSAPublicKey,
    )


# --- collections -----------------------------------------------------------------


async def test_outbox_is_an_ordered_collection_with_first(instance, http):
    # Given an account with two public posts
    await instance.create_account("alice")
    for text in ("one", "two"):
        await post_status(instance, http, "alice", text)
    # When its outbox is fetched
    doc = (await http.get("/users/alice/outbox", accept=AS2)).json()
    # Then it is an OrderedCollection counting them, with a first page
    assert doc["type"] == "OrderedCollection"
    assert doc["totalItems"] == 2
    assert doc["first"].startswith(f"{instance.base_url}/users/alice/outbox?")


async def test_outbox_pages_past_twenty_posts(instance, http):
    # Given an account with 21 public posts
    await instance.create_account("alice")
    for n in range(21):
        await post_status(instance, http, "alice", f"post {n}")
    # When the first outbox page and its next page are fetched
    first_url = (await http.get("/users/alice/outbox", accept=AS2)).json()["first"]
    first = (await http.get(first_url, accept=AS2)).json()
    second = (await http.get(first["next"], accept=AS2)).json()
    # Then 20 Creates, newest first, are followed by the last one
    assert first["type"] == "OrderedCollectionPage"
    assert first["partOf"] == f"{instance.base_url}/users/alice/outbox"
    assert [i["type"] for i in first["orderedItems"]] == ["Create"] * 20
    assert first["orderedItems"][0]["object"]["content"] == "<p>post 20</p>"
    assert [i["object"]["content"] for i in second["orderedItems"]] == ["<p>post 0</p>"]
    assert "next" not in second


async def test_outbox_leaves_out_private_and_direct_posts(instance, http):
    # Given one post of each visibility
    await instance.create_account("alice")
    for visibility in ("public", "unlisted", "private", "direct"):
        await post_status(instance, http, "alice", visibility, visibility=visibility)
    # When the outbox and its first page are fetched
    doc = (await http.get("/users/alice/outbox", accept=AS2)).json()
    page = (await http.get(doc["first"], accept=AS2)).json()
    # Then only the public and unlisted posts are there
    assert doc["totalItems"] == 2
    contents = {i["object"]["content"] for i in page["orderedItems"]}
    assert contents == {"<p>public</p>", "<p>unlisted</p>"}


async def test_followers_collection_pages_past_twenty(instance, http):
    # Given an account with 21 accepted followers
    alice = await instance.create_account("alice")
    await add_remote_followers(instance, alice, 21)
    # When the followers collection and its pages are fetched
    doc = (await http.get("/users/alice/followers", accept=AS2)).json()
    first = (await http.get(doc["first"], accept=AS2)).json()
    second = (await http.get(first["next"], accept=AS2)).json()
    # Then the collection counts 21 and its pages hold 20 and then 1 actor ids
    assert doc["type"] == "OrderedCollection"
    assert doc["totalItems"] == 21
    assert first["type"] == "OrderedCollectionPage"
    assert len(first["orderedItems"]) == 20
    assert len(second["orderedItems"]) == 1
    assert "next" not in second
    every = set(first["orderedItems"]) | set(second["orderedItems"])
    assert every == {f"https://peer.example/users/f{n}" for n in range(21)}


async def test_following_collection_lists_followed_actor(instance, http):
    # Given bob follows alice (both local)
    await instance.create_account("alice")
    bob = await instance.create_account("bob")
    await follow(instance, http, "bob", "alice")
    # When bob's following collection is fetched
    doc = (await http.get("/users/bob/following", accept=AS2)).json()
    page = (await http.get(doc["first"], accept=AS2)).json()
    # Then it counts and lists alice
    assert bob.following_uri == doc["id"]
    assert doc["type"] == "OrderedCollection"
    assert doc["totalItems"] == 1
    assert page["orderedItems"] == [f"{instance.base_url}/users/alice"]


# --- objects and activities ----------------------------------------------------------


async def test_public_post_is_a_note_addressed_like_mastodon(instance, http):
    # Given a public post
    await instance.create_account("alice")
    status = await post_status(instance, http, "alice", "Budget approved")
    # When a peer fetches it as AS2
    reply = await http.get(object_path(status), accept=AS2)
    # Then it is a Note to Public, cc the author's followers
    assert reply.status == 200
    note = reply.json()
    assert note["id"] == status["uri"]
    assert note["type"] == "Note"
    assert note["attributedTo"] == f"{instance.base_url}/users/alice"
    assert note["to"] == [PUBLIC]
    assert note["cc"] == [f"{instance.base_url}/users/alice/followers"]
    assert note["content"] == "<p>Budget approved</p>"


async def test_unlisted_post_is_to_followers_cc_public(instance, http):
    # Given an unlisted post
    await instance.create_account("alice")
    status = await post_status(instance, http, "alice", "quiet", visibility="unlisted")
    # When it is fetched
    note = (await http.get(object_path(status), accept=AS2)).json()
    # Then Public is only in cc
    assert note["to"] == [f"{instance.base_url}/users/alice/followers"]
    assert note["cc"] == [PUBLIC]


async def test_private_and_direct_posts_are_404_unsigned(instance, http):
    # Given a followers-only and a direct post
    await instance.create_account("alice")
    private = await post_status(instance, http, "alice", "p", visibility="private")
    direct = await post_status(instance, http, "alice", "d", visibility="direct")
    # When an anonymous fetch asks for them, as AS2 and as the /@ page
    replies = [
        await http.get(object_path(private), accept=AS2),
        await http.get(object_path(direct), accept=AS2),
        await http.get(f"/@alice/{private['id']}", accept="text/html"),
    ]
    # Then they do not exist
    assert [r.status for r in replies] == [404, 404, 404]


async def test_deleted_post_is_410_tombstone(instance, http):
    # Given a public post that was deleted
    await instance.create_account("alice")
    status = await post_status(instance, http, "alice", "oops")
    token = await instance.token("alice")
    await http.request("DELETE", f"/api/v1/statuses/{status['id']}", token=token)
    # When it is fetched
    reply = await http.get(object_path(status), accept=AS2)
    # Then it is Gone, as a Tombstone that remembers it was a Note
    assert reply.status == 410
    doc = reply.json()
    assert doc["type"] == "Tombstone"
    assert doc["id"] == status["uri"]
    assert doc["formerType"] == "Note"


async def test_status_activity_serves_the_create(instance, http):
    # Given a public post whose Create was published by the worker
    await instance.create_account("alice")
    status = await post_status(instance, http, "alice", "Budget approved")
    await instance.run_jobs()
    # When /users/alice/statuses/ID/activity is fetched
    reply = await http.get(object_path(status) + "/activity", accept=AS2)
    # Then it is the stored Create of that Note
    assert reply.status == 200
    doc = reply.json()
    assert doc["type"] == "Create"
    assert doc["id"] == f"{status['uri']}/activity"
    assert doc["actor"] == f"{instance.base_url}/users/alice"
    assert doc["object"]["id"] == status["uri"]


async def test_activity_endpoint_serves_a_public_announce(instance, http):
    # Given bob boosted alice's public post and the Announce was published
    await instance.create_account("alice")
    await instance.create_account("bob")
    status = await post_status(instance, http, "alice", "Budget approved")
    token = await instance.token("bob")
    boost = (
        await http.post(f"/api/v1/statuses/{status['id']}/reblog", token=token)
    ).json()
    await instance.run_jobs()
    # When /activities/ID is fetched
    assert boost["uri"].startswith(f"{instance.base_url}/activities/")
    reply = await http.get(boost["uri"], accept=AS2)
    # Then it is the stored Announce of alice's post
    assert reply.status == 200
    doc = reply.json()
    assert doc["type"] == "Announce"
    assert doc["actor"] == f"{instance.base_url}/users/bob"
    assert doc["object"] == status["uri"]


async def test_activity_endpoint_hides_non_public_activities(instance, http, remote):
    # Given alice follows a remote account (the Follow is not addressed to Public)
    await instance.create_account("alice")
    actor = remote.add_actor("mayor")
    relationship = await follow(instance, http, "alice", f"mayor@{remote.domain}")
    await instance.run_jobs()
    sent = [r.body for r in remote.received if r.body.get("type") == "Follow"]
    # When the Follow's id is fetched anonymously
    assert relationship["requested"] is True
    assert sent
    assert sent[0]["object"] == actor.uri
    reply = await http.get(sent[0]["id"], accept=AS2)
    # Then it is not served
    assert reply.status == 404


async def test_deleted_post_activity_is_no_longer_served(instance, http):
    # Given a public post whose Create was published, then the post was deleted
    await instance.create_account("alice")
    status = await post_status(instance, http, "alice", "secret budget")
    await instance.run_jobs()
    token = await instance.token("alice")
    await http.request("DELETE", f"/api/v1/statuses/{status['id']}", token=token)
    # When its Create is fetched
    reply = await http.get(object_path(status) + "/activity", accept=AS2)
    # Then it is gone, and the deleted text is not handed out
    assert reply.status in (404, 410)
    assert "secret budget" not in reply.text
