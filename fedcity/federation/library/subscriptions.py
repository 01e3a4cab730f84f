"""Subscribing to another instance's whole library (`fedcity instance follow
DOMAIN | unfollow DOMAIN | list`): this instance's actor follows the other's
instance actor, as a league follows its member cities (federation.attestations
.trust, whose follow this reuses). Every library item published there goes to
that actor's followers too (`outbound.subscriber_inboxes`), and the Accept of the
follow starts the backfill of the earlier ones (`backfill`).

Any instance this one's actor follows shares its library so, whichever command
made the follow (`league follow`, a `[trust]` verifier)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.attestations import trust
from fedcity.federation.context import Federation
from fedcity.federation.library.backfill import start_backfill
from fedcity.storage.models import Actor, FollowState
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries.library import federated as q


@dataclass(frozen=True)
class Subscription:
    """An instance whose library this one subscribes to."""

    domain: str
    accepted: bool  # its actor accepted the follow (else it is pending)
    items: int  # items from there held here, not withdrawn


async def subscribe(fed: Federation, domain: str) -> Actor:
    """`instance follow DOMAIN`: follow its instance actor (once); its Accept
    starts the backfill. The followed actor.

    Raises:
        FetchError, NotFound: DOMAIN or its instance actor can't be found.
    """
    return await trust.follow_instance(fed, domain.lower())


async def unsubscribe(fed: Federation, domain: str) -> Actor:
    """`instance unfollow DOMAIN`: stop following its instance actor (an Undo);
    items already held stay, and leave as their authors withdraw them.

    Raises:
        NotFound: this instance does not follow DOMAIN.
    """
    return await trust.unfollow_instance(fed, domain.lower())


async def subscriptions(fed: Federation) -> list[Subscription]:
    """`instance list`: every instance this one's actor follows, by domain."""
    async with fed.db.session() as session:
        own = await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)
        if own is None:
            return []
        follows = await q.list_followed_instances(session, own.id)
        counts = await q.count_items_by_origin(session, [d for d, _ in follows])
    return [
        Subscription(domain, state == FollowState.ACCEPTED, counts.get(domain, 0))
        for domain, state in follows
    ]


async def accepted(fed: Federation, session: AsyncSession, target: Actor) -> None:
    """`target` accepted a follow: when it is this instance actor's, read the
    library it publishes (once per follow; a fedcity's instance actor, or any
    actor whose outbox holds library items)."""
    own = await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)
    if own is None or target.is_local:
        return
    follow = await actor_q.get_follow(session, own.id, target.id)
    if follow is not None and follow.state == FollowState.ACCEPTED:
        await start_backfill(session, follow)
