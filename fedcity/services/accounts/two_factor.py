"""Two-factor sign-in: a TOTP code (RFC 6238, what authenticator apps show) or a
one-time recovery code, after the password.

An account turns it on by scanning a new secret and proving it with a current
code; only then is the secret stored (`users.otp_secret`, `otp_enabled_at`). Ten
recovery codes are shown once; the database keeps only their SHA-256 digests
(`otp_recovery_digests`), and each works once. Turning it off asks for the
password again.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

import pyotp
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.i18n import N_
from fedcity.services.accounts.passwords import password_matches
from fedcity.storage.models import Actor, User
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.types import utcnow

RECOVERY_CODES = 10
# One 30-second step either side: a clock a little off, or a code typed as it
# changed, still works (as Mastodon's `drift_behind`/`drift_ahead`).
VALID_WINDOW = 1
SECRET_RE = re.compile(r"^[A-Z2-7]{32}$")
CODE_RE = re.compile(r"^[0-9]{6}$")
WRONG_CODE = N_("The code is not right; check the time on your device and try again")


def new_secret() -> str:
    """A new base32 secret (160 bits) for an authenticator app."""
    return pyotp.random_base32()


def is_secret(value: str) -> bool:
    return SECRET_RE.match(value) is not None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def _spaceless(code: str) -> str:
    return re.sub(r"[\s-]", "", code)


def code_matches(secret: str, code: str, at: datetime | None = None) -> bool:
    """Whether `code` is the secret's TOTP code now (or at `at`), a step either
    side allowed."""
    code = _spaceless(code)
    if not CODE_RE.match(code):
        return False
    return pyotp.TOTP(secret).verify(code, for_time=at, valid_window=VALID_WINDOW)


def new_recovery_codes() -> list[str]:
    """Ten codes of twelve digits (about 40 bits each), written as three groups
    of four: digits only, so the numeric keypad of the code field types them."""
    codes = (f"{secrets.randbelow(10**12):012d}" for _ in range(RECOVERY_CODES))
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


def recovery_digest(code: str) -> str:
    """The digest stored for a recovery code, whatever its case and spacing."""
    return hashlib.sha256(_spaceless(code).lower().encode()).hexdigest()


def spend_recovery_code(digests: list[str], code: str) -> list[str] | None:
    """The digests left once `code` is used, or None if it is not one of them."""
    digest = recovery_digest(code)
    if not _spaceless(code) or digest not in digests:
        return None
    return [d for d in digests if d != digest]


def is_enabled(user: User | None) -> bool:
    return bool(user and user.otp_enabled_at is not None and user.otp_secret)


async def required_for(session: AsyncSession, actor: Actor) -> bool:
    """Whether signing in as `actor` needs a second factor after the password."""
    return is_enabled(await actor_q.get_user_by_actor_id(session, actor.id))


def _set_recovery_codes(user: User) -> list[str]:
    codes = new_recovery_codes()
    user.otp_recovery_digests = [recovery_digest(c) for c in codes]
    return codes


async def enable(
    session: AsyncSession,
    user: User,
    secret: str,
    code: str,
    at: datetime | None = None,
) -> list[str]:
    """Turn two-factor sign-in on with `secret`, proven by a current `code`; the
    recovery codes, to show once.

    Raises:
        Unprocessable: the secret is malformed or the code does not match it.
    """
    if not is_secret(secret) or not code_matches(secret, code, at):
        raise Unprocessable(WRONG_CODE)
    user.otp_secret = secret
    user.otp_enabled_at = utcnow()
    codes = _set_recovery_codes(user)
    await session.flush()
    return codes


async def disable(session: AsyncSession, user: User, password: str) -> None:
    """Turn it off; the account's password proves it is its owner.

    Raises:
        Unprocessable: the password is wrong.
    """
    if not password_matches(user.password_hash, password):
        raise Unprocessable("The password is not right")
    user.otp_secret = None
    user.otp_enabled_at = None
    user.otp_recovery_digests = None
    await session.flush()


async def regenerate_recovery_codes(session: AsyncSession, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not is_enabled(user):
        raise Unprocessable("Two-factor sign-in is not turned on")
    codes = _set_recovery_codes(user)
    await session.flush()
    return codes


async def second_factor_ok(
    session: AsyncSession, user: User, code: str, at: datetime | None = None
) -> bool:
    """Whether `code` is a current TOTP code or an unused recovery code (which is
    then used up)."""
    if not is_enabled(user):
        return False
    assert user.otp_secret is not None
    if code_matches(user.otp_secret, code, at):
        return True
    remaining = spend_recovery_code(list(user.otp_recovery_digests or []), code)
    if remaining is None:
        return False
    user.otp_recovery_digests = remaining
    await session.flush()
    return True
