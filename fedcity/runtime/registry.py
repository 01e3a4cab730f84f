"""Job kind → handler. Composition only: the handlers live in federation/ and push/."""

from __future__ import annotations

from typing import Any

from fedcity.federation.actors import mention_resolver
from fedcity.federation.context import Federation
from fedcity.federation.delivery import Outcome, deliver
from fedcity.federation.dispatch import load_handlers, process_inbox
from fedcity.federation.outbox import federate
from fedcity.federation.polls import close_poll
from fedcity.previews import cards as link_cards
from fedcity.previews.fetch import fetch_card
from fedcity.push.sender import send_web_push
from fedcity.runtime.worker import JobHandler
from fedcity.services.notifications import push
from fedcity.services.statuses import publishing, scheduled


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


def job_handlers() -> dict[str, JobHandler]:
    load_handlers()
    return {
        "inbox": _inbox,
        "federate": _federate,
        "deliver": deliver,
        scheduled.JOB_KIND: _publish_scheduled,
        "close_poll": _close_poll,
        push.JOB_KIND: send_web_push,
        link_cards.JOB_KIND: _fetch_card,
    }
