"""Groups' moderation rules (issue 13): who may moderate, settings, requests to
join, bans, removals, locks, pins, and proposed groups waiting for an admin. What
goes on the wire is queued as `federate` jobs, checked here by verb; its shape is
tested in tests/federation/test_group_moderation_federation.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Forbidden, NotFound, Unprocessable
from fedcity.services.accounts.accounts import NewLocalAccount, create_local_account
from fedcity.services.accounts.remote_actors import (
    RemoteActorData,
    upsert_remote_actor,
)
from fedcity.services.groups import members, moderation, proposals
from fedcity.services.groups.groups import NewGroup, create_group, list_groups
from fedcity.services.moderation import action_log
from fedcity.services.social import follows
from fedcity.services.statuses.posts import NewPost, create_local_post
from fedcity.storage.models import (
    Actor,
    GroupPost,
    GroupThread,
    Job,
    Post,
)
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as groups_q
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow
from fedcity.urls import Urls
from tests.support.keys import premade_keypair

URLS = Urls("http://city.example")


@dataclass
class World:
    session: AsyncSession
    group: Actor  # "parks", public and open, moderated by `mod`
    mod: Actor
    alice: Actor
    bob: Actor
    admin: Actor


async def account(session: AsyncSession, name: str, role: str = "user") -> Actor:
    return await create_local_account(
        session,
        URLS,
        NewLocalAccount(name, "correct horse battery", role=role),
        premade_keypair(),
    )


@pytest.fixture
async def world(db: Any) -> AsyncIterator[World]:
    async with db.session() as session:
        mod = await account(session, "mod")
        alice, bob = await account(session, "alice"), await account(session, "bob")
        admin = await account(session, "root", role="admin")
        made = await create_group(
            session, URLS, NewGroup("parks", moderators=("mod",)), premade_keypair()
        )
        yield World(session, made.actor, mod, alice, bob, admin)


async def federated(session: AsyncSession) -> list[dict[str, Any]]:
    """The `federate` jobs queued so far, oldest first."""
    rows = await session.scalars(
        select(Job.payload).where(Job.kind == "federate").order_by(Job.id)
    )
    return list(rows)


async def verbs(session: AsyncSession) -> list[str]:
    return [payload["verb"] for payload in await federated(session)]


async def carry(
    w: World, post: Post, thread: GroupThread | None = None
) -> tuple[GroupThread, GroupPost]:
    """The group carries `post`, as its relay does when it accepts it: a new
    thread with it as root, or a reply in `thread`."""
    if thread is None:
        thread = GroupThread(
            group_actor_id=w.group.id, root_post_id=post.id, last_activity_at=utcnow()
        )
        w.session.add(thread)
        await w.session.flush()
    row = GroupPost(group_actor_id=w.group.id, thread_id=thread.id, post_id=post.id)
    w.session.add(row)
    await w.session.flush()
    return thread, row


async def local_post(w: World, author: Actor, text: str = "Trail repairs") -> Post:
    return await create_local_post(w.session, URLS, author, NewPost(text))


async def remote_author(session: AsyncSession) -> Actor:
    return await upsert_remote_actor(
        session,
        RemoteActorData(
            uri="https://lemmy.example/u/carol",
            actor_type="Person",
            username="carol",
            domain="lemmy.example",
            inbox_uri="https://lemmy.example/u/carol/inbox",
            key_id=None,
            public_key_pem=None,
        ),
    )


async def remote_post(session: AsyncSession, author: Actor) -> Post:
    post = Post(
        uri="https://lemmy.example/post/7",
        actor_id=author.id,
        content="<p>From Lemmy</p>",
        local=False,
        published_at=utcnow(),
    )
    session.add(post)
    await session.flush()
    return post


async def join(w: World, who: Actor) -> str:
    """`who` follows the group; the follow's state."""
    row = await follows.follow(w.session, URLS, who, w.group)
    return row.state


# --- who may moderate ----------------------------------------------------------------


