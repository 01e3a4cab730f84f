"""Routing stored inbound activities to their handlers.

Handlers register on (activity type, object type) with a fallback on the activity
type alone, as Fedify and GoToSocial route: `@handles("Create", "Note")`,
`@handles("Undo", "Follow")`, `@handles("Delete")`. For the activity types whose
object may come as a bare id, a resolver registered with `@resolves(...)` finds the
object first (fetched from its origin, or found here) so that its type is known.
Unknown combinations are logged and dropped, as GoToSocial does, since the
fediverse keeps inventing new ones.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
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
    # The object as its activity type's resolver found it (empty without one).
    resolved: Document = field(default_factory=dict)

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
Resolver = Callable[[Inbound], Awaitable[Document | None]]
# (activity type, object type or None for any object) → handler.
HANDLERS: dict[tuple[str, str | None], Handler] = {}
RESOLVERS: dict[str, Resolver] = {}


def handles(activity: str, *objects: str) -> Callable[[Handler], Handler]:
    """Register a handler of `activity` with one of `objects`, or with any object.

    Raises:
        ValueError: the combination already has a handler.
    """
    keys: list[tuple[str, str | None]] = [(activity, obj) for obj in objects]
    keys = keys or [(activity, None)]

    def register(fn: Handler) -> Handler:
        for key in keys:
            if key in HANDLERS:
                raise ValueError(f"{key} already has a handler")
            HANDLERS[key] = fn
        return fn

    return register


def resolves(*activities: str) -> Callable[[Resolver], Resolver]:
    """Register how the object of `activities` is found before routing; a resolver
    that returns None means there is nothing to act on."""

    def register(fn: Resolver) -> Resolver:
        for activity in activities:
            RESOLVERS[activity] = fn
        return fn

    return register


async def route(inbound: Inbound) -> None:
    """Run the handler of the activity's (type, object type), else of its type."""
    kind = inbound.kind
    resolver = RESOLVERS.get(kind)
    if resolver is not None:
        resolved = await resolver(inbound)
        if resolved is None:
            return
        inbound.resolved = resolved
        obj: Any = resolved
    else:
        obj = inbound.object
    object_type = (get_type(obj) if isinstance(obj, dict) else "") or None
    handler = HANDLERS.get((kind, object_type)) or HANDLERS.get((kind, None))
    if handler is None:
        log.info(
            "unhandled activity %s of %s from %s", kind, object_type, inbound.actor.uri
        )
        return
    await handler(inbound)


def load_handlers() -> None:
    """Import the handler modules so that their @handles decorators run."""
    from fedcity.federation.handlers import (  # noqa: F401
        create,
        follow,
        interactions,
        moderation,
        undo,
    )
    from fedcity.federation.library import applying  # noqa: F401


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
        if actor.suspended_at is not None:
            return  # suspended here: nothing it sends is applied
        await route(Inbound(fed, session, activity, actor, payload.get("recipient")))
        await mark_alive(fed, session, actor_uri)
