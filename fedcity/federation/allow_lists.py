"""Published allow lists (issue 12): a league publishes the domains it federates
with, and member cities subscribe, so a new member city is recognised without
manual work.

The list is an `OrderedCollection` of domain names at `/actor/allowlist`, linked
from the instance actor's `streams`, attributed to the instance actor and signed
with its `assertionMethod` key (FEP-8b32, eddsa-jcs-2022). A subscriber fetches
it, checks the proof against the key the publisher's instance actor lists, and
counts the domains as allowed; a `refresh_allow_list` job does it again daily.
A list whose proof fails is not used; the last good one stays in force.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from fedcity.domains import authority_of, normalize_domain
from fedcity.errors import FedcityError, FetchError
from fedcity.federation.context import Federation
from fedcity.federation.fetch import fetch_document_as_served
from fedcity.federation.integrity.proofs import DATA_INTEGRITY_CONTEXT, format_created
from fedcity.federation.integrity.remote import verify_remote
from fedcity.federation.vocab import AS2_PROFILE, get_id, same_origin
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import NewJob, enqueue_many
from fedcity.services.instance import allow_list_subscriptions as subscriptions
from fedcity.services.instance import domain_policies
from fedcity.storage.types import utcnow

log = logging.getLogger(__name__)

REFRESH_EVERY = timedelta(days=1)


def allow_list_url(fed: Federation) -> str:
    return fed.urls.instance_actor + "/allowlist"


async def render_allow_list(fed: Federation) -> dict[str, Any]:
    """This instance's own allow (its domain and those allowed by hand, not those
    from lists it subscribes to), signed by the instance actor."""
    async with fed.db.session() as session:
        allows = await domain_policies.list_allows(session)
    domains = sorted({row.domain for row in allows} | {authority_of(fed.urls.base)})
    document = {
        "@context": [AS2_PROFILE, DATA_INTEGRITY_CONTEXT],
        "id": allow_list_url(fed),
        "type": "OrderedCollection",
        "attributedTo": fed.urls.instance_actor,
        "updated": format_created(utcnow()),
        "totalItems": len(domains),
        "orderedItems": domains,
    }
    return fed.assertion_key.sign(document)


async def fetch_allow_list(fed: Federation, url: str) -> tuple[str, list[str]]:
    """Fetch and verify the allow list at `url`: (publisher, domains).

    Raises:
        FetchError: unreachable, not a collection, or not the publisher's.
        ProofError: the proof does not verify against the publisher's key.
    """
    document = await fetch_document_as_served(fed, url)
    publisher = get_id(document.get("attributedTo"))
    if document.get("type") != "OrderedCollection" or publisher is None:
        raise FetchError("invalid", detail=f"{url} is not an allow list")
    if not same_origin(publisher, url):
        raise FetchError("invalid", detail=f"{url} is attributed to another server")
    async with fed.db.session() as session:
        await verify_remote(fed, session, document, owner=publisher)
    items = document.get("orderedItems")
    listed = [normalize_domain(d) for d in items or [] if isinstance(d, str)]
    return publisher, [d for d in listed if d]


async def refresh_subscription(fed: Federation, subscription_id: int) -> str | None:
    """Fetch one subscribed list and store what it says (or why it failed, keeping
    the last good list); the error message, None on success."""
    async with fed.db.session() as session:
        rows = await subscriptions.list_subscriptions(session)
    row = next((r for r in rows if r.id == subscription_id), None)
    if row is None:
        return None
    try:
        publisher, domains = await fetch_allow_list(fed, row.url)
    except FedcityError as exc:
        error = f"{exc.message}: {exc.detail or ''}".strip(": ")
        log.warning("allow list %s not refreshed: %s", row.url, error)
        async with fed.db.session() as session:
            await subscriptions.store_allow_list(session, row.id, error=error)
        return error
    async with fed.db.session() as session:
        await subscriptions.store_allow_list(
            session, row.id, publisher=publisher, domains=domains
        )
    await fed.policy.refresh(fed.db)
    return None


async def schedule_refresh(fed: Federation, subscription_id: int) -> None:
    """Queue the next daily refresh (one per subscription per day)."""
    when = utcnow() + REFRESH_EVERY
    async with fed.db.session() as session:
        await enqueue_many(
            session,
            [
                NewJob(
                    JobKind.REFRESH_ALLOW_LIST,
                    {"subscription_id": subscription_id},
                    dedupe_key=f"allow_list:{subscription_id}:{when:%Y-%m-%d}",
                    run_at=when,
                )
            ],
        )


async def refresh_allow_list(fed: Federation, payload: dict[str, Any]) -> None:
    """Job handler for `refresh_allow_list`: refresh, then plan tomorrow's."""
    subscription_id = int(payload["subscription_id"])
    await refresh_subscription(fed, subscription_id)
    async with fed.db.session() as session:
        subscribed = {r.id for r in await subscriptions.list_subscriptions(session)}
    if subscription_id in subscribed:
        await schedule_refresh(fed, subscription_id)
