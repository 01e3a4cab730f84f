"""GoToSocial, Pleroma/Akkoma, Misskey and Lemmy payload shapes
(tests/fixtures/inbound), delivered signed and applied; and Mastodon's published
samples are read in test_sample_documents.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from fedcity.storage.models import (
    Actor,
    Mention,
    Notification,
    NotificationType,
    Post,
    PostTag,
    Tag,
    Visibility,
)
from fedcity.storage.queries.posts import get_post_by_uri
from tests.support.payloads import (
    deliver,
    fixture_names,
    inbox_job_states,
    mayor_and_status,
    seen_before,
    serve,
    stage,
    use_gts_key_id,
)

pytestmark = pytest.mark.usefixtures("backend")


async def post_by_uri(instance, uri: str) -> Post:
    async with instance.db.session() as session:
        post = await get_post_by_uri(session, uri)
    assert post is not None, f"no post {uri}"
    return post


async def tags_of(instance, post: Post) -> list[str]:
    async with instance.db.session() as session:
        rows = await session.scalars(
            select(Tag.name).join(PostTag).where(PostTag.post_id == post.id)
        )
        return list(rows)


async def mentions_of(instance, post: Post) -> list[str]:
    async with instance.db.session() as session:
        rows = await session.scalars(
            select(Actor.uri).join(Mention).where(Mention.post_id == post.id)
        )
        return list(rows)


async def apply(instance, remote, activity: dict[str, Any], **kw: Any) -> None:
    status = await deliver(remote, f"{instance.base_url}/inbox", activity, **kw)
    assert status == 202
    await instance.run_jobs()


async def test_gts_note_signed_hs2019_with_its_key_id_is_stored(instance, remote):
    # Given GoToSocial's Create, its author's key at <actor>/main-key
    await mayor_and_status(instance)
    create = await stage(instance, remote, "gts_create_note")
    gts = next(a for a in remote.actors.values() if a.uri == create["actor"])
    use_gts_key_id(remote, gts)
    # When it is delivered signed with algorithm="hs2019"
    await apply(instance, remote, create, algorithm="hs2019")
    # Then it is stored unlisted (Public only in cc) with its mention and hashtag
    post = await post_by_uri(instance, create["object"]["id"])
    assert post.visibility == Visibility.UNLISTED
    assert await mentions_of(instance, post) == [f"{instance.base_url}/users/mayor"]
    assert await tags_of(instance, post) == ["parks"]
    assert "interactionPolicy" in (post.raw or {})


async def test_pleroma_note_keeps_its_context_and_drops_foreign_attributes(
    instance, remote
):
    # Given Pleroma's Create: litepub context, `context`, an Emoji tag, data-user
    mayor, _ = await mayor_and_status(instance)
    create = await stage(instance, remote, "pleroma_create_note")
    # When it is applied
    await apply(instance, remote, create)
    # Then the thread context becomes the conversation and the markup is cleaned
    post = await post_by_uri(instance, create["object"]["id"])
    assert post.conversation_uri == create["object"]["context"]
    assert "data-user" not in post.content
    assert ":blobcat_thumbsup: the new bike lanes are great" in post.content
    assert post.visibility == Visibility.PUBLIC
    assert await mentions_of(instance, post) == [mayor.uri]
    assert await tags_of(instance, post) == []  # an Emoji tag is not a hashtag
    # And its custom emoji is kept, linked where Pleroma serves it
    image = f"{remote.base_url}/emoji/custom/blobcat_thumbsup.png"
    assert post.emojis == [
        {
            "shortcode": "blobcat_thumbsup",
            "uri": image,
            "url": image,
            "media_type": None,
            "updated": "1970-01-01T00:00:00Z",
        }
    ]


async def test_pleroma_emoji_react_is_ignored_gracefully(instance, remote):
    # Given the mayor's post
    _, status = await mayor_and_status(instance)
    react = await stage(instance, remote, "pleroma_emoji_react", status)
    # When Pleroma's EmojiReact (a type fedcity doesn't handle) arrives
    await apply(instance, remote, react)
    # Then its job finishes without error and nothing is counted
    assert await inbox_job_states(instance) == [("done", None)]
    assert (await post_by_uri(instance, status.uri)).favourites_count == 0


async def test_misskey_quote_note_is_stored(instance, remote):
    # Given Misskey's Create of a quote of the mayor's post
    _, status = await mayor_and_status(instance)
    create = await stage(instance, remote, "misskey_create_note", status)
    # When it is applied
    await apply(instance, remote, create)
    # Then the note is stored with its inline quote link and hashtag
    post = await post_by_uri(instance, create["object"]["id"])
    assert '<span class="quote-inline">' in post.content
    assert status.uri in post.content
    assert await tags_of(instance, post) == ["opencouncil"]
    assert (post.raw or {})["_misskey_quote"] == status.uri


async def test_misskey_reaction_counts_as_a_favourite(instance, remote):
    # Given the mayor's post
    mayor, status = await mayor_and_status(instance)
    like = await stage(instance, remote, "misskey_like", status)
    # When Misskey's Like carrying a custom emoji reaction arrives
    await apply(instance, remote, like)
    # Then it counts as a favourite and notifies the mayor
    assert (await post_by_uri(instance, status.uri)).favourites_count == 1
    async with instance.db.session() as session:
        kinds = await session.scalars(
            select(Notification.type).where(Notification.recipient_id == mayor.id)
        )
        assert list(kinds) == [NotificationType.FAVOURITE]


async def test_lemmy_group_announce_of_create_uses_the_page_its_origin_relays(
    instance, remote
):
    # Given the Page served by its Lemmy origin, with an attachment the embedded
    # copy in the group's Announce lacks, and the community on that same origin
    page = serve(remote, instance, "lemmy_page")
    announce = await stage(instance, remote, "lemmy_announce_create_page")
    # When the community's Announce{Create{Page}} (FEP-1b12) is applied
    await apply(instance, remote, announce)
    # Then the embedded Page is stored as relayed, by its author, titled: the
    # community's server is the Page's origin and vouches for it, so nothing is
    # fetched (the origin-mismatch case is in test_threadiverse_payloads.py)
    post = await post_by_uri(instance, page["id"])
    assert post.object_type == "Page"
    assert post.content.startswith("<p><strong>Post title</strong></p>")
    assert post.visibility == Visibility.PUBLIC
    assert post.attachments == []
    assert urlsplit(page["id"]).path not in remote.gets
    async with instance.db.session() as session:
        author = await session.get(Actor, post.actor_id)
    assert author is not None
    assert author.uri == page["attributedTo"]


async def test_lemmy_group_announce_is_a_boost_by_the_group(instance, remote):
    # Given the Page served by its origin
    page = serve(remote, instance, "lemmy_page")
    announce = await stage(instance, remote, "lemmy_announce_create_page")
    # When the community announces it
    await apply(instance, remote, announce)
    # Then the community (a Group) has boosted the Page
    boost = await post_by_uri(instance, announce["id"])
    assert boost.reblog_of_id == (await post_by_uri(instance, page["id"])).id
    async with instance.db.session() as session:
        group = await session.get(Actor, boost.actor_id)
    assert group is not None
    assert group.actor_type == "Group"


@pytest.mark.parametrize(
    ("name", "visibility"),
    [
        ("mastodon_create_note", Visibility.PUBLIC),
        ("mastodon_create_direct_note", Visibility.DIRECT),
        ("gts_create_note", Visibility.UNLISTED),
        ("pleroma_create_note", Visibility.PUBLIC),
        ("misskey_create_note", Visibility.PUBLIC),
    ],
)
async def test_visibility_is_derived_from_addressing(
    instance, remote, name, visibility
):
    # Given a captured Create addressed the way its server addresses it
    _, status = await mayor_and_status(instance)
    create = await stage(instance, remote, name, status)
    # When it is applied
    await apply(instance, remote, create)
    # Then fedcity reads the same visibility the sender meant
    assert (await post_by_uri(instance, create["object"]["id"])).visibility == (
        visibility
    )


@pytest.mark.parametrize("name", fixture_names())
async def test_every_captured_payload_is_accepted_and_processed(instance, remote, name):
    # Given the local account and post the payloads refer to, and the objects
    # their origins serve
    _, status = await mayor_and_status(instance)
    serve(remote, instance, "mastodon_announced_note")
    serve(remote, instance, "lemmy_page")
    activity = await stage(instance, remote, name, status)
    if activity["type"] == "Delete":
        await seen_before(instance, activity)
    # When the payload is delivered on its own, out of any sequence
    await apply(instance, remote, activity)
    # Then it was accepted and its job finished: applied or ignored, never failed
    assert await inbox_job_states(instance) == [("done", None)]
