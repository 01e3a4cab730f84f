"""What a remote group's announces write on a member's instance (issue 13): the
thread rows, one boost per group and post, removals, bans, and which groups a
local post is addressed to."""

from __future__ import annotations

from datetime import UTC, datetime

from fedcity.federation.groups.addressing import post_groups
from fedcity.services.accounts.remote_actors import (
    RemoteActorData,
    upsert_remote_actor,
)
from fedcity.services.groups import threads
from fedcity.services.statuses.remote_posts import RemotePostData, store_remote_post
from fedcity.storage.db import Database
from fedcity.storage.models import Actor, Post, Visibility
from fedcity.storage.queries import groups as group_q
from fedcity.storage.queries import posts as post_q
from fedcity.urls import Urls
from tests.support.accounts import local_account

URLS = Urls("http://city.example")
PEER = "http://lemmy.example"


async def remote(db: Database, name: str, kind: str = "Person") -> Actor:
    async with db.session() as session:
        return await upsert_remote_actor(
            session,
            RemoteActorData(
                uri=f"{PEER}/u/{name}",
                actor_type=kind,
                username=name,
                domain="lemmy.example",
                inbox_uri=f"{PEER}/u/{name}/inbox",
                key_id=None,
                public_key_pem=None,
            ),
        )


async def remote_post(
    db: Database, author: Actor, path: str, reply_to: str | None = None, hour: int = 9
) -> Post:
    async with db.session() as session:
        post = await store_remote_post(
            session,
            author,
            RemotePostData(
                uri=f"{PEER}{path}",
                object_type="Note",
                content="<p>text</p>",
                visibility=Visibility.PUBLIC,
                in_reply_to_uri=reply_to,
                published_at=datetime(2025, 1, 20, hour, tzinfo=UTC),
            ),
        )
    assert post is not None
    return post


async def test_a_thread_is_made_once_and_counts_each_post_once(db):
    # Given a group, a root post and a reply to it
    group = await remote(db, "housing", "Group")
    author = await remote(db, "picard")
    root = await remote_post(db, author, "/post/1")
    reply = await remote_post(db, author, "/comment/1", root.uri, hour=11)
    async with db.session() as session:
        # When the root, the reply, and the reply again are recorded
        await threads.record_group_post(
            session, group, root, root, context_uri=f"{PEER}/post/1/context"
        )
        await threads.record_group_post(
            session, group, reply, root, announce_uri=f"{PEER}/a/2"
        )
        await threads.record_group_post(
            session, group, reply, root, context_uri=f"{PEER}/other"
        )
        # Then one thread holds two posts, its activity that of the reply, its
        # context the first one given
        thread = await group_q.get_thread_by_root(session, group.id, root.id)
        assert thread is not None
        assert thread.posts_count == 2
        assert thread.last_activity_at == datetime(2025, 1, 20, 11, tzinfo=UTC)
        assert thread.context_uri == f"{PEER}/post/1/context"
        carried = await group_q.get_group_post(session, group.id, reply.id)
        assert carried is not None
        assert carried.announce_uri == f"{PEER}/a/2"


async def test_a_group_boosts_a_post_once_however_often_it_announces_it(db):
    # Given a group and a post
    group = await remote(db, "housing", "Group")
    post = await remote_post(db, await remote(db, "picard"), "/post/1")
    async with db.session() as session:
        # When the group's Announce(Create) and Announce(Note) both arrive
        first = await threads.boost_once(
            session, group, post, f"{PEER}/a/1", Visibility.PUBLIC
        )
        again = await threads.boost_once(
            session, group, post, f"{PEER}/a/2", Visibility.PUBLIC
        )
        # Then there is one boost, by the group
        assert first is not None
        assert again is None
        assert await post_q.get_reblog(session, group.id, post.id) is not None


async def test_a_removal_tombstones_a_remote_post_but_only_unboosts_a_local_one(db):
    # Given a group carrying a remote post and a local account's post, boosted
    group = await remote(db, "housing", "Group")
    theirs = await remote_post(db, await remote(db, "picard"), "/post/1")
    mayor = await local_account(db, URLS, "mayor")
    async with db.session() as session:
        ours = Post(uri=URLS.base + "/s/1", actor_id=mayor.id, attachments=[])
        session.add(ours)
        await session.flush()
        removal = threads.Removal(None, "off-topic")
        for post in (theirs, ours):
            carried = await threads.record_group_post(session, group, post, post)
            await threads.boost_once(
                session, group, post, f"{post.uri}/a", Visibility.PUBLIC
            )
            # When the group removes each
            await threads.remove_post(session, carried, post, removal)
            # Then it is marked removed with the reason
            assert carried.removed_at is not None
            assert carried.removal_reason == "off-topic"
            assert await post_q.get_reblog(session, group.id, post.id) is None
        # And the remote post is gone here; the mayor's own post stays theirs
        assert theirs.deleted_at is not None
        assert ours.deleted_at is None


async def test_a_ban_is_replaced_by_a_new_one_and_lifted_by_its_undo(db):
    # Given a group and a banned member
    group = await remote(db, "housing", "Group")
    member = await remote(db, "riker")
    until = datetime(2030, 1, 1, tzinfo=UTC)
    async with db.session() as session:
        await threads.record_ban(session, group, member, threads.Ban("spam"))
        # When the group bans again, with an end
        await threads.record_ban(session, group, member, threads.Ban("spam", until))
        ban = await group_q.get_ban(session, group.id, member.id)
        assert ban is not None
        assert ban.expires_at == until
        # When the ban is undone
        await threads.lift_ban(session, group, member)
        # Then it is gone
        assert await group_q.get_ban(session, group.id, member.id) is None


async def test_a_local_reply_goes_to_the_groups_carrying_its_parent_unless_direct(
    db,
):
    # Given a thread of a remote group, and a group the reply mentions
    group = await remote(db, "housing", "Group")
    other = await remote(db, "zoning", "Group")
    root = await remote_post(db, await remote(db, "picard"), "/post/1")
    mayor = await local_account(db, URLS, "mayor")
    async with db.session() as session:
        await threads.record_group_post(session, group, root, root)
        reply = Post(
            uri=URLS.base + "/s/2",
            actor_id=mayor.id,
            in_reply_to_id=root.id,
            visibility=Visibility.PUBLIC,
            attachments=[],
        )
        # When the groups it goes to are asked for
        # Then the mentioned group comes first, then the thread's
        found = await post_groups(session, reply, [other])
        assert [g.uri for g in found] == [other.uri, group.uri]
        # And a direct reply goes only to the groups it mentions
        reply.visibility = Visibility.DIRECT
        assert await post_groups(session, reply, []) == []
