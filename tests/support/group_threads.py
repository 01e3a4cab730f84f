"""Groups and their threads for tests of the pages (issue 13): a local group made
by the service, threads recorded as GroupThread and GroupPost rows over existing
posts (as the group's relay records them), and reading and posting the groups'
pages from a browser-like client."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import aiohttp

from fedcity.services.groups.groups import NewGroup, create_group
from fedcity.storage.models import Actor, GroupPost, GroupThread
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.types import utcnow
from tests.support.instances import LiveInstance
from tests.support.keys import premade_keypair
from tests.support.web import csrf_of


async def make_group(
    instance: LiveInstance,
    name: str,
    *,
    awaiting: bool = False,
    created_by: Actor | None = None,
    rules: str = "",
    **settings: Any,
) -> Actor:
    """A local group (NewGroup's `settings`); `awaiting` an admin's approval."""
    async with instance.db.session() as session:
        made = await create_group(
            session,
            instance.fed.urls,
            NewGroup(name, **settings),
            premade_keypair(),
            created_by=created_by,
            awaiting_approval=awaiting,
        )
        made.group.rules = rules
    return made.actor


async def add_thread(
    instance: LiveInstance,
    group: Actor,
    post_ids: Sequence[str | int],
    *,
    hours_ago: int = 0,
    removed: Sequence[str | int] = (),
    pinned: bool = False,
    locked: bool = False,
) -> None:
    """A thread of `group` over the posts (the first is its root), its last
    activity `hours_ago`; `removed` posts were taken down by a moderator."""
    now = utcnow()
    gone = {int(post_id) for post_id in removed}
    async with instance.db.session() as session:
        thread = GroupThread(
            group_actor_id=group.id,
            root_post_id=int(post_ids[0]),
            last_activity_at=now - timedelta(hours=hours_ago),
            posts_count=len(post_ids),
            pinned_at=now if pinned else None,
            locked_at=now if locked else None,
        )
        session.add(thread)
        await session.flush()
        for post_id in map(int, post_ids):
            session.add(
                GroupPost(
                    group_actor_id=group.id,
                    thread_id=thread.id,
                    post_id=post_id,
                    removed_at=now if post_id in gone else None,
                )
            )


async def follow_state(instance: LiveInstance, name: str, group: str) -> str | None:
    """The state of local `name`'s follow of local `group`; None without one."""
    async with instance.db.session() as session:
        member = await actor_q.get_local_actor(session, name)
        target = await actor_q.get_local_actor(session, group)
        assert member is not None
        assert target is not None
        row = await actor_q.get_follow(session, member.id, target.id)
    return None if row is None else row.state


async def page(client: aiohttp.ClientSession, path: str, status: int = 200) -> str:
    async with client.get(path) as reply:
        html = await reply.text()
        assert reply.status == status, f"{path}: {reply.status}"
    return html.split("<main", 1)[1]


async def submit(
    client: aiohttp.ClientSession, group: str, action: str
) -> aiohttp.ClientResponse:
    token = await csrf_of(client, f"/@{group}")
    async with client.post(
        f"/@{group}/{action}", data={"csrf_token": token}, allow_redirects=False
    ) as reply:
        await reply.read()
        return reply