async def test_an_account_that_does_not_moderate_the_group_is_refused(world):
    # Given a post the group carries, and bob, who does not moderate it
    w = world
    post = await local_post(w, w.alice)
    thread, _ = await carry(w, post)
    session, bob = w.session, w.bob
    actions = [
        lambda: moderation.update_group(
            session, URLS, bob, "parks", moderation.GroupChanges(rules="x")
        ),
        lambda: moderation.remove_post(session, bob, "parks", post.id),
        lambda: moderation.mark_thread(session, bob, "parks", post.id, moderation.LOCK),
        lambda: moderation.mark_thread(session, bob, "parks", post.id, moderation.PIN),
        lambda: members.ban(session, URLS, bob, "parks", w.alice.id),
        lambda: members.pending_members(session, bob, "parks", Page()),
        lambda: members.add_moderator(session, bob, "parks", bob.id),
        lambda: moderation.group_log(session, bob, "parks", Page()),
    ]
    # When bob tries each moderator's action, then each is refused
    for action in actions:
        with pytest.raises(Forbidden) as refused:
            await action()
        assert refused.value.message == "Only the group's moderators may do this"
    # And nothing changed, and only the post's own Create was queued
    assert (thread.locked_at, thread.pinned_at) == (None, None)
    assert await groups_q.get_ban(session, w.group.id, w.alice.id) is None
    assert await verbs(session) == ["Create"]


async def test_an_admin_of_the_instance_may_moderate_any_group(world):
    # Given an admin who does not moderate the group
    w = world
    post = await local_post(w, w.alice)
    thread, _ = await carry(w, post)
    # When the admin locks a thread
    await moderation.mark_thread(w.session, w.admin, "parks", post.id, moderation.LOCK)
    # Then it is locked, and the action log says who did it
    assert moderation.is_locked(thread)
    entries = await action_log.list_entries(
        w.session, Page(), target_type="Group", target_id=w.group.id
    )
    assert [(e.account, e.action) for e in entries] == [("root", "lock")]


# --- settings ------------------------------------------------------------------------


async def test_making_a_group_members_only_locks_its_actor_and_sends_an_update(world):
    w = world
    # When its moderator makes it members-only and writes its rules
    view = await moderation.update_group(
        w.session,
        URLS,
        w.mod,
        "parks",
        moderation.GroupChanges(
            visibility="members",
            rules="Be kind.",
            description="Parks & trails",
            quorum_guard="restrict",
        ),
    )
    # Then the actor approves followers by hand and stays out of directories
    assert (view.group.visibility, view.group.rules) == ("members", "Be kind.")
    assert view.group.quorum_guard == "restrict"
    assert w.group.locked is True
    assert (w.group.discoverable, w.group.indexable) == (False, False)
    # And the description is stored as HTML, escaped
    assert w.group.summary == "<p>Parks &amp; trails</p>"
    # And its followers' servers hear an Update of the group
    assert await federated(w.session) == [
        {"verb": "UpdateActor", "actor_id": w.group.id}
    ]


async def test_a_setting_that_is_not_one_is_refused_with_the_choices(world):
    with pytest.raises(Unprocessable) as refused:
        await moderation.update_group(
            world.session,
            URLS,
            world.mod,
            "parks",
            moderation.GroupChanges(policy="anyone"),
        )
    assert refused.value.message == "Policy must be one of: open, approval, officials"


async def test_rules_alone_change_nothing_on_the_wire(world):
    await moderation.update_group(
        world.session, URLS, world.mod, "parks", moderation.GroupChanges(rules="x")
    )
    assert await verbs(world.session) == []


# --- requests to join ------------------------------------------------------------------


