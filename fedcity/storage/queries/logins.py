"""Local accounts' logins and what holds access to them: users found by email,
the apps holding a live token for an account, and revoking those tokens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import AccessToken, Actor, OAuthApp, User


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
