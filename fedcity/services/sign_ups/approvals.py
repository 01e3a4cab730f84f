"""The approval queue (issue 12): the accounts an admin lists, approves or
rejects (Mastodon's admin API, the admin page, `fedcity account approve|reject`);
the applicant gets a mail either way."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Forbidden, NotFound
from fedcity.i18n import N_
from fedcity.services.moderation import action_log
from fedcity.services.sign_ups import mails
from fedcity.services.sign_ups.registrations import Policy
from fedcity.storage.models import Actor, User
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import logins as q
from fedcity.storage.queries.logins import AccountFilter
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow

NOT_PENDING = N_("This account is not waiting for approval")


async def admin_accounts(
    session: AsyncSession, filters: AccountFilter, page: Page
) -> list[tuple[Actor, User | None]]:
    """Accounts for the admin API's listing, with their logins."""
    return await q.list_admin_accounts(
        session, filters, page.limit, page.max_id, page.since_id, page.min_id
    )


async def pending_login(session: AsyncSession, actor_id: int) -> tuple[Actor, User]:
    """A local account waiting for approval.

    Raises:
        NotFound: no such local account. Forbidden: it is not pending.
    """
    actor = await actor_q.get_actor_by_id(session, actor_id)
    user = await actor_q.get_user_by_actor_id(session, actor_id) if actor else None
    if actor is None or user is None or actor.deleted_at is not None:
        raise NotFound()
    if user.approved:
        raise Forbidden(NOT_PENDING)
    return actor, user


async def approve(
    session: AsyncSession, policy: Policy, actor: Actor, user: User, *, by: Actor | None
) -> None:
    """Let the account in and tell the applicant; logged as done `by` an admin
    (None: the command line). An address never confirmed (mail off) counts as
    confirmed by the admin's decision."""
    await action_log.record_on_account(session, by, "approve", actor)
    user.approved = True
    if user.confirmed_at is None and not policy.mail_enabled:
        user.confirmed_at = utcnow()
    await _tell(session, policy, actor, user, "approved")


async def reject(
    session: AsyncSession, policy: Policy, actor: Actor, user: User, *, by: Actor | None
) -> None:
    """Refuse the sign-up: the applicant is told, the account removed (as
    Mastodon's reject; it never posted, so nothing was federated)."""
    await action_log.record_on_account(session, by, "reject", actor)
    await _tell(session, policy, actor, user, "rejected")
    await q.delete_actor(session, actor.id)


async def _tell(
    session: AsyncSession, policy: Policy, actor: Actor, user: User, kind: str
) -> None:
    if policy.mail_enabled and user.email:
        await mails.queue_mail(
            session,
            kind,
            user.email,
            instance=policy.instance_name,
            username=actor.username,
            link=f"{policy.base_url}/auth/sign_in",
            language=user.locale,
        )


async def find_local_login(session: AsyncSession, name: str) -> tuple[Actor, User]:
    """A local account by name (`name` or `@name`), for the CLI."""
    actor = await actor_q.get_local_actor(session, name.lstrip("@").partition("@")[0])
    user = await actor_q.get_user_by_actor_id(session, actor.id) if actor else None
    if actor is None or user is None:
        raise NotFound("No local account named {username}", username=name)
    return actor, user
