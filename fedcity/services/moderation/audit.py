"""The audit log of official-capacity accounts (issue 11): every block, unblock,
mute, unmute, domain block and unblock, follower removed and reply removed by an
account that speaks as `official` is recorded, in the transaction of the action
itself, for admins to read (a public official's moderation can be state action).

The services that make those changes call `record`; it does nothing for personal
and campaign accounts, so callers need not ask.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, OfficialAction, Post
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page

OFFICIAL = "official"


class AuditAction(StrEnum):
    BLOCK = "block"
    UNBLOCK = "unblock"
    MUTE = "mute"
    UNMUTE = "unmute"
    DOMAIN_BLOCK = "domain_block"
    DOMAIN_UNBLOCK = "domain_unblock"
    REMOVE_FROM_FOLLOWERS = "remove_from_followers"
    REMOVE_REPLY = "remove_reply"
    RESTORE_REPLY = "restore_reply"


def acct(actor: Actor) -> str:
    """The handle as Mastodon's `acct`: `name` here, `name@domain` for others."""
    return actor.username if actor.is_local else f"{actor.username}@{actor.domain}"


async def record(
    session: AsyncSession,
    official: Actor,
    action: AuditAction,
    *,
    account: Actor | None = None,
    domain: str | None = None,
    status: Post | None = None,
    reason: str | None = None,
) -> OfficialAction | None:
    """Log `action` of `official` on an account, a domain or a post (a post's
    author is given as `account`), if `official` speaks in an official capacity."""
    if official.capacity != OFFICIAL or not official.is_local:
        return None
    entry = OfficialAction(
        actor_id=official.id,
        account=acct(official),
        action=action.value,
        target_account_id=None if account is None else account.id,
        target_status_id=None if status is None else status.id,
        target_domain=domain,
        target=_target_text(account, domain, status),
        target_url=_target_url(account, status),
        reason=(reason or "").strip() or None,
    )
    session.add(entry)
    await session.flush()
    return entry


def _target_text(account: Actor | None, domain: str | None, status: Post | None) -> str:
    if status is not None:
        return status.url or status.uri
    if account is not None:
        return acct(account)
    return domain or ""


def _target_url(account: Actor | None, status: Post | None) -> str | None:
    if status is not None:
        return status.url or status.uri
    if account is not None:
        return account.url or account.uri
    return None


async def list_entries(
    session: AsyncSession, page: Page, *, actor_id: int | None = None
) -> list[OfficialAction]:
    """Entries newest first (of one account's when `actor_id` is given), paged on
    their ids as Mastodon's lists are."""
    stmt = select(OfficialAction)
    if actor_id is not None:
        stmt = stmt.where(OfficialAction.actor_id == actor_id)
    return [row for (row,) in await paged_rows(session, stmt, OfficialAction.id, page)]
