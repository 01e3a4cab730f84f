"""When a remote actor's attestations are checked again: after each fetch of the
actor and each `Update` of it (a `check_attestations` job, off the inbox path),
and daily for those checked more than 24 hours ago. The attestations local
accounts received from verifiers are checked again daily too."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.attestations.checks import listed_ids
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue, enqueue_daily
from fedcity.services.offices import received
from fedcity.storage.models import Actor
from fedcity.storage.queries import offices as q
from fedcity.storage.types import utcnow

RECHECK_AFTER: Final = timedelta(hours=24)


async def schedule_check(session: AsyncSession, actor: Actor) -> None:
    """Queue a check of the remote actor's attestations if it lists any or this
    instance holds any of it (one it dropped must stop showing)."""
    if actor.is_local or actor.id is None:
        return
    if listed_ids(actor.raw or {}) or await received.held_for(session, actor):
        await enqueue(session, JobKind.CHECK_ATTESTATIONS, {"actor_id": actor.id})
        # The daily re-check runs from the first remote attestation on.
        await schedule_daily(session, JobKind.RECHECK_ATTESTATIONS)


async def schedule_due(session: AsyncSession) -> int:
    """Queue a check of every actor, remote or local, with a remote attestation
    last checked more than `RECHECK_AFTER` ago; how many."""
    since = utcnow() - RECHECK_AFTER
    due = await q.subjects_due_for_check(session, since)
    # And this instance's accounts, with what verifiers sent them (`Create`).
    due += await q.subjects_due_for_check(session, since, local=True)
    for actor_id in due:
        await enqueue(session, JobKind.CHECK_ATTESTATIONS, {"actor_id": actor_id})
    return len(due)


async def schedule_daily(
    session: AsyncSession, kind: JobKind, *, first_in: timedelta | None = None
) -> None:
    """Queue `kind`'s daily run (`jobs.queue.enqueue_daily`)."""
    await enqueue_daily(session, kind, first_in=first_in)
