"""Undo of a Follow, Like, Announce or Block, routed on the undone activity's type.

The undone activity is resolved first: embedded (Mastodon), or only its id, then
found among the rows here. Either way it must be the sender's own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fedcity.errors import Forbidden
from fedcity.federation.dispatch import Inbound, handles, resolves
from fedcity.federation.groups.inbound_moderation import apply_direct_ban
from fedcity.federation.vocab import get_id, get_type
from fedcity.services.social import follows, interactions
from fedcity.services.statuses import boosts
from fedcity.storage.models import Block, Favourite, Follow
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as q


@resolves("Undo")
async def _undone_activity(inbound: Inbound) -> dict[str, Any] | None:
    """The undone activity, which must be the sender's own; None if unknown here.

    Raises:
        Forbidden: it names another actor.
    """
    inner = _embedded(inbound) or await _stored(inbound)
    if inner is None:
        return None
    if get_id(inner.get("actor")) not in (None, inbound.actor.uri):
        raise Forbidden("an actor may only undo its own activities")
    return inner


def _embedded(inbound: Inbound) -> dict[str, Any] | None:
    obj = inbound.object
    return obj if isinstance(obj, dict) and get_type(obj) else None


async def _stored(inbound: Inbound) -> dict[str, Any] | None:
    """Only an id came: the short form of the follow, like, boost or block here."""
    uri = inbound.object_id
    if uri is None:
        return None
    session = inbound.session
    follow = await session.scalar(select(Follow).where(Follow.uri == uri))
    if follow is not None:
        target = await session.get(type(inbound.actor), follow.target_id)
        return {"type": "Follow", "id": uri, "object": target.uri if target else None}
    fav = await session.scalar(select(Favourite).where(Favourite.uri == uri))
    if fav is not None:
        return {"type": "Like", "id": uri, "object": None}
    if await q.get_post_by_uri(session, uri) is not None:
        return {"type": "Announce", "id": uri}
    block = await session.scalar(select(Block).where(Block.uri == uri))
    if block is not None:
        target = await session.get(type(inbound.actor), block.target_id)
        return {"type": "Block", "id": uri, "object": target.uri if target else None}
    return None


def _undone_object(inbound: Inbound) -> str:
    return get_id(inbound.resolved.get("object")) or ""


@handles("Undo", "Follow")
async def on_undo_follow(inbound: Inbound) -> None:
    target = await actor_q.get_actor_by_uri(inbound.session, _undone_object(inbound))
    if target is not None and target.is_local:
        await follows.receive_undo_follow(inbound.session, inbound.actor, target)


@handles("Undo", "Like")
async def on_undo_like(inbound: Inbound) -> None:
    post = await q.get_post_by_uri(inbound.session, _undone_object(inbound))
    await interactions.receive_undo_like(
        inbound.session, inbound.actor, post, get_id(inbound.resolved)
    )


@handles("Undo", "Announce")
async def on_undo_announce(inbound: Inbound) -> None:
    await boosts.receive_unboost(
        inbound.session, inbound.actor, get_id(inbound.resolved) or ""
    )


@handles("Undo", "Block")
async def on_undo_block(inbound: Inbound) -> None:
    undone = inbound.object
    if (
        inbound.actor.actor_type == "Group"
        and isinstance(undone, dict)
        and undone.get("target") is not None
    ):  # a group lifts its own ban
        await apply_direct_ban(inbound, undone, banned=False)
        return
    target = await actor_q.get_actor_by_uri(inbound.session, _undone_object(inbound))
    if target is not None:
        await interactions.receive_undo_block(inbound.session, inbound.actor, target)
