"""The job handlers of verified offices' federation, and what start-up queues."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from fedcity.federation.attestations import checker, schedule
from fedcity.federation.attestations.trust import sync_trust
from fedcity.federation.context import Federation
from fedcity.jobs.kinds import JobKind


async def check_attestations(fed: Federation, payload: dict[str, Any]) -> None:
    try:
        await checker.check_actor(fed, int(payload["actor_id"]))
    except IntegrityError:
        # Checks run side by side: two of them fetched the same issuer for the
        # first time and the other stored it first. It is known now.
        await checker.check_actor(fed, int(payload["actor_id"]))


async def recheck_attestations(fed: Federation, payload: dict[str, Any]) -> None:
    """Daily: queue a check of what was last checked over 24 hours ago."""
    async with fed.db.session() as session:
        await schedule.schedule_due(session)
        await schedule.schedule_daily(
            session, JobKind.RECHECK_ATTESTATIONS, now_too=False
        )
    fed.wake_worker()


async def sync_verifiers(fed: Federation, payload: dict[str, Any]) -> None:
    await sync_trust(fed)
    async with fed.db.session() as session:
        await schedule.schedule_daily(session, JobKind.SYNC_TRUST, now_too=False)


async def at_start(fed: Federation) -> None:
    """Queue today's re-check, and today's reading of the verifiers when there are
    any (once a day whichever process starts first: the day is the dedupe key)."""
    async with fed.db.session() as session:
        await schedule.schedule_daily(
            session, JobKind.RECHECK_ATTESTATIONS, now_too=True
        )
        if fed.settings.trust.verifiers:
            await schedule.schedule_daily(session, JobKind.SYNC_TRUST, now_too=True)
