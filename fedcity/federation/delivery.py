"""Sending one stored activity to one inbox, and what the answer means.

2xx: done. 429, 408, 5xx and network errors: retry on Mastodon's schedule, or later
if the peer says `Retry-After`. Other 4xx: the peer refused it for good. An origin
that fails on `unavailable_after_days` different days is marked unavailable: its
deliveries are held (not dropped) until it is heard from again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FetchError
from fedcity.federation.context import Federation
from fedcity.federation.signatures.cavage import sign_request
from fedcity.federation.signatures.keys import PrivateKey, load_private_key
from fedcity.federation.vocab import AS2_MEDIA_TYPE, origin_of
from fedcity.jobs.outcomes import DONE, Outcome, RetryPolicy
from fedcity.jobs.queue import release_held
from fedcity.storage.models import Actor, OutboxActivity, PeerInstance
from fedcity.storage.types import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedActivity:
    body: bytes
    key_id: str
    private_key: PrivateKey


_MAX_PREPARED = 512


async def _prepare(fed: Federation, activity_id: int) -> PreparedActivity | None:
    found: PreparedActivity | None = fed.prepared_activities.get(activity_id)
    if found is not None:
        return found
    async with fed.db.session() as session:
        row = await session.get(OutboxActivity, activity_id)
        actor = await session.get(Actor, row.actor_id) if row else None
    if row is None or actor is None or not actor.private_key_pem or not actor.key_id:
        return None
    prepared = PreparedActivity(
        row.document.encode(), actor.key_id, load_private_key(actor.private_key_pem)
    )
    cache = fed.prepared_activities
    if len(cache) >= _MAX_PREPARED:
        cache.pop(next(iter(cache)))
    cache[activity_id] = prepared
    return prepared


async def deliver(fed: Federation, payload: dict[str, Any], attempts: int) -> Outcome:
    """Job handler for `deliver`."""
    inbox: str = payload["inbox"]
    origin = origin_of(inbox)
    policy = fed.policy.current
    if policy.refuses(inbox):
        # Blocked or unlisted since it was queued: dropped for good, with why.
        return Outcome("failed", error=policy.reason(inbox))
    if origin in fed.unavailable_origins:
        return Outcome("held", error=f"{origin} is unavailable")
    prepared = await _prepare(fed, payload["activity_id"])
    if prepared is None:
        return Outcome("failed", error="activity or its actor's key is gone")
    headers = sign_request(
        "POST",
        inbox,
        key_id=prepared.key_id,
        private_key=prepared.private_key,
        body=prepared.body,
        headers={"Content-Type": AS2_MEDIA_TYPE},
    )
    try:
        response = await fed.transport.post(inbox, headers, prepared.body)
    except FetchError as exc:
        return retry_policy(fed).after_failure(attempts, str(exc))
    if 200 <= response.status < 300:
        return DONE
    error = f"{inbox} answered {response.status}"
    if response.status in (408, 429) or response.status >= 500:
        retry_after = response.headers.get("Retry-After")
        return retry_policy(fed).after_failure(attempts, error, retry_after)
    return Outcome("failed", error=error)


def retry_policy(fed: Federation) -> RetryPolicy:
    """Deliveries: `max_delivery_attempts` on Mastodon's schedule."""
    settings = fed.settings.federation
    return RetryPolicy(settings.max_delivery_attempts, settings.retry_backoff_scale)


# --- peer health ----------------------------------------------------------------


async def record_outcomes(
    fed: Federation, session: AsyncSession, outcomes: Sequence[tuple[str, Outcome]]
) -> None:
    """Track delivery failures per origin by distinct days, as Mastodon's failure
    tracker does. Takes a whole batch so the peers are read with one query."""
    relevant = [(o, outcome) for o, outcome in outcomes if outcome.state in _TRACKED]
    if not relevant:
        return
    origins = sorted({origin for origin, _ in relevant})
    peers: dict[str, PeerInstance] = {}
    for start in range(0, len(origins), 500):
        rows = await session.scalars(
            select(PeerInstance).where(
                PeerInstance.origin.in_(origins[start : start + 500])
            )
        )
        peers.update((peer.origin, peer) for peer in rows)
    came_back = {
        origin
        for origin, outcome in relevant
        if outcome.state == "done" and origin in peers and peers[origin].unavailable
    }
    for origin, outcome in relevant:
        _record(fed, session, peers, origin, outcome)
    # A peer another process had given up on answered us: its held deliveries go.
    for origin in came_back:
        await release_held(session, origin)


async def record_outcome(
    fed: Federation, session: AsyncSession, origin: str, outcome: Outcome
) -> None:
    """`record_outcomes` for one delivery."""
    await record_outcomes(fed, session, [(origin, outcome)])


_TRACKED = frozenset({"done", "retry"})


def _record(
    fed: Federation,
    session: AsyncSession,
    peers: dict[str, PeerInstance],
    origin: str,
    outcome: Outcome,
) -> None:
    peer = peers.get(origin)
    if outcome.state == "done":
        if peer is not None and (peer.failure_days or peer.unavailable):
            peer.failure_days, peer.last_failure_day, peer.unavailable = 0, None, False
            fed.unavailable_origins.discard(origin)
        if peer is not None:
            peer.last_success_at = utcnow()
        return
    if peer is None:
        peer = peers[origin] = PeerInstance(origin=origin, failure_days=0)
        session.add(peer)
    today = utcnow().date().isoformat()
    if peer.last_failure_day != today:
        peer.failure_days += 1
        peer.last_failure_day = today
    if (
        peer.failure_days >= fed.settings.federation.unavailable_after_days
        and not peer.unavailable
    ):
        peer.unavailable = True
        fed.unavailable_origins.add(origin)
        log.warning(
            "marking %s unavailable after failures on %d days",
            origin,
            peer.failure_days,
        )


async def mark_alive(fed: Federation, session: AsyncSession, actor_uri: str) -> None:
    """An origin we had given up on spoke to us: deliver to it again.

    The in-memory set spares a query per inbound activity; `sync_unavailable` keeps
    it in step with what other processes decided."""
    origin = origin_of(actor_uri)
    if origin not in fed.unavailable_origins:
        return
    await session.execute(
        update(PeerInstance)
        .where(PeerInstance.origin == origin)
        .values(unavailable=False, failure_days=0, last_failure_day=None)
    )
    released = await release_held(session, origin)
    fed.unavailable_origins.discard(origin)
    log.info("%s is back; %d held deliveries released", origin, released)


async def load_unavailable(session: AsyncSession) -> set[str]:
    rows = await session.scalars(
        select(PeerInstance.origin).where(PeerInstance.unavailable)
    )
    return set(rows)


async def sync_unavailable(fed: Federation) -> None:
    """Reload the unavailable origins from the database (other worker processes
    mark and release them too)."""
    async with fed.db.session() as session:
        current = await load_unavailable(session)
    fed.unavailable_origins.clear()
    fed.unavailable_origins.update(current)
