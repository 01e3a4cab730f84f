"""A Lemmy community's announces applied on a member's instance (issue 13): Lemmy's
own payloads (tests/fixtures/threadiverse/lemmy-assets), relayed by the community
as Lemmy 0.19 does (tests/support/lemmy_world.py): posts, threads and what is
trusted. Moderation is in test_threadiverse_moderation.py; NodeBB, Discourse and
Mbin shapes are in test_threadiverse_payloads_forums.py."""

from __future__ import annotations

import pytest

from fedcity.federation.actors import get_or_fetch_actor
from fedcity.storage.queries.posts import get_post_by_uri
from tests.support.lemmy_world import Lemmy, lemmy_world, thread_with_comment
from tests.support.threadiverse import (
    FIXTURES,
    LEMMY,
    announce,
    assert_all_done,
    boosts_by,
    carried_posts,
    send,
    stored_post,
    threads_of,
)

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
async def lemmy(remote, aiohttp_server) -> Lemmy:
    return await lemmy_world(remote, aiohttp_server)


async def test_lemmy_community_is_a_group_with_its_collections(instance, lemmy):
    # When the community's actor document is fetched
    async with instance.db.session() as session:
        group = await get_or_fetch_actor(instance.fed, session, lemmy.group)
    # Then it is a Group, with Lemmy's featured and moderators collections
    assert group.actor_type == "Group"
    assert group.raw is not None
    assert group.raw["featured"] == lemmy.featured
    assert group.raw["attributedTo"] == f"{lemmy.group}/moderators"
    assert group.raw["postingRestrictedToMods"] is False


async def test_posts_from_the_members_server_are_fetched_and_threaded(instance, lemmy):
    # Given the community on one server and its member's Page and comment on
    # another: the community's server cannot vouch for them
    # When the community relays the Page's Create, then the comment's
    await thread_with_comment(instance, lemmy)
    await assert_all_done(instance)
    # Then both were fetched from their own server and stored
    assert {"/post/1", "/comment/1"} <= set(lemmy.ds9.gets)
    page = await stored_post(instance, lemmy.post)
    comment = await stored_post(instance, lemmy.comment)
    assert page.object_type == "Page"
    assert comment.in_reply_to_id == page.id
    # And they form one thread of the community, rooted at the Page
    [thread] = await threads_of(instance, lemmy.group)
    assert thread.root_post_id == page.id
    assert thread.posts_count == 2
    carried = await carried_posts(instance, lemmy.group)
    assert [c.post_id for c in carried] == [page.id, comment.id]
    assert all(c.announce_uri for c in carried)
    # And each shows as a boost by the community (how Mastodon apps show them)
    boosts = await boosts_by(instance, lemmy.group)
    assert [b.reblog_of_id for b in boosts] == [page.id, comment.id]


async def test_a_relayed_activity_named_by_its_id_is_fetched(instance, lemmy):
    # Given the member's Create served at its id by the member's server
    create = lemmy.doc("activities/create_or_update/create_page")
    lemmy.ds9.put_object(create)
    # When the community's Announce names it by id only (Lemmy before 0.19)
    await send(
        instance, lemmy.home, announce(lemmy.group, create) | {"object": create["id"]}
    )
    # Then the Page is stored and threaded as if it had been embedded
    page = await stored_post(instance, lemmy.post)
    [thread] = await threads_of(instance, lemmy.group)
    assert thread.root_post_id == page.id
    await assert_all_done(instance)


async def test_a_fetched_activity_vouches_only_for_its_own_server(instance, lemmy):
    # Given the members' server serving a Create that claims a post of the
    # community's server, which does not serve that post
    forged = lemmy.doc("activities/create_or_update/create_page")
    claimed = f"{lemmy.home.base_url}/post/99"
    author = f"{lemmy.home.base_url}/u/lemmy_beta"
    forged["object"] |= {"id": claimed, "attributedTo": author}
    forged["actor"] = author
    lemmy.ds9.put_object(forged)
    # When the community's Announce names that Create by id
    await send(
        instance, lemmy.home, announce(lemmy.group, forged) | {"object": forged["id"]}
    )
    # Then the claim is checked with the community's server, and nothing stored
    assert "/post/99" in lemmy.home.gets
    async with instance.db.session() as session:
        assert await get_post_by_uri(session, claimed) is None


async def test_a_comment_before_its_post_brings_the_post_as_the_root(instance, lemmy):
    # Given nothing of the thread here yet
    # When the community relays only the comment
    await send(
        instance, lemmy.home, lemmy.relay("activities/create_or_update/create_comment")
    )
    # Then the Page it answers is fetched and is the thread's root
    page = await stored_post(instance, lemmy.post)
    [thread] = await threads_of(instance, lemmy.group)
    assert thread.root_post_id == page.id
    carried = await carried_posts(instance, lemmy.group)
    assert [(c.post_id == page.id, c.announce_uri is None) for c in carried] == [
        (True, True),
        (False, False),
    ]


LEMMY_RELAYED = sorted(
    str(p.relative_to(FIXTURES / LEMMY)).removesuffix(".json")
    for p in (FIXTURES / LEMMY / "activities").rglob("*.json")
    if p.parent.name != "following" and p.name != "announce_create_page.json"
)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("name", LEMMY_RELAYED)
async def test_every_lemmy_activity_relayed_is_applied_or_dropped(
    instance, lemmy, name
):
    # Given the thread the assets refer to
    await thread_with_comment(instance, lemmy)
    # When the community relays the activity as it stands in Lemmy's assets
    await send(instance, lemmy.home, lemmy.relay(name))
    # Then it was applied or dropped, never failed
    await assert_all_done(instance)
