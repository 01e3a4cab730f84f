"""Browser sessions (`web_sessions`): found by the digest of the cookie's token."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, User, WebSession


async def live_session(
    session: AsyncSession, token_digest: str, now: datetime
) -> tuple[WebSession, Actor, User] | None:
    """The unexpired, unrevoked session of a digest, with its account."""
    row = (
        await session.execute(
            select(WebSession, Actor, User)
            .join(Actor, Actor.id == WebSession.actor_id)
            .join(User, User.actor_id == Actor.id)
            .where(
                WebSession.token_digest == token_digest,
                WebSession.revoked_at.is_(None),
                WebSession.expires_at > now,
                Actor.deleted_at.is_(None),
                Actor.suspended_at.is_(None),
                User.disabled.is_(False),
            )
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def sessions_of(session: AsyncSession, actor_id: int) -> Sequence[WebSession]:
    """An account's signed-in browsers, most recently used first."""
    return (
        await session.scalars(
            select(WebSession)
            .where(WebSession.actor_id == actor_id, WebSession.revoked_at.is_(None))
            .order_by(WebSession.id.desc())
        )
    ).all()


async def revoke_sessions(
    session: AsyncSession,
    actor_id: int,
    now: datetime,
    *,
    only: int | None = None,
    keep: int | None = None,
) -> int:
    """Revoke an account's sessions: one (`only`), or all but `keep`."""
    statement = update(WebSession).where(
        WebSession.actor_id == actor_id, WebSession.revoked_at.is_(None)
    )
    if only is not None:
        statement = statement.where(WebSession.id == only)
    if keep is not None:
        statement = statement.where(WebSession.id != keep)
    result = await session.execute(statement.values(revoked_at=now))
    return int(result.rowcount)  # type: ignore[attr-defined]
