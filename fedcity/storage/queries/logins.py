"""Local accounts' logins and what holds access to them: users found by email,
the apps holding a live token for an account, and revoking those tokens; and
sign-up's invites, mail links and approval queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import (
    AccessToken,
    Actor,
    EmailToken,
    Invite,
    OAuthApp,
    User,
)
from fedcity.storage.types import utcnow


async def get_login_by_email(
    session: AsyncSession, email: str
) -> tuple[Actor, User] | None:
    """The local account whose login has this email address (any case)."""
    row = (
        await session.execute(
            select(Actor, User)
            .join(User, User.actor_id == Actor.id)
            .where(func.lower(User.email) == email.lower(), Actor.deleted_at.is_(None))
            .limit(1)
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True)
class AuthorizedApp:
    """An app holding at least one live token for an account."""

    app_id: int
    name: str
    website: str | None
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None


async def authorized_apps(
    session: AsyncSession, actor_id: int
) -> Sequence[AuthorizedApp]:
    """The apps with a live token of `actor_id`, the most recently authorized
    first; the scopes of all their tokens together."""
    rows = (
        await session.execute(
            select(OAuthApp, AccessToken)
            .join(AccessToken, AccessToken.app_id == OAuthApp.id)
            .where(AccessToken.actor_id == actor_id, AccessToken.revoked_at.is_(None))
            .order_by(AccessToken.id.desc())
        )
    ).all()
    found: dict[int, AuthorizedApp] = {}
    for app, token in rows:
        seen = found.get(app.id)
        scopes = list(
            dict.fromkeys([*(seen.scopes if seen else []), *token.scopes.split()])
        )
        used = [t for t in (seen and seen.last_used_at, token.last_used_at) if t]
        found[app.id] = AuthorizedApp(
            app_id=app.id,
            name=app.name,
            website=app.website,
            scopes=scopes,
            created_at=min(seen.created_at, token.created_at)
            if seen
            else token.created_at,
            last_used_at=max(used) if used else None,
        )
    return list(found.values())


async def revoke_app_tokens(
    session: AsyncSession, actor_id: int, app_id: int, now: datetime
) -> int:
    """Revoke every token `app_id` holds for `actor_id`; how many were live."""
    result = await session.execute(
        update(AccessToken)
        .where(
            AccessToken.actor_id == actor_id,
            AccessToken.app_id == app_id,
            AccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- sign-up: invites, mail links, the approval queue (issue 12) ---------------


async def get_invite_by_code(session: AsyncSession, code: str) -> Invite | None:
    return await session.scalar(select(Invite).where(Invite.code == code))


async def list_invites(session: AsyncSession, include_spent: bool) -> list[Invite]:
    """Newest first; without `include_spent`, only those still usable now."""
    query = select(Invite).order_by(Invite.id.desc())
    if not include_spent:
        now = utcnow()
        query = query.where(
            Invite.revoked_at.is_(None),
            or_(Invite.expires_at.is_(None), Invite.expires_at > now),
            or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses),
        )
    return list((await session.scalars(query)).all())


async def use_invite(session: AsyncSession, invite_id: int) -> bool:
    """Count one use of the invite, only if it has a use left and is not revoked:
    one conditional UPDATE, so sign-ups racing for the last use cannot both have
    it (the row lock makes the later one re-check `uses`). False if none was left."""
    result = await session.execute(
        update(Invite)
        .where(
            Invite.id == invite_id,
            Invite.revoked_at.is_(None),
            or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses),
        )
        .values(uses=Invite.uses + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def get_email_token(
    session: AsyncSession, purpose: str, digest: str
) -> EmailToken | None:
    return await session.scalar(
        select(EmailToken).where(
            EmailToken.token_digest == digest, EmailToken.purpose == purpose
        )
    )


async def spend_email_tokens(session: AsyncSession, user_id: int, purpose: str) -> None:
    """Mark every unused link of `purpose` for the user as used (a newer link, or
    the one just followed, supersedes them)."""
    await session.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user_id,
            EmailToken.purpose == purpose,
            EmailToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )


@dataclass(frozen=True)
class AccountFilter:
    """The admin API's account filters that fedcity keeps: origin, status, names."""

    origin: str | None = None  # local | remote
    status: str | None = None  # active | pending | disabled
    username: str | None = None
    email: str | None = None
    invite_id: int | None = None


async def list_admin_accounts(
    session: AsyncSession,
    filters: AccountFilter,
    limit: int,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
) -> list[tuple[Actor, User | None]]:
    """Accounts with their login (None for remote ones), newest first (oldest
    first above `min_id`), the instance's own actor left out."""
    query = (
        select(Actor, User)
        .outerjoin(User, User.actor_id == Actor.id)
        .where(Actor.deleted_at.is_(None), Actor.actor_type != "Application")
    )
    if filters.origin == "local":
        query = query.where(Actor.domain.is_(None))
    elif filters.origin == "remote":
        query = query.where(Actor.domain.is_not(None))
    if filters.status == "pending":
        query = query.where(User.approved.is_(False))
    elif filters.status == "active":
        query = query.where(
            or_(User.id.is_(None), (User.approved.is_(True)) & User.disabled.is_(False))
        )
    elif filters.status == "disabled":
        query = query.where(User.disabled.is_(True))
    if filters.username:
        query = query.where(
            func.lower(Actor.username).startswith(filters.username.lower())
        )
    if filters.email:
        query = query.where(func.lower(User.email).contains(filters.email.lower()))
    if filters.invite_id is not None:
        query = query.where(User.invite_id == filters.invite_id)
    if max_id is not None:
        query = query.where(Actor.id < max_id)
    if since_id is not None:
        query = query.where(Actor.id > since_id)
    if min_id is not None:
        query = query.where(Actor.id > min_id).order_by(Actor.id.asc())
    else:
        query = query.order_by(Actor.id.desc())
    rows = (await session.execute(query.limit(limit))).all()
    found: list[tuple[Actor, User | None]] = [(row[0], row[1]) for row in rows]
    return found[::-1] if min_id is not None else found


async def list_office_claims(
    session: AsyncSession, state: str = "pending"
) -> list[tuple[Actor, User, Invite]]:
    """Accounts whose invite named an office, in the claim's `state`, oldest first."""
    rows = (
        await session.execute(
            select(Actor, User, Invite)
            .join(User, User.actor_id == Actor.id)
            .join(Invite, Invite.id == User.invite_id)
            .where(User.office_claim == state, Actor.deleted_at.is_(None))
            .order_by(User.id)
        )
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


async def delete_actor(session: AsyncSession, actor_id: int) -> None:
    """Remove a local account that never was in use (a rejected sign-up): its
    login, tokens and sessions go with it (ON DELETE CASCADE)."""
    await session.execute(delete(Actor).where(Actor.id == actor_id))
