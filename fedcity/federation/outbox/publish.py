"""Publishing: render an activity once, store it, and plan one delivery per inbox.

Runs in the worker (the `federate` job), so API requests never wait for fan-out.
Each `Verb` has one builder, registered with `@builds(Verb.X)` in the module of
its noun (statuses, social, accounts, and the polls and moderation features).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.vocab import AS_PUBLIC, Document, origin_of
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import NewJob, enqueue_many
from fedcity.jobs.verbs import Verb, read_federate_payload
from fedcity.storage.models import Actor, OutboxActivity


@dataclass
class Outgoing:
    actor: Actor
    activity: Document
    inboxes: set[str]


# A builder takes the payload type its verb declares (`Verb.X.payload`); it may
# answer with several activities (a group's two forms of one announce).
Built = Outgoing | list[Outgoing] | None
Builder = Callable[[Federation, AsyncSession, Any], Awaitable[Built]]
B = TypeVar("B", bound=Builder)
BUILDERS: dict[Verb, Builder] = {}


def builds(verb: Verb) -> Callable[[B], B]:
    """Register the builder of `verb`'s activity (once: a second one is a mistake).

    Raises:
        ValueError: `verb` already has a builder.
    """

    def register(fn: B) -> B:
        if verb in BUILDERS:
            raise ValueError(f"{verb} already has a builder")
        BUILDERS[verb] = fn
        return fn

    return register


def load_builders() -> None:
    """Import the builder modules so that their @builds decorators run."""
    from fedcity.federation import moderation, polls  # noqa: F401
    from fedcity.federation.attestations import outbound  # noqa: F401
    from fedcity.federation.groups import moderation as group_moderation  # noqa: F401
    from fedcity.federation.groups import relay  # noqa: F401
    from fedcity.federation.library import applying  # noqa: F401
    from fedcity.federation.outbox import accounts, social, statuses  # noqa: F401


async def build(
    fed: Federation, session: AsyncSession, stored: dict[str, Any]
) -> list[Outgoing]:
    """The activities a stored `federate` payload stands for, with their
    recipients; none when there is nothing to send any more (its row is gone)."""
    verb, payload = read_federate_payload(stored)
    built = await BUILDERS[verb](fed, session, payload)
    if built is None:
        return []
    return built if isinstance(built, list) else [built]


async def federate(fed: Federation, payload: dict[str, Any]) -> None:
    """Job handler for `federate`."""
    async with fed.db.session() as session:
        outgoing = await build(fed, session, payload)
        if not outgoing:
            return
        for one in outgoing:
            await publish(fed, session, one)
    fed.wake_worker()


async def publish(
    fed: Federation, session: AsyncSession, outgoing: Outgoing
) -> OutboxActivity:
    """Store the rendered activity (every recipient and every retry gets the same
    bytes) and queue one `deliver` job per remote inbox this instance federates
    with (not suspended; allowed, in allowlist mode)."""
    activity = outgoing.activity
    row = OutboxActivity(
        uri=activity["id"],
        actor_id=outgoing.actor.id,
        activity_type=activity["type"],
        public=AS_PUBLIC in [*activity.get("to", []), *activity.get("cc", [])],
        document=orjson.dumps(activity).decode(),
    )
    session.add(row)
    await session.flush()
    own, policy = fed.origin, fed.policy.current
    inboxes = sorted(
        i
        for i in outgoing.inboxes
        if i and origin_of(i) != own and not policy.refuses(i)
    )
    await enqueue_many(
        session,
        [
            NewJob(
                kind=JobKind.DELIVER,
                payload={"activity_id": row.id, "inbox": inbox},
                dedupe_key=f"deliver:{row.id}:{inbox}",
                host=origin_of(inbox),
            )
            for inbox in inboxes
        ],
    )
    return row
