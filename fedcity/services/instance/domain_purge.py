"""Removing what was stored from a suspended domain (Mastodon's
DomainBlockWorker with `suspend`): its actors go, and with them, by the foreign
keys' cascades, their posts, media rows, follows, favourites and notifications.

It runs as a `purge_domain` job, a batch of actors per transaction, so that a
large domain neither holds one long transaction nor is lost to a crash halfway.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.domains import is_blocked
from fedcity.jobs.kinds import JobKind
from fedcity.services.social.follows import recount
from fedcity.storage.models import Actor, Follow, Job, JobState
from fedcity.storage.queries.actors import on_domain

PURGE_BATCH = 200


async def purge_domain_batch(session: AsyncSession, domain: str) -> bool:
    """Delete up to PURGE_BATCH actors stored from `domain` (and its subdomains),
    recount the follows of local accounts they touched; True if more remain."""
    found = list(
        await session.scalars(
            select(Actor.id)
            .where(Actor.domain.is_not(None), on_domain(Actor.domain, domain))
            .limit(PURGE_BATCH + 1)
        )
    )
    batch = found[:PURGE_BATCH]
    if not batch:
        await _drop_queued(session, domain)
        return False
    touched = set(
        await session.scalars(
            select(Follow.actor_id).where(Follow.target_id.in_(batch))
        )
    ) | set(
        await session.scalars(
            select(Follow.target_id).where(Follow.actor_id.in_(batch))
        )
    )
    await session.execute(delete(Actor).where(Actor.id.in_(batch)))
    await recount(session, touched - set(batch))
    return len(found) > PURGE_BATCH


async def _drop_queued(session: AsyncSession, domain: str) -> None:
    """Activities from the domain still waiting in the queue, and deliveries to
    it, would bring some of it back or go out: they are dropped too."""
    rows = await session.execute(
        select(Job.id, Job.host).where(
            Job.state.in_([JobState.PENDING, JobState.HELD]),
            Job.kind.in_([JobKind.INBOX.value, JobKind.DELIVER.value]),
            Job.host.is_not(None),
        )
    )
    doomed = [job_id for job_id, host in rows if is_blocked(host or "", [domain])]
    if doomed:
        await session.execute(delete(Job).where(Job.id.in_(doomed)))
