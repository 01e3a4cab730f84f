"""Job kind → handler. Composition only: the handlers live in federation/."""

from __future__ import annotations

from typing import Any

from fedcity.federation.context import Federation
from fedcity.federation.delivery import Outcome, deliver
from fedcity.federation.dispatch import load_handlers, process_inbox
from fedcity.federation.outbox import federate
from fedcity.jobs.worker import JobHandler


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


def job_handlers() -> dict[str, JobHandler]:
    load_handlers()
    return {"inbox": _inbox, "federate": _federate, "deliver": deliver}
