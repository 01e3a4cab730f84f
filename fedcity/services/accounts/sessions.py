"""Browser sessions: sign in, who a cookie belongs to, sign out.

The cookie carries a random token and the database keeps only its SHA-256 digest
(as for access tokens). Sessions last `SESSION_DAYS`; signing out ends one, and a
password change ends every other one (Mastodon does the same with its session
activations).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.storage.models import Actor, User, WebSession
from fedcity.storage.queries import sessions as q
from fedcity.storage.types import utcnow

SESSION_DAYS = 14
# `last_seen_at` is written at most this often, so that reading a page does not
# write to the database each time.
TOUCH_EVERY = timedelta(minutes=5)
USER_AGENT_LIMIT = 512


@dataclass(frozen=True)
class SignedIn:
    """Who is behind a browser: the session row, the account and its login."""

    web_session: WebSession
    actor: Actor
    user: User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(
    session: AsyncSession, actor: Actor, user_agent: str, ip: str | None
) -> str:
    """A new session for `actor`; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            token_digest=_digest(token),
            actor_id=actor.id,
            user_agent=user_agent[:USER_AGENT_LIMIT],
            ip=ip,
            expires_at=now + timedelta(days=SESSION_DAYS),
            last_seen_at=now,
        )
    )
    await session.commit()
    return token


async def signed_in(session: AsyncSession, token: str) -> SignedIn | None:
    """The live session of a cookie's token, if any."""
    if not token:
        return None
    now = utcnow()
    found = await q.live_session(session, _digest(token), now)
    if found is None:
        return None
    web_session, actor, user = found
    if web_session.last_seen_at is None or now - web_session.last_seen_at > TOUCH_EVERY:
        web_session.last_seen_at = now
        await session.commit()
    return SignedIn(web_session, actor, user)


async def end_session(session: AsyncSession, signed: SignedIn) -> None:
    """Sign out this browser."""
    await q.revoke_sessions(
        session, signed.actor.id, utcnow(), only=signed.web_session.id
    )
    await session.commit()


async def end_other_sessions(session: AsyncSession, signed: SignedIn) -> int:
    """Sign out every other browser (after a password change, or on request)."""
    ended = await q.revoke_sessions(
        session, signed.actor.id, utcnow(), keep=signed.web_session.id
    )
    await session.commit()
    return ended
