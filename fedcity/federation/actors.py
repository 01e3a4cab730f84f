"""Finding remote actors: by URI, by key id and by acct: handle (WebFinger)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError, FetchError, Gone, NotFound
from fedcity.federation.attestations.schedule import schedule_check
from fedcity.federation.context import Federation
from fedcity.federation.fetch import fetch_document, fetch_json
from fedcity.federation.keys import KnownKey
from fedcity.federation.parse.actors import parse_actor
from fedcity.federation.vocab import (
    ACTOR_TYPES,
    get_type,
    is_as2_media_type,
    same_origin,
)
from fedcity.services.accounts import remote_actors
from fedcity.services.statuses.mentions import MentionResolver
from fedcity.storage.models import Actor
from fedcity.storage.queries import actors as q
from fedcity.storage.types import utcnow

log = logging.getLogger(__name__)


def _is_fresh(fed: Federation, actor: Actor) -> bool:
    if actor.fetched_at is None:
        return False
    max_age = timedelta(hours=fed.settings.federation.actor_refresh_hours)
    return utcnow() - actor.fetched_at < max_age


async def get_or_fetch_actor(
    fed: Federation, session: AsyncSession, uri: str, *, refresh: bool = False
) -> Actor:
    actor = await q.get_actor_by_uri(session, uri)
    if actor is not None and (actor.is_local or actor.deleted_at is not None):
        return actor
    if actor is not None and not refresh and _is_fresh(fed, actor):
        return actor
    try:
        doc = await fetch_document(fed, uri)
    except (FetchError, Gone):
        # Keep the cached copy while its server is away, and for a Delete of the
        # actor itself, which arrives when its document already answers 410.
        if actor is not None:
            return actor
        raise
    if doc.get("id") != uri:
        raise FetchError("invalid", detail=f"{uri} served an actor with another id")
    actor = await remote_actors.upsert_remote_actor(session, parse_actor(doc))
    fed.keys.remember(actor)
    await schedule_check(session, actor)
    return actor


async def stored_key(
    fed: Federation, session: AsyncSession, key_id: str
) -> KnownKey | None:
    """The public key behind `key_id` as known here (memory, then the actors
    table), without asking the network; None if it is not known."""
    cached = fed.keys.get(key_id)
    if cached is not None:
        return cached
    actor = await q.get_actor_by_key_id(session, key_id)
    return fed.keys.remember(actor) if actor is not None else None


async def fetch_key(fed: Federation, session: AsyncSession, key_id: str) -> KnownKey:
    """The public key behind `key_id` and its owner, fetched from the key's origin
    (the actor document, or a key document naming its owner) and cached.

    Raises:
        FetchError, Gone: the document could not be fetched.
        NotFound: the owner does not publish that key.
    """
    actor = await _fetch_key_owner(fed, session, key_id)
    known = fed.keys.remember(actor) if actor.key_id == key_id else None
    if known is None:
        raise NotFound(detail=f"no key {key_id} on its owner")
    return known


async def _fetch_key_owner(
    fed: Federation, session: AsyncSession, key_id: str
) -> Actor:
    doc = await fetch_document(fed, key_id.split("#", 1)[0])
    if get_type(doc) in ACTOR_TYPES:
        # The key's URL served the actor itself (Mastodon's #main-key): keep it,
        # rather than fetching the same document a second time.
        actor = await remote_actors.upsert_remote_actor(session, parse_actor(doc))
        fed.keys.remember(actor)
        return actor
    # GoToSocial and others serve the key as its own document with an owner.
    owner = str(doc.get("owner") or "")
    if not owner or not same_origin(owner, key_id):
        raise FetchError("invalid", detail=f"{key_id} names no owner on its origin")
    return await get_or_fetch_actor(fed, session, owner, refresh=True)


def split_handle(handle: str) -> tuple[str, str | None]:
    """'@alice@city.example' → ('alice', 'city.example'); '@alice' → ('alice', None)."""
    parts = handle.strip().lstrip("@").split("@")
    if len(parts) == 1:
        return parts[0], None
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], parts[1].lower()
    raise NotFound(detail=f"not a handle: {handle!r}")


async def resolve_handle(
    fed: Federation, session: AsyncSession, username: str, domain: str
) -> Actor:
    """Find `username@domain` through WebFinger and fetch the actor it points at."""
    known = await q.get_actor_by_handle(session, username, domain)
    if known is not None and _is_fresh(fed, known):
        return known
    jrd = await webfinger(fed, username, domain)
    href = _self_link(jrd)
    if href is None:
        raise NotFound(detail=f"{username}@{domain} has no ActivityPub actor")
    return await get_or_fetch_actor(fed, session, href, refresh=True)


async def webfinger(fed: Federation, username: str, domain: str) -> dict[str, Any]:
    """The WebFinger answer (JRD) of `username@domain`, through the guarded
    transport. Raises FetchError (or Gone) when its server does not answer one."""
    # Peers speak the scheme this instance speaks: https in production, http only in
    # development and tests.
    scheme = fed.settings.instance.scheme
    resource = quote(f"acct:{username}@{domain}", safe=":@")
    url = f"{scheme}://{domain}/.well-known/webfinger?resource={resource}"
    return await fetch_json(fed, url, "application/jrd+json, application/json")


def mention_resolver(fed: Federation) -> MentionResolver:
    """The WebFinger lookup that posting (`services.statuses.publishing`) is given
    for remote handles it does not know. A failed lookup is logged and leaves the
    mention as plain text rather than failing the post, as Mastodon does."""

    async def resolve(
        session: AsyncSession, username: str, domain: str
    ) -> Actor | None:
        try:
            return await resolve_handle(fed, session, username, domain)
        except FedcityError as exc:
            log.info("mention @%s@%s not resolved: %s", username, domain, exc)
            return None

    return resolve


def _self_link(jrd: dict[str, object]) -> str | None:
    links = jrd.get("links")
    if not isinstance(links, list):
        return None
    for link in links:
        if not isinstance(link, dict) or link.get("rel") != "self":
            continue
        # The same media types as fetch_document accepts for the document itself.
        if is_as2_media_type(str(link.get("type", ""))):
            href = link.get("href")
            return href if isinstance(href, str) else None
    return None
