"""Finding accounts by handle, username or display name: one search behind
/api/v1/accounts/search and the accounts of /api/v2/search (Mastodon's
AccountSearchService, without a search engine).

A complete handle (`user@domain`) is looked up exactly first, and with `resolve`
an unknown remote one is asked of its server through the `resolver` the caller
hands in (the services layer does not speak WebFinger itself). The rest are
substring matches on username and display name.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.i18n import N_
from fedcity.services.limits import MAX_SEARCH_QUERY, check_length
from fedcity.storage.models import Actor
from fedcity.storage.queries import actors as q

Resolver = Callable[[str, str], Awaitable[Actor | None]]
HANDLE_RE = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.-]*)@([A-Za-z0-9.:-]+)$")
# Anonymous searches for fewer characters than this find only exact handles.
MIN_ANONYMOUS_QUERY = 3


@dataclass(frozen=True)
class AccountQuery:
    text: str
    limit: int = 40
    offset: int = 0
    resolve: bool = False
    following: bool = False  # only accounts the viewer follows (and itself)


async def search_accounts(
    session: AsyncSession,
    viewer: Actor | None,
    query: AccountQuery,
    *,
    own_domain: str,
    resolver: Resolver | None = None,
) -> list[Actor]:
    text = query.text.strip().removeprefix("@")
    check_length(N_("Q"), text, MAX_SEARCH_QUERY)
    if not text or query.limit < 1:
        return []
    handle = _handle(text, own_domain.lower())
    exact = None
    if handle is not None and query.offset == 0:
        exact = await _exact(session, viewer, query, handle, resolver)
    found = [exact] if exact is not None else []
    if viewer is not None or len(text) >= MIN_ANONYMOUS_QUERY:
        username, domain = handle if handle is not None else (text, None)
        found += await q.search_actors(
            session,
            username,
            limit=query.limit - len(found),
            offset=query.offset,
            local_only=handle is not None and domain is None,
            domain=domain,
            among_followed_by=viewer.id if viewer and query.following else None,
        )
    return list({actor.id: actor for actor in found}.values())


def _handle(text: str, own_domain: str) -> tuple[str, str | None] | None:
    """('user', 'domain') for a complete handle, domain None when it is this one."""
    match = HANDLE_RE.match(text)
    if match is None:
        return None
    domain = match.group(2).lower()
    return match.group(1), None if domain == own_domain else domain


async def _exact(
    session: AsyncSession,
    viewer: Actor | None,
    query: AccountQuery,
    handle: tuple[str, str | None],
    resolver: Resolver | None,
) -> Actor | None:
    username, domain = handle
    actor = await q.get_actor_by_handle(session, username, domain)
    if actor is None and query.resolve and domain is not None and resolver:
        actor = await resolver(username, domain)
    if actor is None or actor.deleted_at is not None:
        return None
    if actor.actor_type == "Application":
        return None
    if (
        viewer is not None
        and query.following
        and actor.id != viewer.id
        and not await q.is_follower(session, viewer.id, actor.id)
    ):
        return None
    return actor