async def test_a_moderator_approves_a_request_to_join(world):
    # Given an approval group and alice's request to join it
    w = world
    await moderation.update_group(
        w.session, URLS, w.mod, "parks", moderation.GroupChanges(policy="approval")
    )
    assert await join(w, w.alice) == "pending"
    pending = await members.pending_members(w.session, w.mod, "parks", Page())
    assert [actor.id for _, actor in pending] == [w.alice.id]
    # When the moderator approves it
    await members.approve_member(w.session, w.mod, "parks", w.alice.id)
    # Then alice is a member, and no request is left
    row = await actor_q.get_follow(w.session, w.alice.id, w.group.id)
    assert row is not None
    assert row.state == "accepted"
    assert await members.pending_members(w.session, w.mod, "parks", Page()) == []
    # And approving her again is refused: she asks nothing
    with pytest.raises(Unprocessable):
        await members.approve_member(w.session, w.mod, "parks", w.alice.id)


async def test_a_moderator_rejects_a_request_to_join(world):
    w = world
    await moderation.update_group(
        w.session, URLS, w.mod, "parks", moderation.GroupChanges(policy="approval")
    )
    await join(w, w.alice)
    await members.reject_member(w.session, w.mod, "parks", w.alice.id)
    assert await actor_q.get_follow(w.session, w.alice.id, w.group.id) is None


# --- bans ------------------------------------------------------------------------------


async def test_a_ban_ends_membership_and_refuses_a_later_follow(world):
    # Given alice, a member
    w = world
    assert await join(w, w.alice) == "accepted"
    # When the moderator bans her for a reason
    ban = await members.ban(w.session, URLS, w.mod, "parks", w.alice.id, "spam")
    # Then her membership is gone, the Block is queued, the log says why
    assert await actor_q.get_follow(w.session, w.alice.id, w.group.id) is None
    assert ban.reason == "spam"
    assert ban.block_uri is not None
    assert ban.block_uri.startswith("http://city.example/activities/")
    assert {"verb": "GroupBan", "ban_id": ban.id} in await federated(w.session)
    entries = await moderation.group_log(w.session, w.mod, "parks", Page())
    assert [(e.action, e.target, e.reason) for e in entries] == [
        ("ban", "parks: alice", "spam")
    ]
    # And her follow is refused, saying why
    with pytest.raises(Forbidden) as refused:
        await join(w, w.alice)
    assert refused.value.message == "You are banned from this group"


async def test_an_expired_ban_stops_counting(world):
    # Given a ban of alice for an hour
    w = world
    later = utcnow() + timedelta(hours=1)
    ban = await members.ban(
        w.session, URLS, w.mod, "parks", w.alice.id, expires_at=later
    )
    # When the hour has passed
    ban.expires_at = utcnow() - timedelta(seconds=1)
    await w.session.flush()
    # Then she may join again, and the ban is still listed until lifted
    assert await join(w, w.alice) == "accepted"
    listed = await members.bans(w.session, w.mod, "parks", Page())
    assert [actor.id for _, actor in listed] == [w.alice.id]


async def test_a_ban_must_end_in_the_future(world):
    with pytest.raises(Unprocessable):
        await members.ban(
            world.session,
            URLS,
            world.mod,
            "parks",
            world.alice.id,
            expires_at=utcnow() - timedelta(minutes=1),
        )


async def test_a_moderator_cannot_be_banned(world):
    with pytest.raises(Unprocessable) as refused:
        await members.ban(world.session, URLS, world.admin, "parks", world.mod.id)
    assert refused.value.message == "A moderator of the group cannot be banned"


async def test_lifting_a_ban_sends_undo_of_its_block(world):
    # Given a ban of alice
    w = world
    ban = await members.ban(w.session, URLS, w.mod, "parks", w.alice.id)
    block_uri = ban.block_uri
    # When it is lifted
    await members.unban(w.session, w.mod, "parks", w.alice.id)
    # Then the row is gone, the Undo names the Block, and she may join
    assert await groups_q.get_ban(w.session, w.group.id, w.alice.id) is None
    assert (await federated(w.session))[-1] == {
        "verb": "GroupUnban",
        "group_actor_id": w.group.id,
        "actor_id": w.alice.id,
        "block_uri": block_uri,
    }
    assert await join(w, w.alice) == "accepted"
    # And lifting it again is refused
    with pytest.raises(Unprocessable):
        await members.unban(w.session, w.mod, "parks", w.alice.id)


