"""Mastodon's payload shapes (tests/fixtures/inbound/mastodon_*.json), delivered
signed to a live instance and applied by the worker."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from fedcity.services.instance import domain_policies as policies
from fedcity.storage.models import (
    Actor,
    Favourite,
    Follow,
    FollowState,
    Mention,
    Notification,
    NotificationType,
    Post,
    PostEdit,
    PostTag,
    Tag,
    Visibility,
)
from fedcity.storage.queries.posts import get_post_by_uri
from tests.support.payloads import (
    deliver,
    inbox_job_states,
    mayor_and_status,
    serve,
    stage,
)

pytestmark = pytest.mark.usefixtures("backend")


async def post_by_uri(instance, uri: str) -> Post:
    async with instance.db.session() as session:
        post = await get_post_by_uri(session, uri)
    assert post is not None, f"no post {uri}"
    return post


async def actor_by_uri(instance, uri: str) -> Actor:
    async with instance.db.session() as session:
        actor = await session.scalar(select(Actor).where(Actor.uri == uri))
    assert actor is not None, f"no actor {uri}"
    return actor


async def count(instance, model: Any, *where: Any) -> int:
    async with instance.db.session() as session:
        found = await session.scalar(
            select(func.count()).select_from(model).where(*where)
        )
    return int(found or 0)


async def apply(instance, remote, activity: dict[str, Any], inbox: str = "") -> None:
    status = await deliver(remote, inbox or f"{instance.base_url}/inbox", activity)
    assert status == 202
    await instance.run_jobs()
    assert {state for state, _ in await inbox_job_states(instance)} == {"done"}


async def test_create_note_is_stored_with_sanitized_content(instance, remote):
    # Given the mayor's post and Mastodon's Create of a reply to it
    _, status = await mayor_and_status(instance)
    create = await stage(instance, remote, "mastodon_create_note", status)
    # When it is delivered to the shared inbox and applied
    await apply(instance, remote, create)
    # Then the Note is stored with Mastodon's markup, cleaned to the allow-list
    post = await post_by_uri(instance, create["object"]["id"])
    assert post.object_type == "Note"
    assert post.visibility == Visibility.PUBLIC
    assert post.language == "en"
    assert "The crossing on Elm Street still floods" in post.content
    assert '<span class="invisible">https://</span>' in post.content
    assert 'rel="nofollow noopener noreferrer"' in post.content
    assert post.attachments[0]["media_type"] == "image/jpeg"
    assert post.attachments[0]["blurhash"].startswith("UFGRrd")
    assert (post.attachments[0]["width"], post.attachments[0]["height"]) == (1600, 1200)


async def test_a_reject_media_domains_attachments_are_not_stored(instance, remote):
    # Given the remote domain under reject-media, remote media linked (the default)
    assert instance.settings.media.remote == "link"
    async with instance.db.session() as session:
        await policies.block_domain(
            session,
            remote.base_url,
            policies.BlockChanges(severity="noop", reject_media=True),
            own=instance.domain,
            by=None,
        )
    await instance.fed.policy.refresh(instance.db)
    _, status = await mayor_and_status(instance)
    create = await stage(instance, remote, "mastodon_create_note", status)
    assert create["object"]["attachment"]
    # When its Create, then an Update, of a Note with a photo arrive
    await apply(instance, remote, create)
    update = await stage(instance, remote, "mastodon_update_note", status)
    update["object"]["id"] = create["object"]["id"]
    update["object"]["attachment"] = create["object"]["attachment"]
    await apply(instance, remote, update)
    # Then the post is stored with its text and without the photo, so no client
    # is shown it or given its link
    post = await post_by_uri(instance, create["object"]["id"])
    assert post.content
    assert post.attachments == []


async def test_create_note_records_mention_and_hashtag(instance, remote):
    # Given a Mastodon note mentioning the mayor and tagged #CityHall
    mayor, status = await mayor_and_status(instance)
    create = await stage(instance, remote, "mastodon_create_note", status)
    # When it is applied
    await apply(instance, remote, create)
    # Then the mention, the (lower-cased) hashtag and a mention notification exist
    post = await post_by_uri(instance, create["object"]["id"])
    assert await count(instance, Mention, Mention.post_id == post.id) == 1
    async with instance.db.session() as session:
        tags = await session.scalars(
            select(Tag.name).join(PostTag).where(PostTag.post_id == post.id)
        )
        assert list(tags) == ["cityhall"]
    assert (
        await count(
            instance,
            Notification,
            Notification.recipient_id == mayor.id,
            Notification.type == NotificationType.MENTION,
        )
        == 1
    )


async def test_reply_links_to_its_local_parent(instance, remote):
    # Given the mayor's post and a Mastodon reply to it
    _, status = await mayor_and_status(instance)
    create = await stage(instance, remote, "mastodon_create_note", status)
    # When the reply is applied
    await apply(instance, remote, create)
    # Then it points at the parent, which counts one reply
    reply = await post_by_uri(instance, create["object"]["id"])
    parent = await post_by_uri(instance, status.uri)
    assert reply.in_reply_to_id == parent.id
    assert parent.replies_count == 1


async def test_direct_note_is_direct_and_visible_to_the_recipient(instance, remote):
    # Given a Mastodon direct message to the mayor (only the mayor in `to`)
    await mayor_and_status(instance)
    create = await stage(instance, remote, "mastodon_create_direct_note")
    # When it is delivered to the mayor's personal inbox
    await apply(instance, remote, create, f"{instance.base_url}/users/mayor/inbox")
    # Then it is stored as direct
    post = await post_by_uri(instance, create["object"]["id"])
    assert post.visibility == Visibility.DIRECT


async def test_follow_is_recorded_and_accepted(instance, remote):
    # Given an unlocked local account
    await mayor_and_status(instance)
    follow = await stage(instance, remote, "mastodon_follow")
    # When Mastodon's Follow reaches the personal inbox
    await apply(instance, remote, follow, f"{instance.base_url}/users/mayor/inbox")
    # Then the follow is accepted and an Accept of that Follow is delivered back
    assert await count(instance, Follow, Follow.state == FollowState.ACCEPTED) == 1
    accepts = [r.body for r in remote.received if r.body.get("type") == "Accept"]
    assert len(accepts) == 1
    assert accepts[0]["actor"] == f"{instance.base_url}/users/mayor"
    object_id = accepts[0]["object"]
    assert (object_id if isinstance(object_id, str) else object_id["id"]) == follow[
        "id"
    ]


async def test_undo_follow_removes_the_follow(instance, remote):
    # Given an accepted follow from Mastodon
    await mayor_and_status(instance)
    await apply(instance, remote, await stage(instance, remote, "mastodon_follow"))
    # When Mastodon sends its Undo (the Follow embedded)
    await apply(instance, remote, await stage(instance, remote, "mastodon_undo_follow"))
    # Then the follow is gone
    assert await count(instance, Follow) == 0


async def test_like_counts_and_notifies(instance, remote):
    # Given the mayor's post
    mayor, status = await mayor_and_status(instance)
    like = await stage(instance, remote, "mastodon_like", status)
    # When Mastodon's Like of it is applied
    await apply(instance, remote, like)
    # Then the post counts one favourite and the mayor is notified
    assert (await post_by_uri(instance, status.uri)).favourites_count == 1
    assert (
        await count(
            instance,
            Notification,
            Notification.recipient_id == mayor.id,
            Notification.type == NotificationType.FAVOURITE,
        )
        == 1
    )


async def test_undo_like_removes_the_favourite(instance, remote):
    # Given a Like of the mayor's post
    _, status = await mayor_and_status(instance)
    await apply(
        instance, remote, await stage(instance, remote, "mastodon_like", status)
    )
    # When Mastodon undoes it
    undo = await stage(instance, remote, "mastodon_undo_like", status)
    await apply(instance, remote, undo)
    # Then the favourite is gone and the count is back to zero
    assert await count(instance, Favourite) == 0
    assert (await post_by_uri(instance, status.uri)).favourites_count == 0


async def test_announce_fetches_the_note_and_records_the_boost(instance, remote):
    # Given a note by bob that only its origin serves
    note = serve(remote, instance, "mastodon_announced_note")
    announce = await stage(instance, remote, "mastodon_announce")
    # When alice's Announce (object by id) is applied
    await apply(instance, remote, announce)
    # Then the note is fetched and stored, and alice's boost points at it
    original = await post_by_uri(instance, note["id"])
    assert "Library opening hours" in original.content
    boost = await post_by_uri(instance, announce["id"])
    assert boost.reblog_of_id == original.id
    assert boost.actor_id == (await actor_by_uri(instance, announce["actor"])).id
    assert (await post_by_uri(instance, note["id"])).reblogs_count == 1


async def test_update_note_edits_and_keeps_the_old_version(instance, remote):
    # Given a stored Mastodon note
    _, status = await mayor_and_status(instance)
    await apply(
        instance, remote, await stage(instance, remote, "mastodon_create_note", status)
    )
    # When Mastodon's Update of it arrives
    update = await stage(instance, remote, "mastodon_update_note", status)
    await apply(instance, remote, update)
    # Then the content changes, the edit time is set and the old version is kept
    post = await post_by_uri(instance, update["object"]["id"])
    assert "pumped dry at noon" in post.content
    assert post.edited_at is not None
    assert await count(instance, PostEdit, PostEdit.post_id == post.id) == 1


async def test_delete_tombstone_deletes_the_note(instance, remote):
    # Given a stored Mastodon note
    _, status = await mayor_and_status(instance)
    create = await stage(instance, remote, "mastodon_create_note", status)
    await apply(instance, remote, create)
    # When Mastodon deletes it (object: a Tombstone)
    await apply(
        instance, remote, await stage(instance, remote, "mastodon_delete_note", status)
    )
    # Then the post is tombstoned and its content dropped
    post = await post_by_uri(instance, create["object"]["id"])
    assert post.deleted_at is not None
    assert post.content == ""


async def test_update_person_changes_the_profile(instance, remote):
    # Given alice known from an earlier activity
    await mayor_and_status(instance)
    await apply(instance, remote, await stage(instance, remote, "mastodon_follow"))
    update = await stage(instance, remote, "mastodon_update_person")
    # (the captured document's key is swapped for alice's real one, as her server would)
    alice = next(a for a in remote.actors.values() if a.uri == update["actor"])
    update["object"]["publicKey"]["publicKeyPem"] = alice.public_pem
    # When her Update of herself is applied
    await apply(instance, remote, update)
    # Then the display name, bio and profile fields follow
    actor = await actor_by_uri(instance, update["actor"])
    assert actor.display_name == "Alice (Elm Street residents' association)"
    assert "residents" in actor.summary
    assert actor.fields == [{"name": "Ward", "value": "Elm Street (ward 4)"}]


async def test_delete_actor_removes_them_and_their_posts(instance, remote):
    # Given alice with a stored post
    _, status = await mayor_and_status(instance)
    create = await stage(instance, remote, "mastodon_create_note", status)
    await apply(instance, remote, create)
    # When Mastodon's Delete of her account (with its LD signature) is applied
    await apply(
        instance, remote, await stage(instance, remote, "mastodon_delete_actor")
    )
    # Then she is marked deleted and her post is gone
    actor = await actor_by_uri(instance, create["actor"])
    assert actor.deleted_at is not None
    assert (await post_by_uri(instance, create["object"]["id"])).deleted_at is not None
