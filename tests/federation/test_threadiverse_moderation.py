"""A Lemmy community's moderation as a member's instance applies it (issue 13):
removals, votes, locks, pins, bans, reports and profile updates, in Lemmy's own
payloads relayed by the community (tests/support/lemmy_world.py); only the
group that carries a thread acts in it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from fedcity.federation.actors import get_or_fetch_actor
from fedcity.storage.models import Block, Report
from tests.support.lemmy_world import Lemmy, lemmy_world, thread_with_comment
from tests.support.payloads import mayor_and_status
from tests.support.threadiverse import (
    actor_row,
    announce,
    assert_all_done,
    bans_of,
    boosts_by,
    carried_posts,
    send,
    serve_actor,
    stored_post,
    threads_of,
)

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
async def lemmy(remote, aiohttp_server) -> Lemmy:
    return await lemmy_world(remote, aiohttp_server)


async def test_edit_removal_and_deletion_relayed_by_the_community(instance, lemmy):
    # Given the thread, and the Page as edited on its server
    await thread_with_comment(instance, lemmy)
    update = lemmy.doc("activities/create_or_update/update_page")
    lemmy.ds9.put_object(update["object"])
    # When the community relays the edit
    await send(instance, lemmy.home, announce(lemmy.group, update))
    # Then the Page is edited
    page = await stored_post(instance, lemmy.post)
    assert page.edited_at is not None
    assert "test post 1" in page.content
    # When a moderator's removal of the comment (Lemmy: a Delete by the moderator
    # with the reason in `summary`) and the author's Undo of a deletion come
    await send(
        instance,
        lemmy.home,
        lemmy.relay("activities/deletion/remove_note"),
        lemmy.relay("activities/deletion/undo_delete_page"),
    )
    # Then the comment is gone here and marked removed in the thread, with the
    # reason; the Undo of a deletion restores nothing
    assert (await stored_post(instance, lemmy.comment)).deleted_at is not None
    removed = [c for c in await carried_posts(instance, lemmy.group) if c.removed_at]
    assert [c.removal_reason for c in removed] == ["bad comment"]
    moderator = await actor_row(instance, f"{lemmy.home.base_url}/u/lemmy_beta")
    assert removed[0].removed_by_id == moderator.id
    # When the author deletes the Page
    await send(instance, lemmy.home, lemmy.relay("activities/deletion/delete_page"))
    # Then it is gone too, and so are the community's boosts of both
    assert (await stored_post(instance, lemmy.post)).deleted_at is not None
    assert await boosts_by(instance, lemmy.group) == []
    await assert_all_done(instance)


async def test_votes_relayed_by_the_community(instance, lemmy):
    # Given the thread
    await thread_with_comment(instance, lemmy)
    # When a member's like of the comment is relayed, and a dislike of the Page
    await send(
        instance,
        lemmy.home,
        lemmy.relay("activities/voting/like_note"),
        lemmy.relay("activities/voting/dislike_page"),
    )
    # Then the like counts; the dislike is not kept
    assert (await stored_post(instance, lemmy.comment)).favourites_count == 1
    assert (await stored_post(instance, lemmy.post)).favourites_count == 0
    # When the like is undone (and a dislike's Undo, which Lemmy sends as a Like's)
    await send(
        instance,
        lemmy.home,
        lemmy.relay("activities/voting/undo_like_note"),
        lemmy.relay("activities/voting/undo_dislike_page"),
    )
    # Then it no longer counts
    assert (await stored_post(instance, lemmy.comment)).favourites_count == 0
    await assert_all_done(instance)


async def test_lock_and_pin_relayed_by_the_community(instance, lemmy):
    # Given the thread (Lemmy's assets lock and pin other posts of theirs: the
    # scenario's Page and comment stand in, and the community's own featured)
    await thread_with_comment(instance, lemmy)

    async def thread():
        [only] = await threads_of(instance, lemmy.group)
        return only

    def undo(name: str, post: str) -> dict[str, Any]:
        doc = lemmy.doc(f"activities/community/{name}")
        return announce(
            lemmy.group, {**doc, "object": {**doc["object"], "object": post}}
        )

    # When a moderator locks the Page (Lemmy 0.19's Lock), then unlocks it; and
    # the same with the comment, whose Lock locks the thread it is in
    for lock, unlock, post in (
        ("lock_page", "undo_lock_page", lemmy.post),
        ("lock_note", "undo_lock_note", lemmy.comment),
    ):
        await send(
            instance,
            lemmy.home,
            lemmy.relay(f"activities/community/{lock}", object=post),
        )
        assert (await thread()).locked_at is not None
        await send(instance, lemmy.home, undo(unlock, post))
        assert (await thread()).locked_at is None
    # When the Page is added to the community's featured collection
    pin = {"object": lemmy.post, "target": lemmy.featured}
    await send(
        instance,
        lemmy.home,
        lemmy.relay("activities/community/add_featured_post", **pin),
    )
    # Then the thread is pinned; adding a moderator changes no thread
    assert (await thread()).pinned_at is not None
    await send(instance, lemmy.home, lemmy.relay("activities/community/add_mod"))
    assert (await thread()).pinned_at is not None
    # When it is removed from featured, it is unpinned
    await send(
        instance,
        lemmy.home,
        lemmy.relay("activities/community/remove_featured_post", **pin),
    )
    assert (await thread()).pinned_at is None
    await assert_all_done(instance)


async def test_bans_relayed_by_the_community(instance, lemmy):
    # Given a local account
    mayor, _ = await mayor_and_status(instance)
    member = f"{lemmy.ds9.base_url}/u/lemmy_alpha"
    # When the community relays its bans of a remote member and of the mayor, and
    # the moderator also sends the mayor's ban straight to the mayor, as Lemmy does
    await send(
        instance,
        lemmy.home,
        lemmy.relay("activities/block/block_user"),
        lemmy.relay("activities/block/block_user", object=mayor.uri),
        lemmy.doc("activities/block/block_user", object=mayor.uri),
    )
    # Then both are kept, with Lemmy's reason and end
    bans = await bans_of(instance, lemmy.group)
    assert set(bans) == {member, mayor.uri}
    assert bans[mayor.uri].reason == "spam post"
    assert bans[mayor.uri].expires_at is not None
    assert bans[mayor.uri].expires_at.isoformat().startswith("2021-11-01T12:23:50")
    # And the mayor has not been blocked by the moderator as a person
    assert not await _has_personal_block(instance, mayor.id)
    # When the remote member's ban is undone
    await send(instance, lemmy.home, lemmy.relay("activities/block/undo_block_user"))
    # Then only the mayor's ban remains
    assert set(await bans_of(instance, lemmy.group)) == {mayor.uri}
    await assert_all_done(instance)


async def _has_personal_block(instance, target_id: int) -> bool:
    async with instance.db.session() as session:
        row = await session.scalar(select(Block).where(Block.target_id == target_id))
    return row is not None


async def test_a_report_forwarded_by_the_community_reaches_moderators(instance, lemmy):
    # Given the mayor's post
    mayor, status = await mayor_and_status(instance)
    # When the community relays a member's report of it (Lemmy's Flag)
    await send(
        instance,
        lemmy.home,
        lemmy.relay("activities/community/report_page", object=status.uri),
    )
    # Then the moderators here have a report about the mayor, with its reason
    async with instance.db.session() as session:
        [report] = list(await session.scalars(select(Report)))
    assert report.target_id == mayor.id
    assert report.status_ids == [status.id]
    assert report.comment == "report this post"


async def test_only_the_group_that_carries_a_thread_moderates_it(
    instance, lemmy, remote
):
    # Given the thread in `main`, another community and a plain account
    await thread_with_comment(instance, lemmy)
    other = f"{remote.base_url}/c/other"
    serve_actor(remote, other, "Group")
    lock = lemmy.doc("activities/community/lock_page", object=lemmy.post)
    # When the other community relays a Lock of the Page, and the account
    # announces one
    person = f"{remote.base_url}/u/lemmy_beta"
    await send(
        instance,
        remote,
        announce(other, lock),
        {**announce(person, lock), "id": f"{person}/announce/1"},
    )
    # Then the thread stays open
    [thread] = await threads_of(instance, lemmy.group)
    assert thread.locked_at is None
    await assert_all_done(instance)


async def test_a_relayed_community_update_refreshes_the_group(instance, lemmy):
    # Given the community known here
    await actor_row_of(instance, lemmy.group)
    # When its moderator's Update(Group) is relayed, the new name served
    update = lemmy.doc("activities/community/update_community")
    serve_actor(lemmy.home, lemmy.group, "Group", name="The Updated Community")
    await send(instance, lemmy.home, announce(lemmy.group, update))
    # Then the group's document is fetched anew
    assert (await actor_row(instance, lemmy.group)).display_name == (
        "The Updated Community"
    )


async def actor_row_of(instance, uri: str) -> None:
    async with instance.db.session() as session:
        await get_or_fetch_actor(instance.fed, session, uri)
