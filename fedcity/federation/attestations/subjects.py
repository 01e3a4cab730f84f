"""The account an operator names to attest: a local name, a known remote handle,
or a remote handle not yet known here, found through WebFinger and fetched as
search does (a league attests its member cities' officials this way)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError, NotFound
from fedcity.federation.actors import resolve_handle, split_handle
from fedcity.federation.context import Federation
from fedcity.services.offices import attestations as offices
from fedcity.storage.models import Actor


async def find_or_resolve(
    fed: Federation, session: AsyncSession, account: str
) -> Actor:
    """`account` as `offices.find_account` finds it, else resolved remotely.

    Raises:
        NotFound: a local name not known here, or a handle nobody answers for.
    """
    local_domain = fed.settings.instance.domain
    try:
        return await offices.find_account(session, account, local_domain)
    except NotFound:
        name, domain = split_handle(account)
        if domain is None or domain == local_domain.lower():
            raise
    try:
        actor = await resolve_handle(fed, session, name, domain)
    except FedcityError as exc:
        raise NotFound("No account {account} is known here", account=account) from exc
    if actor.deleted_at is not None:
        raise NotFound("No account {account} is known here", account=account)
    return actor
