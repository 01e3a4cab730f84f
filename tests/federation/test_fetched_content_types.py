"""What a fetched ActivityPub document must be served as. A file a user uploaded to a
server (HTML, an image, any JSON) is not that server's object, so only the
ActivityStreams media types are read (Mastodon's CVE-2024-23832 fix)."""

from __future__ import annotations

import pytest

from fedcity.errors import FetchError
from fedcity.federation.fetch import fetch_document
from fedcity.federation.vocab import is_as2_media_type
from fedcity.storage.models import Actor, Post
from tests.support.delivery import announce, count_rows, note_create

AS2_PROFILE = "https://www.w3.org/ns/activitystreams"
REFUSED = [
    "text/html",
    "text/html; charset=utf-8",
    "image/png",
    "application/octet-stream",
    "application/json",
    "application/jrd+json",
    "application/ld+json",
    'application/ld+json; profile="https://example.com/other"',
    f'application/ld+json; charset="{AS2_PROFILE}"',
    f'text/plain; profile="{AS2_PROFILE}"',
    f"application/activity+json+html; profile={AS2_PROFILE}",
    "",
]
ACCEPTED = [
    "application/activity+json",
    "application/activity+json; charset=utf-8",
    "Application/Activity+JSON",
    f'application/ld+json; profile="{AS2_PROFILE}"',
    f"application/ld+json;profile={AS2_PROFILE}",
    f'APPLICATION/LD+JSON; PROFILE="{AS2_PROFILE}"',
    f'application/ld+json; charset=utf-8; profile="{AS2_PROFILE}"',
    f'application/ld+json; profile="{AS2_PROFILE} https://w3id.org/security/v1"',
]


@pytest.mark.parametrize("content_type", REFUSED)
def test_other_media_types_are_not_activitystreams(content_type):
    # Given / When a Content-Type other than ActivityStreams' is read
    # Then it is refused
    assert is_as2_media_type(content_type) is False


@pytest.mark.parametrize("content_type", ACCEPTED)
def test_activitystreams_media_types_are_recognised(content_type):
    # Given / When one of the ActivityStreams media types is read, in any case and
    # with any parameters
    # Then it is accepted
    assert is_as2_media_type(content_type) is True


def serve_note(remote, name: str, content_type: str) -> str:
    actor = remote.actors.get("author") or remote.add_actor("author")
    note = note_create(remote, actor, name)["object"]
    remote.put_object(note)
    remote.served_as[f"/users/author/statuses/{name}"] = content_type
    return str(note["id"])


@pytest.mark.usefixtures("backend")
async def test_fetch_refuses_each_other_media_type(instance, remote):
    # Given one post served with each refused Content-Type
    urls = {kind: serve_note(remote, str(n), kind) for n, kind in enumerate(REFUSED)}
    # When each is fetched
    # Then each fetch reaches the server, and is refused for its media type
    for n, url in enumerate(urls.values(), start=1):
        with pytest.raises(FetchError, match="not ActivityStreams"):
            await fetch_document(instance.fed, url)
        assert len(remote.gets) == n


@pytest.mark.usefixtures("backend")
async def test_fetch_reads_each_activitystreams_media_type(instance, remote):
    # Given one post served with each accepted Content-Type
    urls = {kind: serve_note(remote, str(n), kind) for n, kind in enumerate(ACCEPTED)}
    # When each is fetched
    docs = [await fetch_document(instance.fed, url) for url in urls.values()]
    # Then each is read
    assert [doc["id"] for doc in docs] == list(urls.values())


@pytest.mark.usefixtures("backend")
async def test_announced_post_served_as_html_is_not_stored(instance, remote):
    # Given a post whose server answers it as text/html (an uploaded file, say)
    url = serve_note(remote, "forged", "text/html")
    booster = remote.add_actor("booster")
    # When it is boosted to the instance
    status, _ = await remote.send(
        f"{instance.base_url}/inbox", announce(remote, booster, url)
    )
    await instance.run_jobs()
    # Then the boost is acknowledged, but neither the post nor the boost is stored
    assert status == 202
    assert await count_rows(instance, Post) == 0


@pytest.mark.usefixtures("backend")
@pytest.mark.parametrize("content_type", ["application/json", "image/png"])
async def test_actor_served_as_another_type_gives_no_key(
    instance, remote, content_type
):
    # Given an actor whose document is served as something else than ActivityStreams
    actor = remote.add_actor("mayor")
    remote.served_as[f"/users/{actor.name}"] = content_type
    # When it delivers a signed activity
    status, body = await remote.send(
        f"{instance.base_url}/inbox", note_create(remote, actor, "1")
    )
    # Then its key is not taken from that document
    assert status == 401
    assert body == {"error": "the signing key could not be fetched"}
    assert await count_rows(instance, Actor, Actor.uri == actor.uri) == 0
