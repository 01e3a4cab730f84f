"""What a peer runs, from its NodeInfo (`/.well-known/nodeinfo`, then the newest
2.x document it links): a group announces in the form the peer's software reads
(federation.groups.relay). Learned once per peer, off the delivery path."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError
from fedcity.federation.context import Federation
from fedcity.federation.fetch import fetch_json
from fedcity.federation.vocab import same_origin
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.outcomes import Outcome
from fedcity.jobs.queue import NewJob, enqueue_many
from fedcity.storage.models import PeerInstance
from fedcity.storage.types import utcnow

log = logging.getLogger(__name__)

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2."
# Stored when a peer has no readable NodeInfo, so it is not asked again.
UNKNOWN = ""
LOOKUP_DELAY = timedelta(seconds=2)


async def software_of(fed: Federation, origin: str) -> str:
    """The lower-cased `software.name` the peer's NodeInfo gives, else UNKNOWN."""
    try:
        index = await fetch_json(
            fed, f"{origin}/.well-known/nodeinfo", "application/json"
        )
        href = _newest_link(index)
        if href is None or not same_origin(href, origin):
            return UNKNOWN
        doc = await fetch_json(fed, href, "application/json")
    except FedcityError as error:
        log.info("no NodeInfo from %s: %s", origin, error)
        return UNKNOWN
    software = doc.get("software")
    name = software.get("name") if isinstance(software, dict) else None
    return name.strip().lower()[:64] if isinstance(name, str) else UNKNOWN


def _newest_link(index: dict[str, Any]) -> str | None:
    links = [
        link
        for link in index.get("links") or []
        if isinstance(link, dict)
        and str(link.get("rel", "")).startswith(NODEINFO_SCHEMA)
        and isinstance(link.get("href"), str)
    ]
    links.sort(key=lambda link: str(link["rel"]))
    return str(links[-1]["href"]) if links else None


async def fetch_software(
    fed: Federation, payload: dict[str, Any], attempts: int
) -> Outcome | None:
    """Job handler for `fetch_software`: learn and keep what a peer runs."""
    origin = str(payload["origin"])
    name = await software_of(fed, origin)
    async with fed.db.session() as session:
        peer = await session.get(PeerInstance, origin)
        if peer is None:
            peer = PeerInstance(origin=origin, failure_days=0)
            session.add(peer)
        peer.software = name
    return None


async def learn_later(session: AsyncSession, origins: set[str]) -> None:
    """Queue a NodeInfo look-up of each peer in `origins` (once per peer), due a
    little later: the announces that made them necessary go out first (the
    worker takes due jobs oldest first, and a large group has many peers)."""
    due = utcnow() + LOOKUP_DELAY
    await enqueue_many(
        session,
        [
            NewJob(
                kind=JobKind.FETCH_SOFTWARE,
                payload={"origin": origin},
                dedupe_key=f"software:{origin}",
                host=origin,
                run_at=due,
            )
            for origin in sorted(origins)
        ],
    )
