"""Activities and objects whose `type` is a list, missing or unknown: refused with a
reason or acknowledged, never applied as one of the types they name (see
docs/FEDERATION.md, "Types")."""

from __future__ import annotations

from typing import Any

import pytest

from fedcity.storage.models import Actor, Job, Post
from tests.support.delivery import announce, count_rows, note_create
from tests.support.remote import RemoteServer

pytestmark = pytest.mark.usefixtures("backend")


async def deliver(instance, remote: RemoteServer, activity: dict[str, Any]):
    status, body = await remote.send(f"{instance.base_url}/inbox", activity)
    await instance.run_jobs()
    return status, body


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (["Create", "Delete"], "activity type must be one type, not a list"),
        (["Create"], "activity type must be one type, not a list"),
        (None, "activity has no type"),
        (42, "activity has no type"),
        ("", "activity has no type"),
    ],
    ids=["two types", "one-item list", "missing", "number", "empty"],
)
async def test_activity_without_one_type_is_refused_with_its_reason(
    instance, remote, kind, reason
):
    # Given a Create of a Note whose activity type is not one string
    actor = remote.add_actor("mayor")
    activity = note_create(remote, actor, "1")
    if kind is None:
        del activity["type"]
    else:
        activity["type"] = kind
    # When it is delivered
    status, body = await deliver(instance, remote, activity)
    # Then it is refused with the reason, before any key fetch, and nothing stored
    assert (status, body) == (400, {"error": reason})
    assert remote.gets == []
    assert await count_rows(instance, Job, Job.kind == "inbox") == 0
    assert await count_rows(instance, Post) == 0


async def test_activity_of_a_type_fedcity_does_not_handle_is_acknowledged_only(
    instance, remote
):
    # Given an activity of a type fedcity has no handler for, around a Note
    actor = remote.add_actor("mayor")
    activity = {**note_create(remote, actor, "1"), "type": "Bite"}
    # When it is delivered and the worker runs
    status, _ = await deliver(instance, remote, activity)
    # Then it is acknowledged, and nothing is applied
    assert status == 202
    assert await count_rows(instance, Post) == 0


@pytest.mark.parametrize(
    "object_type", [["Note", "Article"], None], ids=["list", "missing"]
)
async def test_created_object_without_one_type_is_not_stored(
    instance, remote, object_type
):
    # Given a Create whose object's type is a list, or absent
    actor = remote.add_actor("mayor")
    activity = note_create(remote, actor, "1")
    if object_type is None:
        del activity["object"]["type"]
    else:
        activity["object"]["type"] = object_type
    # When it is delivered and the worker runs
    status, _ = await deliver(instance, remote, activity)
    # Then it is acknowledged, and no post is stored
    assert status == 202
    assert await count_rows(instance, Post) == 0


async def test_update_of_an_actor_with_a_list_type_changes_nothing(instance, remote):
    # Given an actor known here
    actor = remote.add_actor("mayor")
    assert (await deliver(instance, remote, note_create(remote, actor, "1")))[0] == 202
    # When it sends an Update of itself typed as two things
    profile = {
        **remote.actor_document(actor),
        "type": ["Person", "Service"],
        "name": "Somebody Else",
    }
    update = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.uri}#updates/1",
        "type": "Update",
        "actor": actor.uri,
        "object": profile,
    }
    status, _ = await deliver(instance, remote, update)
    # Then it is acknowledged, and the stored profile is unchanged
    assert status == 202
    assert await count_rows(instance, Actor, Actor.display_name == "Somebody Else") == 0


async def test_announced_post_fetched_with_a_list_type_is_not_stored(instance, remote):
    # Given a post whose origin serves it typed as two things
    author = remote.add_actor("author")
    booster = remote.add_actor("booster")
    note = note_create(remote, author, "1")["object"]
    remote.put_object({**note, "type": ["Note", "Article"]})
    # When another actor boosts it
    status, _ = await deliver(instance, remote, announce(remote, booster, note["id"]))
    # Then the boost is acknowledged, and neither post nor boost is stored
    assert status == 202
    assert await count_rows(instance, Post) == 0


async def test_actor_document_with_a_list_type_is_not_stored(instance, remote):
    # Given an actor whose document is typed as two things
    actor = remote.add_actor("mayor", type=["Person", "Service"])
    # When it delivers a signed activity (its key must be fetched)
    status, _ = await deliver(instance, remote, note_create(remote, actor, "1"))
    # Then the key is not taken from it: refused, and no actor stored
    assert status == 401
    assert await count_rows(instance, Actor, Actor.uri == actor.uri) == 0
