"""Keeping up with the verifiers in `[trust]` (the `sync_trust` job, at start-up
and daily): the instance actor follows each verifier's instance actor, so that
its revocations (`Delete`s) arrive within one delivery, and reads its registry,
so that its verified officials show here.

A league follows its member cities' instance actors the same way (on its first
attestation of an account there, or `fedcity league follow`): each city's actor
sends the `Update` of an official whose offices change to its followers, so
the league checks it again at once."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError, NotFound
from fedcity.federation.actors import resolve_handle
from fedcity.federation.attestations.registry import read_registry
from fedcity.federation.context import Federation
from fedcity.services.social import follows
from fedcity.storage.models import Actor
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import offices as offices_q

log = logging.getLogger(__name__)


async def sync_trust(fed: Federation) -> None:
    """Follow and read every trusted verifier; one unreachable is logged and
    tried again at the next run."""
    for domain in fed.settings.trust.verifiers:
        try:
            verifier = await follow_instance(fed, domain)
            read = await read_registry(fed, verifier)
        except FedcityError as exc:
            log.warning("verifier %s not reached: %s", domain, exc)
            continue
        log.info("verifier %s: %d attestations read from its registry", domain, read)
    fed.wake_worker()


async def follow_instance(fed: Federation, domain: str) -> Actor:
    """The instance actor of `domain` (WebFinger `acct:domain@domain`, as fedcity
    names its own), followed by this instance's actor (once: following again
    changes nothing)."""
    async with fed.db.session() as session:
        other = await resolve_handle(fed, session, domain, domain)
        await follows.follow(session, fed.urls, await _own(fed, session), other)
    fed.wake_worker()
    return other


async def unfollow_instance(fed: Federation, domain: str) -> Actor:
    """Stop following `domain`'s instance actor (an `Undo` of the `Follow`).

    Raises:
        NotFound: this instance's actor follows no actor of `domain`.
    """
    async with fed.db.session() as session:
        own = await _own(fed, session)
        other = await actor_q.get_actor_by_handle(session, domain, domain.lower())
        if other is None or await actor_q.get_follow(session, own.id, other.id) is None:
            raise NotFound("This instance does not follow {domain}", domain=domain)
        await follows.unfollow(session, own, other)
    fed.wake_worker()
    return other


async def member_instances(fed: Federation) -> list[str]:
    """The domains whose instance actors this instance's actor follows (the
    registry's `memberInstances` adds the domains of attested accounts)."""
    async with fed.db.session() as session:
        own = await _own(fed, session)
        return await offices_q.followed_domains(session, own.id)


async def _own(fed: Federation, session: AsyncSession) -> Actor:
    own = await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)
    if own is None:
        raise FedcityError(detail="no instance actor")
    return own
