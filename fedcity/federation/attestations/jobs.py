"""The job handlers of verified offices' federation, and what start-up queues."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from fedcity.federation.attestations import checker, schedule
from fedcity.federation.attestations.trust import follow_instance, sync_trust
from fedcity.federation.context import Federation
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue_daily
from fedcity.storage.queries import groups as group_q


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
        await schedule.schedule_daily(session, JobKind.RECHECK_ATTESTATIONS)
    fed.wake_worker()


async def sync_verifiers(fed: Federation, payload: dict[str, Any]) -> None:
    await sync_trust(fed)
    async with fed.db.session() as session:
        await schedule.schedule_daily(session, JobKind.SYNC_TRUST)


async def follow_member(fed: Federation, payload: dict[str, Any]) -> None:
    """This instance attested an account on `domain`: follow its instance actor,
    so that the `Update`s of its officials reach this one (a league's members).
    An unreachable instance raises: the job is tried again."""
    await follow_instance(fed, str(payload["domain"]))


async def at_start(fed: Federation) -> None:
    """With verifiers configured, read them now and daily (once a day whichever
    process starts first: the day is the dedupe key). The daily re-check starts
    with the first remote attestation checked here (`schedule.schedule_check`).
    The daily check of `officials` groups' members (services.groups.membership)
    starts with their first member, and is queued again here should its chain
    have broken."""
    async with fed.db.session() as session:
        if await group_q.has_officials_group_members(session):
            await enqueue_daily(session, JobKind.GROUP_LAPSES)
    if not fed.settings.trust.verifiers:
        return
    async with fed.db.session() as session:
        await schedule.schedule_daily(
            session, JobKind.SYNC_TRUST, first_in=timedelta(0)
        )
