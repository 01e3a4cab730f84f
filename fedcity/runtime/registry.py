"""Job kind → handler. Composition only: the handlers live in federation/, push/,
previews/ and services/; the kinds themselves are declared in jobs/kinds.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fedcity.federation.actors import mention_resolver
from fedcity.federation.allow_lists import refresh_allow_list
from fedcity.federation.attestations import jobs as attestation_jobs
from fedcity.federation.context import Federation
from fedcity.federation.delivery import deliver
from fedcity.federation.dispatch import load_handlers, process_inbox
from fedcity.federation.library.backfill import backfill_library
from fedcity.federation.outbox.publish import federate, load_builders
from fedcity.federation.polls import close_poll
from fedcity.federation.software import fetch_software
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.outcomes import Outcome
from fedcity.jobs.queue import enqueue
from fedcity.mail.jobs import send_mail
from fedcity.previews.fetch import fetch_card
from fedcity.push.crypto import VapidKey
from fedcity.push.sender import send_web_push
from fedcity.runtime.worker import JobHandler
from fedcity.services.groups import membership
from fedcity.services.instance.domain_purge import purge_domain_batch
from fedcity.services.statuses import publishing

# Batches of a suspended domain's actors per `purge_domain` run; a larger domain
# continues in a follow-up job.
PURGE_BATCHES_PER_RUN = 20


async def _inbox(
    fed: Federation, payload: dict[str, Any], attempts: int
) -> Outcome | None:
    await process_inbox(fed, payload)
    return None


async def _federate(
    fed: Federation, payload: dict[str, Any], attempts: int
) -> Outcome | None:
    await federate(fed, payload)
    return None


async def _publish_scheduled(
    fed: Federation, payload: dict[str, Any], attempts: int
) -> Outcome | None:
    async with fed.db.session() as session:
        await publishing.publish_scheduled(
            session, fed.urls, payload, resolve=mention_resolver(fed)
        )
    fed.wake_worker()  # its federate job is due now
    return None


async def _close_poll(
    fed: Federation, payload: dict[str, Any], attempts: int
) -> Outcome | None:
    await close_poll(fed, payload)
    return None


async def _fetch_card(
    fed: Federation, payload: dict[str, Any], attempts: int
) -> Outcome | None:
    await fetch_card(fed, payload)
    return None


async def _purge_domain(
    fed: Federation, payload: dict[str, Any], attempts: int
) -> Outcome | None:
    domain = str(payload["domain"])
    for _ in range(PURGE_BATCHES_PER_RUN):
        async with fed.db.session() as session:  # one transaction per batch
            if not await purge_domain_batch(session, domain):
                return None
    async with fed.db.session() as session:
        await enqueue(session, JobKind.PURGE_DOMAIN, {"domain": domain})
    return None


async def _group_lapses(
    fed: Federation, payload: dict[str, Any], attempts: int
) -> Outcome | None:
    async with fed.db.session() as session:
        if "actor_id" in payload:
            await membership.drop_lapsed(
                session, fed.urls, member_id=int(payload["actor_id"])
            )
        else:
            await membership.daily_lapse_check(session, fed.urls)
    fed.wake_worker()  # the Rejects and notices are due now
    return None


def _no_outcome(
    run: Callable[[Federation, dict[str, Any]], Awaitable[None]],
) -> JobHandler:
    async def handler(
        fed: Federation, payload: dict[str, Any], attempts: int
    ) -> Outcome | None:
        await run(fed, payload)
        return None

    return handler


def job_handlers(vapid: VapidKey) -> dict[JobKind, JobHandler]:
    """Every kind's handler; the Web Push one signs with the instance's VAPID key."""

    async def web_push(
        fed: Federation, payload: dict[str, Any], attempts: int
    ) -> Outcome | None:
        return await send_web_push(fed, vapid, payload, attempts)

    load_handlers()
    load_builders()
    return {
        JobKind.INBOX: _inbox,
        JobKind.FEDERATE: _federate,
        JobKind.DELIVER: deliver,
        JobKind.PUBLISH_SCHEDULED: _publish_scheduled,
        JobKind.CLOSE_POLL: _close_poll,
        JobKind.WEB_PUSH: web_push,
        JobKind.FETCH_CARD: _fetch_card,
        JobKind.PURGE_DOMAIN: _purge_domain,
        JobKind.REFRESH_ALLOW_LIST: _no_outcome(refresh_allow_list),
        JobKind.CHECK_ATTESTATIONS: _no_outcome(attestation_jobs.check_attestations),
        JobKind.RECHECK_ATTESTATIONS: _no_outcome(
            attestation_jobs.recheck_attestations
        ),
        JobKind.SYNC_TRUST: _no_outcome(attestation_jobs.sync_verifiers),
        JobKind.FOLLOW_INSTANCE: _no_outcome(attestation_jobs.follow_member),
        JobKind.SEND_MAIL: send_mail,
        JobKind.FETCH_SOFTWARE: fetch_software,
        JobKind.GROUP_LAPSES: _group_lapses,
        JobKind.LIBRARY_BACKFILL: _no_outcome(backfill_library),
    }
