"""What holds access to a local account, and taking it back: the password, the
apps with tokens, the signed-in browsers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.i18n import N_
from fedcity.services.accounts.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    password_matches,
)
from fedcity.services.accounts.sessions import SignedIn, end_other_sessions
from fedcity.storage.models import WebSession
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import logins as q
from fedcity.storage.queries import sessions as session_q
from fedcity.storage.queries.logins import AuthorizedApp
from fedcity.storage.types import utcnow

MAX_PASSWORD_LENGTH = 1024  # argon2 hashes any length; a bound on the work

__all__ = ["MIN_PASSWORD_LENGTH", "AuthorizedApp"]


WRONG_CURRENT = N_("The current password is not right")
TOO_SHORT = N_("The new password must be at least {count} characters")
TOO_LONG = N_("The new password must be at most {count} characters")
NOT_SAME = N_("The two new passwords are not the same")
# The form field each refusal is about.
PASSWORD_FIELDS = {
    WRONG_CURRENT: "current_password",
    TOO_SHORT: "password",
    TOO_LONG: "password",
    NOT_SAME: "password_confirmation",
}


async def change_password(
    session: AsyncSession, signed: SignedIn, current: str, new: str, confirm: str
) -> int:
    """Set a new password and sign out every other browser; how many were.

    Raises:
        Unprocessable: the current password is wrong, the new one too short or
            too long, or the confirmation differs.
    """
    user = await actor_q.get_user_by_actor_id(session, signed.actor.id)
    if user is None or not password_matches(user.password_hash, current):
        raise Unprocessable(WRONG_CURRENT)
    check_new_password(new, confirm)
    user.password_hash = hash_password(new)
    await session.flush()
    return await end_other_sessions(session, signed)


def check_new_password(new: str, confirm: str) -> None:
    """Raises Unprocessable when a new password is too short or too long, or its
    confirmation differs."""
    if len(new) < MIN_PASSWORD_LENGTH:
        raise Unprocessable(TOO_SHORT, count=MIN_PASSWORD_LENGTH)
    if len(new) > MAX_PASSWORD_LENGTH:
        raise Unprocessable(TOO_LONG, count=MAX_PASSWORD_LENGTH)
    if new != confirm:
        raise Unprocessable(NOT_SAME)


async def authorized_apps(
    session: AsyncSession, signed: SignedIn
) -> Sequence[AuthorizedApp]:
    return await q.authorized_apps(session, signed.actor.id)


async def revoke_app(session: AsyncSession, signed: SignedIn, app_id: int) -> int:
    """Revoke every token the app holds for this account: the app must ask again."""
    return await q.revoke_app_tokens(session, signed.actor.id, app_id, utcnow())


async def browsers(session: AsyncSession, signed: SignedIn) -> Sequence[WebSession]:
    """The account's signed-in browsers, this one among them."""
    now = utcnow()
    return [
        s
        for s in await session_q.sessions_of(session, signed.actor.id)
        if s.expires_at > now
    ]


async def end_browser_session(
    session: AsyncSession, signed: SignedIn, session_id: int
) -> int:
    """Sign out one of the account's browsers."""
    return await session_q.revoke_sessions(
        session, signed.actor.id, utcnow(), only=session_id
    )


async def end_other_browser_sessions(session: AsyncSession, signed: SignedIn) -> int:
    """Sign out every browser but this one."""
    return await end_other_sessions(session, signed)
