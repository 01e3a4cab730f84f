"""A local group's relay (issue 13): which posts it carries and announces, the
threads it keeps, and hub groups that relay the groups they follow. One database,
local accounts only; the wire forms are tested in tests/federation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from fedcity.errors import Unprocessable
from fedcity.services.accounts.accounts import NewLocalAccount, create_local_account
from fedcity.services.groups.groups import GroupView, NewGroup, create_group
from fedcity.services.social import follows, interactions
from fedcity.services.statuses.posts import (
    NewPost,
    create_local_post,
    delete_local_post,
)
from fedcity.storage.models import (
    Actor,
    GroupBan,
    GroupPost,
    GroupThread,
    Job,
    Post,
    Visibility,
)
from fedcity.storage.types import utcnow
from fedcity.urls import Urls
from tests.support.keys import premade_keypair

URLS = Urls("http://league.example")


async def person(session: Any, name: str) -> Actor:
    return await create_local_account(
        session, URLS, NewLocalAccount(name, "correct horse battery"), premade_keypair()
    )


async def make(session: Any, name: str, **settings: Any) -> GroupView:
    return await create_group(
        session, URLS, NewGroup(name, **settings), premade_keypair()
    )


async def post(
    session: Any, author: Actor, group: GroupView | None, text: str, **kw: Any
) -> Post:
    mentions = {group.actor.username: group.actor} if group else {}
    return await create_local_post(
        session, URLS, author, NewPost(text, mentions=mentions, **kw)
    )


async def relays(session: Any, group: GroupView) -> list[dict[str, Any]]:
    """The group's queued announces (`federate` jobs of verb GroupRelay)."""
    jobs = await session.scalars(select(Job).where(Job.kind == "federate"))
    return [
        job.payload
        for job in jobs
        if job.payload.get("verb") == "GroupRelay"
        and job.payload["group_actor_id"] == group.actor.id
    ]


async def carried(session: Any, group: GroupView) -> list[GroupPost]:
    rows = await session.scalars(
        select(GroupPost).where(GroupPost.group_actor_id == group.actor.id)
    )
    return list(rows)


async def test_a_members_post_opens_a_thread_and_replies_join_it(db):
    async with db.session() as session:
        housing = await make(session, "housing")
        mayor, manager = (
            await person(session, "mayor"),
            await person(session, "manager"),
        )
        for member in (mayor, manager):
            await follows.follow(session, URLS, member, housing.actor)
        # When a member posts to the group by mentioning it, and another replies
        root = await post(session, mayor, housing, "@housing Trust funds?")
        reply = await post(session, manager, None, "We did.", in_reply_to_id=root.id)
        # Then both are carried in one thread whose context the group minted
        [thread] = list(await session.scalars(select(GroupThread)))
        assert thread.root_post_id == root.id
        assert thread.posts_count == 2
        assert thread.context_uri == URLS.thread_context("housing", thread.id)
        assert root.conversation_uri == thread.context_uri
        assert reply.conversation_uri == thread.context_uri
        assert {c.post_id for c in await carried(session, housing)} == {
            root.id,
            reply.id,
        }
        # And the group boosted both (its members' home timelines) and queued
        # their announces
        boosts = await session.scalars(
            select(Post).where(Post.actor_id == housing.actor.id)
        )
        assert {b.reblog_of_id for b in boosts} == {root.id, reply.id}
        assert [r["activity"] for r in await relays(session, housing)] == [
            "Create",
            "Create",
        ]
        # When the replier likes the root, and the author deletes it
        await interactions.favourite(session, URLS, manager, root)
        await delete_local_post(session, mayor, root)
        # Then the like and the delete are announced too, and the post leaves
        # the thread
        assert [r["activity"] for r in await relays(session, housing)][2:] == [
            "Like",
            "Delete",
        ]
        await session.refresh(thread)
        assert thread.posts_count == 1


async def test_a_non_members_mention_is_an_ordinary_post_the_group_does_not_relay(db):
    async with db.session() as session:
        housing = await make(session, "housing")
        resident = await person(session, "resident")
        written = await post(session, resident, housing, "@housing hello")
        assert written.id
        assert await carried(session, housing) == []
        assert await relays(session, housing) == []


async def test_a_public_group_does_not_relay_a_followers_only_post(db):
    async with db.session() as session:
        housing = await make(session, "housing")
        mayor = await person(session, "mayor")
        await follows.follow(session, URLS, mayor, housing.actor)
        await post(
            session, mayor, housing, "@housing private", visibility=Visibility.PRIVATE
        )
        assert await carried(session, housing) == []


async def test_a_members_group_relays_a_followers_only_post_to_members(db):
    async with db.session() as session:
        mayor = await person(session, "mayor")
        budget = await make(session, "budget", visibility="members")
        await follows.follow(session, URLS, mayor, budget.actor)
        await post(
            session, mayor, budget, "@budget draft", visibility=Visibility.PRIVATE
        )
        [boost] = list(
            await session.scalars(select(Post).where(Post.actor_id == budget.actor.id))
        )
        assert boost.visibility == Visibility.PRIVATE


@pytest.mark.parametrize("reason", ["banned", "locked"])
async def test_a_member_hears_at_once_why_the_group_refuses_a_post(db, reason):
    async with db.session() as session:
        housing = await make(session, "housing")
        mayor, manager = (
            await person(session, "mayor"),
            await person(session, "manager"),
        )
        for member in (mayor, manager):
            await follows.follow(session, URLS, member, housing.actor)
        root = await post(session, mayor, housing, "@housing Trust funds?")
        if reason == "banned":
            session.add(GroupBan(group_actor_id=housing.actor.id, actor_id=manager.id))
            expected = "banned"
        else:
            thread = await session.scalar(select(GroupThread))
            assert thread is not None
            thread.locked_at = utcnow()
            expected = "locked"
        await session.flush()
        with pytest.raises(Unprocessable) as refused:
            await post(session, manager, None, "We did.", in_reply_to_id=root.id)
        assert expected in refused.value.message


async def test_an_expired_ban_no_longer_stops_a_member(db):
    async with db.session() as session:
        housing = await make(session, "housing")
        mayor = await person(session, "mayor")
        await follows.follow(session, URLS, mayor, housing.actor)
        session.add(
            GroupBan(
                group_actor_id=housing.actor.id,
                actor_id=mayor.id,
                expires_at=utcnow() - timedelta(days=1),
            )
        )
        await session.flush()
        await post(session, mayor, housing, "@housing back again")
        assert len(await carried(session, housing)) == 1


async def test_a_hub_group_relays_the_groups_it_follows_once(db):
    async with db.session() as session:
        # Given a league hub group following two city groups, and a member of both
        hub = await make(session, "hub")
        ojai, ventura = await make(session, "ojai"), await make(session, "ventura")
        for city in (ojai, ventura):
            await follows.follow(session, URLS, hub.actor, city.actor)
        mayor = await person(session, "mayor")
        for city in (ojai, ventura):
            await follows.follow(session, URLS, mayor, city.actor)
        # When the member posts to both city groups at once
        await create_local_post(
            session,
            URLS,
            mayor,
            NewPost(
                "@ojai @ventura Joint grant?",
                mentions={"ojai": ojai.actor, "ventura": ventura.actor},
            ),
        )
        # Then each city group carries it, and the hub carries and announces it
        # once
        assert len(await carried(session, ojai)) == 1
        assert len(await carried(session, ventura)) == 1
        assert len(await carried(session, hub)) == 1
        assert len(await relays(session, hub)) == 1
