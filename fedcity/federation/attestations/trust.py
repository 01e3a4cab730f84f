"""Keeping up with the verifiers in `[trust]` (the `sync_trust` job, at start-up
and daily): the instance actor follows each verifier's instance actor, so that
its revocations (`Delete`s) arrive within one delivery, and reads its registry,
so that its verified officials show here."""

from __future__ import annotations

import logging

from fedcity.errors import FedcityError
from fedcity.federation.actors import resolve_handle
from fedcity.federation.attestations.registry import read_registry
from fedcity.federation.context import Federation
from fedcity.services.social import follows
from fedcity.storage.models import Actor
from fedcity.storage.queries import actors as actor_q

log = logging.getLogger(__name__)


async def sync_trust(fed: Federation) -> None:
    """Follow and read every trusted verifier; one unreachable is logged and
    tried again at the next run."""
    for domain in fed.settings.trust.verifiers:
        try:
            verifier = await follow_verifier(fed, domain)
            read = await read_registry(fed, verifier)
        except FedcityError as exc:
            log.warning("verifier %s not reached: %s", domain, exc)
            continue
        log.info("verifier %s: %d attestations read from its registry", domain, read)
    fed.wake_worker()


async def follow_verifier(fed: Federation, domain: str) -> Actor:
    """The verifier's instance actor (WebFinger `acct:domain@domain`, as Mastodon
    and fedcity name theirs), followed by this instance's actor."""
    async with fed.db.session() as session:
        verifier = await resolve_handle(fed, session, domain, domain)
        own = await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)
        if own is None:
            raise FedcityError(detail="no instance actor")
        await follows.follow(session, fed.urls, own, verifier)
    return verifier
