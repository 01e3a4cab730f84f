"""Who may read a group's threads over ActivityPub: anyone for a `public` group;
for a `members` group only a signed fetch from a server where the group has an
approved member (as Lemmy serves a private community), and the group answers
`is_follower` questions about single actors."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.domains import authority_of
from fedcity.storage.models import Actor, Group, GroupVisibility, Post
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as q


async def may_read(
    session: AsyncSession, group: Group, group_actor: Actor, viewer: Actor | None
) -> bool:
    """Whether `viewer` (the signer of a fetch; None unsigned) may read the
    group's threads."""
    if group.visibility == GroupVisibility.PUBLIC:
        return True
    if viewer is None:
        return False
    if viewer.is_local:
        return viewer.id == group_actor.id
    return await q.domain_has_member(session, group_actor.id, viewer.domain or "")


async def may_read_post(
    session: AsyncSession, post: Post, viewer: Actor | None
) -> bool:
    """Whether a members group carrying `post` lets `viewer` read it (so that a
    member's server can fetch a members-only post it was announced)."""
    for carried in await q.list_group_posts_of_post(session, post.id):
        group = await actor_q.get_group_by_actor_id(session, carried.group_actor_id)
        group_actor = await session.get(Actor, carried.group_actor_id)
        if group is None or group_actor is None or carried.removed_at is not None:
            continue
        if await may_read(session, group, group_actor, viewer):
            return True
    return False


async def is_member(session: AsyncSession, group_actor: Actor, actor_uri: str) -> bool:
    """Whether the actor at `actor_uri` is an approved member, or speaks for a
    server that has one (Lemmy's `is_follower` check of a private community: a
    member's server asks it before serving a members-only post to another
    server, whose instance actor signed the fetch)."""
    actor = await actor_q.get_actor_by_uri(session, actor_uri)
    if actor is not None and actor.is_local:
        return False
    if actor is not None and await actor_q.is_follower(
        session, actor.id, group_actor.id
    ):
        return True
    # An actor not known here (a server's instance actor, say) is judged by its
    # server, without fetching it.
    domain = actor.domain if actor is not None else authority_of(actor_uri)
    return bool(domain) and await q.domain_has_member(
        session, group_actor.id, domain or ""
    )
