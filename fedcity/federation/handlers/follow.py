"""Follow, and the Accept or Reject of a Follow sent from here."""

from __future__ import annotations

from fedcity.federation.dispatch import Inbound, handles
from fedcity.federation.library import subscriptions
from fedcity.federation.vocab import get_id, get_type
from fedcity.services.social import follows
from fedcity.storage.queries import actors as q


@handles("Follow")
async def on_follow(inbound: Inbound) -> None:
    target = await q.get_actor_by_uri(inbound.session, inbound.object_id or "")
    if target is None or not target.is_local or target.deleted_at is not None:
        return
    follow_uri = inbound.activity.get("id")
    if not isinstance(follow_uri, str):
        return
    await follows.receive_follow(
        inbound.session, inbound.fed.urls, inbound.actor, target, follow_uri
    )


@handles("Accept")
@handles("Reject")
async def on_answer(inbound: Inbound) -> None:
    obj = inbound.object
    follower = None
    if isinstance(obj, dict) and get_type(obj) == "Follow":
        follower = await q.get_actor_by_uri(
            inbound.session, get_id(obj.get("actor")) or ""
        )
    if follower is not None and not follower.is_local:
        return  # an answer to somebody else's follow
    if inbound.kind == "Reject":
        await follows.receive_reject(
            inbound.session, inbound.actor, inbound.object_id, follower
        )
        return
    if await follows.receive_accept(
        inbound.session, inbound.actor, inbound.object_id, follower
    ):
        # Was it this instance actor's follow? Then read the library it publishes.
        await subscriptions.accepted(inbound.fed, inbound.session, inbound.actor)
