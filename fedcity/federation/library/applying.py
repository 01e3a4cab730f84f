""" "I'm applying" marks between instances (services.library.applying).

A mark is a `Join` of the funding opportunity's Article by the applying account,
as Mobilizon's participation in an event is a `Join` of the Event; taking it
back is the `Undo` of that Join (a `Leave` is read the same way). It is public
and goes to the opportunity's author and to the instances subscribed to this
one (the instance actor's followers), so that a board shows who is applying
here and on the instances it follows. The Join's id is the mark's activity URL;
the Undo embeds the Join, so that a receiver needs no row to know what it undoes.

Received, a Join counts only for a funding opportunity held here, open, and not
withdrawn; anything else (another server's Join of a group or an event) is
logged and dropped."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.federation.context import Federation
from fedcity.federation.dispatch import Inbound, handles
from fedcity.federation.library.outbound import (
    instance_follower_inboxes,
    instance_followers,
)
from fedcity.federation.outbox.publish import Outgoing, builds
from fedcity.federation.outbox.social import stored_activity, undo
from fedcity.federation.render.common import render_activity
from fedcity.federation.vocab import AS_PUBLIC, get_id
from fedcity.jobs.verbs import ApplicationRef, ApplicationUndone, Verb
from fedcity.services.library import applying
from fedcity.storage.models import Actor, LibraryApplication, LibraryItem
from fedcity.storage.queries import library as q

log = logging.getLogger(__name__)

JOIN = "Join"


@builds(Verb.APPLY)
async def build_join(
    fed: Federation, session: AsyncSession, payload: ApplicationRef
) -> Outgoing | None:
    """A local account's mark; nothing if it was taken back before it was sent."""
    mark = await session.get(LibraryApplication, payload.application_id)
    if mark is None:
        return None
    parties = await _parties(session, mark.account_id, mark.item_id)
    if parties is None:
        return None
    actor, item, author = parties
    join = render_activity(
        JOIN,
        fed.urls.activity(mark.id),
        actor,
        item.uri,
        [author.uri],
        [AS_PUBLIC, instance_followers(fed)],
        published=mark.created_at,
    )
    return Outgoing(actor, join, await _recipients(fed, session, author))


@builds(Verb.UNDO_APPLY)
async def build_undo_join(
    fed: Federation, session: AsyncSession, payload: ApplicationUndone
) -> Outgoing | None:
    """A local account's mark taken back: the Undo of its Join."""
    parties = await _parties(session, payload.account_id, payload.item_id)
    if parties is None:
        return None
    actor, item, author = parties
    join = stored_activity(
        JOIN, fed.urls.activity(payload.application_id), actor, item.uri
    )
    doc = undo(actor, join, [author.uri], [AS_PUBLIC, instance_followers(fed)])
    return Outgoing(actor, doc, await _recipients(fed, session, author))


async def _parties(
    session: AsyncSession, account_id: int, item_id: int
) -> tuple[Actor, LibraryItem, Actor] | None:
    """The applying account, the opportunity and its author (None: one is gone)."""
    actor = await session.get(Actor, account_id)
    item = await session.get(LibraryItem, item_id)
    author = await session.get(Actor, item.actor_id) if item is not None else None
    if actor is None or item is None or author is None:
        return None
    return actor, item, author


async def _recipients(
    fed: Federation, session: AsyncSession, author: Actor
) -> set[str]:
    inboxes = await instance_follower_inboxes(fed, session)
    if not author.is_local and author.delivery_inbox:
        inboxes.add(author.delivery_inbox)
    return inboxes


# --- received -------------------------------------------------------------------


@handles(JOIN)
async def on_join(inbound: Inbound) -> None:
    item = await _held_item(inbound, inbound.object_id)
    if item is None:
        return
    if await applying.receive_mark(inbound.session, inbound.actor, item):
        log.info("%s is applying for %s", inbound.actor.uri, item.uri)
    else:
        log.info(
            "mark of %s on %s refused: not an open funding opportunity",
            inbound.actor.uri,
            item.uri,
        )


@handles("Leave")
async def on_leave(inbound: Inbound) -> None:
    await _unmark(inbound, inbound.object_id)


@handles("Undo", JOIN)
async def on_undo_join(inbound: Inbound) -> None:
    await _unmark(inbound, get_id(inbound.resolved.get("object")))


async def _unmark(inbound: Inbound, object_id: str | None) -> None:
    item = await _held_item(inbound, object_id)
    if item is not None:
        await applying.receive_unmark(inbound.session, inbound.actor, item)


async def _held_item(inbound: Inbound, object_id: str | None) -> LibraryItem | None:
    """The library item a Join or Leave names, if held here."""
    item = await q.get_item_by_uri(inbound.session, object_id or "")
    if item is None:
        log.info(
            "unhandled %s of %s from %s", inbound.kind, object_id, inbound.actor.uri
        )
    return item