# --- threads ---------------------------------------------------------------------------


async def test_locking_a_thread_marks_it_once_and_unlocking_names_the_lock(world):
    # Given a thread with a reply
    w = world
    root = await local_post(w, w.alice)
    thread, _ = await carry(w, root)
    reply = await local_post(w, w.bob, "Agreed")
    await carry(w, reply, thread)
    # When the moderator locks it by its reply, and again by its root
    await moderation.mark_thread(w.session, w.mod, "parks", reply.id, moderation.LOCK)
    await moderation.mark_thread(w.session, w.mod, "parks", root.id, moderation.LOCK)
    # Then it is locked, and one Lock was queued
    assert moderation.is_locked(thread)
    locks = [p for p in await federated(w.session) if p["verb"] == "GroupLock"]
    assert len(locks) == 1
    assert (locks[0]["thread_id"], locks[0]["moderator_id"]) == (thread.id, w.mod.id)
    # When it is unlocked
    await moderation.mark_thread(w.session, w.mod, "parks", root.id, moderation.UNLOCK)
    # Then it takes replies again, and the Undo carries the Lock's stamp
    assert not moderation.is_locked(thread)
    unlock = (await federated(w.session))[-1]
    assert unlock["verb"] == "GroupUnlock"
    assert unlock["stamp"] == locks[0]["stamp"]


async def test_a_pinned_thread_is_featured_until_unpinned(world):
    w = world
    root = await local_post(w, w.alice)
    await carry(w, root)
    thread = await moderation.mark_thread(
        w.session, w.mod, "parks", root.id, moderation.PIN
    )
    assert thread.pinned_at is not None
    assert await moderation.pinned_posts(w.session, w.group) == [root]
    await moderation.mark_thread(w.session, w.mod, "parks", root.id, moderation.UNPIN)
    assert await moderation.pinned_posts(w.session, w.group) == []
    assert [v for v in await verbs(w.session) if v in ("GroupPin", "GroupUnpin")] == [
        "GroupPin",
        "GroupUnpin",
    ]


async def test_a_post_the_group_does_not_carry_is_not_found(world):
    w = world
    post = await local_post(w, w.alice)
    with pytest.raises(NotFound) as missing:
        await moderation.mark_thread(
            w.session, w.mod, "parks", post.id, moderation.LOCK
        )
    assert missing.value.message == "This post is not in the group"
    with pytest.raises(NotFound):
        await moderation.remove_post(w.session, w.mod, "parks", post.id)


# --- removals --------------------------------------------------------------------------


async def test_removing_a_local_post_deletes_it_and_logs_why(world):
    # Given alice's post in the group
    w = world
    post = await local_post(w, w.alice)
    thread, carried = await carry(w, post)
    reply = await local_post(w, w.alice)
    await carry(w, reply, thread)
    thread.posts_count = 2
    # When the moderator removes it
    await moderation.remove_post(w.session, w.mod, "parks", post.id, "Off topic")
    # Then the group keeps the row, marked removed, and the post is deleted; its
    # thread counts one post fewer
    assert carried.removed_at is not None
    assert thread.posts_count == 1
    assert (carried.removed_by_id, carried.removal_reason) == (w.mod.id, "Off topic")
    assert post.deleted_at is not None
    # And the author's Delete and the group's announced removal are queued
    queued = await federated(w.session)
    assert {"verb": "Delete", "post_id": post.id} in queued
    assert queued[-1] == {"verb": "GroupRemovePost", "group_post_id": carried.id}
    # And removing it again changes nothing
    await moderation.remove_post(w.session, w.mod, "parks", post.id, "again")
    assert carried.removal_reason == "Off topic"
    assert thread.posts_count == 1
    assert (await verbs(w.session)).count("GroupRemovePost") == 1


