"""The league registry (issue 11): an `OrderedCollection` of the current
attestations this instance issued, with its member instances (the domains of
their subjects and of the instances its instance actor follows), served at
`/registry` and linked from the instance actor as `registry` (fedcity v2).

An instance that trusts a verifier reads its registry when it first trusts it
and daily (`sync_trust`): each subject is fetched and each attestation checked,
so that the verifier's officials show verified in its directory.
"""

from __future__ import annotations

import logging
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError
from fedcity.federation.actors import get_or_fetch_actor
from fedcity.federation.attestations import checker, checks
from fedcity.federation.context import Federation
from fedcity.federation.fetch import fetch_document
from fedcity.federation.render.offices import FEDCITY_CONTEXT_V2
from fedcity.federation.vocab import Document, as_list, get_id, same_origin
from fedcity.services.offices import received
from fedcity.services.offices.received import Outcome
from fedcity.storage.models import Actor
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import offices as q

log = logging.getLogger(__name__)

AS_CONTEXT: Final = "https://www.w3.org/ns/activitystreams"
# A registry listing more attestations than this is read this far only.
MAX_READ: Final = 500


async def render_registry(fed: Federation, session: AsyncSession) -> Document:
    issued = await q.list_issued_current(session)
    members = {s.domain for _, s in issued if s.domain}
    instance = await actor_q.get_actor_by_uri(session, fed.urls.instance_actor)
    if instance is not None:
        members.update(await q.followed_domains(session, instance.id))
    return {
        "@context": [AS_CONTEXT, FEDCITY_CONTEXT_V2],
        "id": fed.urls.registry,
        "type": "OrderedCollection",
        "attributedTo": fed.urls.instance_actor,
        "totalItems": len(issued),
        "orderedItems": [a.uri for a, _ in issued],
        "memberInstances": sorted(members),
    }


async def read_registry(fed: Federation, verifier: Actor) -> int:
    """Check every attestation the verifier's registry lists on its subject;
    how many were read."""
    url = get_id((verifier.raw or {}).get("registry"))
    if url is None or not same_origin(url, verifier.uri):
        log.info("verifier %s publishes no registry", verifier.uri)
        return 0
    collection = await fetch_document(fed, url)
    ids = [i for i in map(get_id, as_list(collection.get("orderedItems"))) if i]
    read = 0
    for uri in ids[:MAX_READ]:
        if same_origin(uri, verifier.uri):
            read += await _read_one(fed, uri)
    return read


async def _read_one(fed: Federation, uri: str) -> int:
    """Fetch one listed attestation and check it on its subject, each in its own
    transaction so that one unreachable city stops nothing."""
    try:
        _, found = await checker.fetch(fed, uri)
        if isinstance(found, Outcome) or not checks.is_valid_document(found):
            return 0  # nothing to show of it: no subject to show it on
        subject_uri = str(found["subject"])
        async with fed.db.session() as session:
            subject = await get_or_fetch_actor(fed, session, subject_uri)
            if subject.is_local:
                return 0
            listed = checks.listed_ids(subject.raw or {})
            await checker.record_fetched(fed, session, subject, uri, found, listed)
            await received.publish_summary(session, subject, fed.settings.instance.name)
    except FedcityError as exc:
        log.info("registry entry %s not read: %s", uri, exc)
        return 0
    return 1
