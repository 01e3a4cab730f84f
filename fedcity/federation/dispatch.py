"""Routing stored inbound activities to their handlers.

Handlers register with `@handles("Type")`; unknown types are logged and dropped, as
GoToSocial does, since the fediverse keeps inventing new ones.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.vocab import Document, get_id, get_type
from fedcity.storage.models import Actor

log = logging.getLogger(__name__)


@dataclass
class Inbound:
    fed: Federation
    session: AsyncSession
    activity: Document
    actor: Actor  # the activity's actor, already fetched and verified
    recipient: str | None

    @property
    def kind(self) -> str:
        return get_type(self.activity)

    @property
    def object(self) -> Any:
        return self.activity.get("object")

    @property
    def object_id(self) -> str | None:
        return get_id(self.object)


Handler = Callable[[Inbound], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}


def handles(*kinds: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for kind in kinds:
            HANDLERS[kind] = fn
        return fn

    return register


async def route(inbound: Inbound) -> None:
    handler = HANDLERS.get(inbound.kind)
    if handler is None:
        log.info("unhandled activity type %s from %s", inbound.kind, inbound.actor.uri)
        return
    await handler(inbound)


def load_handlers() -> None:
    """Import the handler modules so that their @handles decorators run."""
    from fedcity.federation.handlers import (  # noqa: F401
        create,
        follow,
        interactions,
        moderation,
    )


async def process_inbox(fed: Federation, payload: dict[str, Any]) -> None:
    """Job handler: apply one stored inbound activity in its own transaction."""
    from fedcity.federation.actors import get_or_fetch_actor
    from fedcity.federation.delivery import mark_alive

    activity: Document = payload["activity"]
    actor_uri = get_id(activity.get("actor"))
    if actor_uri is None:
        return
    async with fed.db.session() as session:
        actor = await get_or_fetch_actor(fed, session, actor_uri)
        if actor.is_local or actor.deleted_at is not None:
            return
        await route(Inbound(fed, session, activity, actor, payload.get("recipient")))
        await mark_alive(fed, session, actor_uri)