async def test_removing_a_remote_post_hides_it_from_the_group(world):
    # Given a Lemmy user's post, a pinned thread of the group
    w = world
    post = await remote_post(w.session, await remote_author(w.session))
    await carry(w, post)
    await moderation.mark_thread(w.session, w.mod, "parks", post.id, moderation.PIN)
    # When it is removed
    await moderation.remove_post(w.session, w.mod, "parks", post.id, "spam")
    # Then the post itself stays (another server's), but the group hides it
    assert post.deleted_at is None
    assert await moderation.pinned_posts(w.session, w.group) == []
    carried = await groups_q.get_group_post(w.session, w.group.id, post.id)
    assert carried is not None
    assert carried.removed_at is not None


# --- moderators ------------------------------------------------------------------------


async def test_moderators_are_added_and_removed_but_one_stays(world):
    w = world
    after = await members.add_moderator(w.session, w.mod, "parks", w.bob.id)
    assert [m.username for m in after] == ["mod", "bob"]
    after = await members.remove_moderator(w.session, w.bob, "parks", w.mod.id)
    assert [m.username for m in after] == ["bob"]
    with pytest.raises(Unprocessable) as refused:
        await members.remove_moderator(w.session, w.bob, "parks", w.bob.id)
    assert refused.value.message == "A group keeps at least one moderator"


async def test_an_account_of_another_server_cannot_moderate(world):
    carol = await remote_author(world.session)
    with pytest.raises(Unprocessable):
        await members.add_moderator(world.session, world.mod, "parks", carol.id)


# --- proposed groups -------------------------------------------------------------------


async def propose(w: World, by: Actor, name: str = "trails") -> Any:
    return await proposals.propose_group(
        w.session,
        URLS,
        by,
        NewGroup(name, description="Trail work"),
        premade_keypair(),
        rules="No ads",
        require_approval=True,
    )


async def test_a_proposed_group_waits_for_an_admin(world):
    # Given a group bob proposes, on an instance whose groups need approval
    w = world
    view = await propose(w, w.bob)
    # Then he moderates it, and it waits
    assert [m.id for m in view.moderators] == [w.bob.id]
    assert (view.group.approved_at, view.group.rules) == (None, "No ads")
    # And stays out of directories: the profile directory, and the groups'
    assert (view.actor.discoverable, view.actor.indexable) == (False, False)
    public = await list_groups(w.session, approved_only=True)
    assert [v.actor.username for v in public] == ["parks"]
    # And it refuses follows and is listed only to bob
    with pytest.raises(Forbidden) as refused:
        await follows.follow(w.session, URLS, w.alice, view.actor)
    assert (
        refused.value.message == "This group is waiting for an administrator's approval"
    )
    listed = await proposals.listed_groups(w.session, w.alice, Page())
    assert [v.actor.username for v in listed] == ["parks"]
    mine = await proposals.listed_groups(w.session, w.bob, Page())
    assert [v.actor.username for v in mine] == ["trails", "parks"]
    with pytest.raises(NotFound):
        await proposals.shown_group(w.session, w.alice, "trails")
    # And only an admin approves it
    with pytest.raises(Forbidden):
        await proposals.approve_group(w.session, w.bob, "trails")
    await proposals.approve_group(w.session, w.admin, "trails")
    # Then anyone sees it, and alice may join
    assert (await proposals.shown_group(w.session, None, "trails")).group.approved_at
    assert view.actor.discoverable is True
    public = await list_groups(w.session, approved_only=True)
    assert [v.actor.username for v in public] == ["parks", "trails"]
    joined = await follows.follow(w.session, URLS, w.alice, view.actor)
    assert joined.state == "accepted"


async def test_a_rejected_proposal_is_deleted(world):
    w = world
    await propose(w, w.bob)
    await proposals.reject_group(w.session, w.admin, "trails")
    with pytest.raises(NotFound):
        await proposals.shown_group(w.session, w.bob, "trails")
    assert [
        v.actor.username
        for v in await proposals.awaiting_groups(w.session, w.admin, Page())
    ] == []


async def test_an_admin_s_proposal_needs_no_approval(world):
    view = await propose(world, world.admin)
    assert view.group.approved_at is not None
