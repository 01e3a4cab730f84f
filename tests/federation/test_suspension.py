"""Suspension across servers: a suspended local account is withdrawn from every
server known here (its followers' and the others) with a `Delete` of the actor; a suspended remote account's
content is removed here and what it sends is no longer applied."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fedcity.services.moderation import account_actions
from fedcity.storage.models import Actor, Follow, Post
from fedcity.storage.queries.actors import get_actor_by_uri
from tests.federation.test_reports_and_blocklist import follow, remote_post
from tests.support.remote import RemoteServer

pytestmark = pytest.mark.usefixtures("backend")


async def moderate(instance, uri: str, kind: str = "suspend") -> None:
    async with instance.db.session() as session:
        target = await get_actor_by_uri(session, uri)
        assert target is not None
        if kind.startswith("un"):
            await account_actions.undo_action(session, None, target, kind)
        else:
            cmd = account_actions.AccountAction(kind)
            await account_actions.take_action(session, None, target, cmd)
    await instance.run_jobs()


async def test_suspending_a_local_account_deletes_it_at_every_known_server(
    instance, remote, aiohttp_server
):
    # Given a local account followed from another server, and a third server
    # known here only through a post of one of its accounts
    bystanders = RemoteServer()
    await bystanders.start(aiohttp_server)
    await remote_post(instance, bystanders, bystanders.add_actor("neighbour"))
    await instance.create_account("troll")
    troll_uri = instance.fed.urls.actor("troll")
    fan = remote.add_actor("fan")
    status, _ = await remote.send(
        f"{instance.base_url}/users/troll/inbox", follow(remote, fan, troll_uri)
    )
    await instance.run_jobs()
    assert status == 202
    # When the account is suspended
    await moderate(instance, troll_uri)
    # Then the follower's server gets a Delete of the actor, signed by it
    deletes = [r for r in remote.received if r.body.get("type") == "Delete"]
    assert len(deletes) == 1
    assert deletes[0].body["actor"] == troll_uri
    assert deletes[0].body["object"] == troll_uri
    assert troll_uri in deletes[0].headers["Signature"]
    # And so does the server that never followed it, once, at its shared inbox
    [delete] = [r for r in bystanders.received if r.body.get("type") == "Delete"]
    assert delete.body == deletes[0].body
    assert delete.path == "/inbox"
    # When it is unsuspended, the follower's server hears of the actor again
    await moderate(instance, troll_uri, "unsuspend")
    assert remote.received_types()[-1] == "Update"


async def test_suspending_a_remote_account_removes_its_content_here(instance, remote):
    # Given a remote account with a post here, followed by a resident
    resident = await instance.create_account("resident")
    spammer = remote.add_actor("spammer")
    uri = await remote_post(instance, remote, spammer)
    async with instance.db.session() as session:
        stored = await get_actor_by_uri(session, spammer.uri)
        assert stored is not None
        session.add(
            Follow(
                actor_id=resident.id,
                target_id=stored.id,
                state="accepted",
                uri=f"{instance.base_url}/follows/1",
            )
        )
    # When the moderators suspend it
    await moderate(instance, spammer.uri)
    # Then its post is withdrawn and the follow severed
    async with instance.db.session() as session:
        post = await session.scalar(select(Post).where(Post.uri == uri))
        follows = list(await session.scalars(select(Follow)))
        actor = await get_actor_by_uri(session, spammer.uri)
    assert post is not None
    assert post.deleted_at is not None
    assert follows == []
    assert isinstance(actor, Actor)
    assert actor.suspended_at is not None
    # And a new post it sends is not stored
    await remote_post(instance, remote, spammer, suffix="2")
    async with instance.db.session() as session:
        later = await session.scalar(
            select(Post).where(Post.uri == f"{spammer.uri}/statuses/2")
        )
    assert later is None
