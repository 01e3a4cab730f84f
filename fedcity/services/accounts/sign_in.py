"""Signing in on the web: which account a login names, whether its password is
right, and how many failed attempts a browser may make.

A login is a username, `@name@domain` (this instance's domain), or the email
address of the account. A wrong login and a wrong password are the same error,
so the form does not tell which accounts exist; a disabled account is refused
only once its password was right.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Forbidden, Unauthorized
from fedcity.i18n import N_
from fedcity.services.accounts.passwords import password_matches
from fedcity.storage.models import Actor, User
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import logins as q

WRONG_LOGIN = N_("Invalid username or password")
DISABLED = N_("This account is disabled")
# Mastodon's answers to a token whose account may not act yet (issue 12).
NOT_CONFIRMED = N_("Your login is missing a confirmed e-mail address")
NOT_APPROVED = N_("Your login is currently pending approval")
LOGIN_DISABLED = N_("Your login is currently disabled")


def login_gate(user: User) -> Forbidden | None:
    """Why the account may not sign in or act yet (Mastodon's 403), if so:
    disabled, its address not confirmed, or not approved by an admin."""
    if user.disabled:
        return Forbidden(LOGIN_DISABLED)
    if user.confirmed_at is None:
        return Forbidden(NOT_CONFIRMED)
    if not user.approved:
        return Forbidden(NOT_APPROVED)
    return None


@dataclass(frozen=True)
class Login:
    actor: Actor
    user: User


async def find_login(session: AsyncSession, login: str, domain: str) -> Login | None:
    """The local account a login names, if any."""
    login = login.strip()
    name, at, host = login.lstrip("@").partition("@")
    if at and host.lower() != domain.lower() and not login.startswith("@"):
        found = await q.get_login_by_email(session, login)
        return None if found is None else Login(*found)
    if at and host.lower() != domain.lower():
        return None  # another server's account: it signs in there
    actor = await actor_q.get_local_actor(session, name) if name else None
    user = await actor_q.get_user_by_actor_id(session, actor.id) if actor else None
    return None if actor is None or user is None else Login(actor, user)


async def password_login(
    session: AsyncSession, login: str, password: str, domain: str
) -> Login:
    """The account, if `password` is its own and it may sign in.

    Raises:
        Unauthorized: no such account, or the password is wrong.
        Forbidden: the account is disabled, its address is not confirmed or it
        is not approved yet.
    """
    found = await find_login(session, login, domain)
    if found is None or not password_matches(found.user.password_hash, password):
        raise Unauthorized(WRONG_LOGIN)
    if found.user.disabled or found.actor.suspended_at is not None:
        raise Forbidden(DISABLED)
    if gate := login_gate(found.user):
        raise gate
    return found


async def login_of(session: AsyncSession, actor_id: int) -> Login | None:
    """A local account by its actor id, if it may still sign in."""
    actor = await actor_q.get_actor_by_id(session, actor_id)
    if actor is None or actor.deleted_at is not None or actor.domain is not None:
        return None
    if actor.suspended_at is not None:
        return None
    user = await actor_q.get_user_by_actor_id(session, actor.id)
    if user is None or login_gate(user) is not None:
        return None
    return Login(actor, user)


@dataclass
class FailureLimiter:
    """At most `limit` failures per key in `window` seconds, in this process's
    memory (one server process, as fedcity runs; a restart forgets them).

    Keys are an address and an account together, so one address cannot guess at
    an account's password or code beyond the limit, and a crowd's failures
    cannot lock the account's owner out from their own address."""

    limit: int = 10
    window: float = 300.0
    max_keys: int = 10_000
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, key: str, now: float | None = None) -> int | None:
        """Seconds to wait before trying again, or None if a try is allowed."""
        now = time.monotonic() if now is None else now
        failures = self._recent(key, now)
        if len(failures) < self.limit:
            return None
        return max(1, int(failures[0] + self.window - now) + 1)

    def failed(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if key not in self._failures and len(self._failures) >= self.max_keys:
            self._forget_idle(now)
        failures = self._recent(key, now)
        failures.append(now)
        self._failures[key] = failures

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def _forget_idle(self, now: float) -> None:
        for key in list(self._failures):
            if not self._recent(key, now):
                del self._failures[key]
        while len(self._failures) >= self.max_keys:  # still full: oldest first
            del self._failures[next(iter(self._failures))]
