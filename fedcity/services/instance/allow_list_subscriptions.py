"""The allow lists an instance subscribes to (issue 12): a league's published
list, fetched by `federation.allow_lists` at subscription and daily after; the
domains of each count as allowed (`domain_policies.load_policy`). Every change
moves the policy's version, as the blocks and allows do."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.domains import normalize_domain
from fedcity.errors import NotFound
from fedcity.services.instance.domain_policies import bump_version
from fedcity.services.moderation import action_log
from fedcity.services.moderation.action_log import Target
from fedcity.storage.models import Actor, AllowListSubscription
from fedcity.storage.types import utcnow


async def subscribe(
    session: AsyncSession, url: str, *, by: Actor | None
) -> AllowListSubscription:
    """Record a subscription to the allow list at `url` (fetched by the caller and
    then daily by a `refresh_allow_list` job)."""
    row = await session.scalar(
        select(AllowListSubscription).where(AllowListSubscription.url == url)
    )
    if row is None:
        row = AllowListSubscription(url=url, domains=[])
        session.add(row)
        await session.flush()
        await action_log.record(
            session, by, "subscribe", Target.ALLOW_LIST, target=url, target_id=row.id
        )
    return row


async def store_allow_list(
    session: AsyncSession,
    subscription_id: int,
    *,
    publisher: str | None = None,
    domains: list[str] | None = None,
    error: str | None = None,
) -> AllowListSubscription | None:
    """Keep what a fetch of a subscribed list found: its domains (on success; a
    failed fetch keeps the last good list) or the error. None if unsubscribed."""
    row = await session.get(AllowListSubscription, subscription_id)
    if row is None:
        return None
    row.last_error = error
    if domains is not None:
        row.publisher = publisher
        row.domains = sorted({normalize_domain(d) for d in domains} - {""})
        row.fetched_at = utcnow()
        await bump_version(session)
    await session.flush()
    return row


async def unsubscribe(
    session: AsyncSession, url: str, *, by: Actor | None, reason: str | None = None
) -> None:
    """Forget a subscribed list; its domains are no longer allowed for it.

    Raises:
        NotFound: not subscribed.
    """
    row = await session.scalar(
        select(AllowListSubscription).where(AllowListSubscription.url == url)
    )
    if row is None:
        raise NotFound("not subscribed to {url}", url=url)
    await action_log.record(
        session,
        by,
        "unsubscribe",
        Target.ALLOW_LIST,
        target=url,
        target_id=row.id,
        reason=reason,
    )
    await session.delete(row)
    await session.flush()
    await bump_version(session)


async def list_subscriptions(session: AsyncSession) -> list[AllowListSubscription]:
    return list(
        await session.scalars(
            select(AllowListSubscription).order_by(AllowListSubscription.id)
        )
    )
