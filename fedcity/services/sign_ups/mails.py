"""What this instance mails to an account (issue 12): the link confirming an
address, the link resetting a password, and an admin's decision on a sign-up.

Each message is composed here, in the account's language, and queued as a
`send_mail` job in the caller's transaction: the request never waits for SMTP, and
a message is sent only if what made it necessary is committed. The links carry a
one-time token; only its digest is stored (`email_tokens`)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity import i18n
from fedcity.errors import Unprocessable
from fedcity.i18n import N_
from fedcity.jobs.kinds import JobKind
from fedcity.jobs.queue import enqueue
from fedcity.storage.models import EmailToken, User
from fedcity.storage.queries import logins as q
from fedcity.storage.types import utcnow

CONFIRM = "confirm"
RESET = "reset"
LIFETIMES = {CONFIRM: timedelta(days=2), RESET: timedelta(hours=2)}
CONFIRM_PATH = "/auth/confirmation"
RESET_PATH = "/auth/password/edit"
LINK_INVALID = N_("This link is not valid any more. Ask for a new one.")

_TEXTS = {
    CONFIRM: (
        N_("Confirm your address on {instance}"),
        N_(
            "Someone, probably you, signed up on {instance} as {username} with "
            "this address.\n\nTo confirm it, open this link within two days:\n\n"
            "{link}\n\nIf it was not you, ignore this message."
        ),
    ),
    RESET: (
        N_("Reset your password on {instance}"),
        N_(
            "Someone, probably you, asked to reset the password of {username} on "
            "{instance}.\n\nTo choose a new one, open this link within two hours:"
            "\n\n{link}\n\nIf it was not you, ignore this message: the password "
            "stays as it is."
        ),
    ),
    "approved": (
        N_("Your account on {instance} is approved"),
        N_(
            "Welcome! An administrator of {instance} approved your account "
            "{username}. You can sign in now:\n\n{link}"
        ),
    ),
    "rejected": (
        N_("Your sign-up on {instance} was not approved"),
        N_(
            "An administrator of {instance} did not approve the account "
            "{username}, and it was removed. If you think this is a mistake, "
            "reply to the instance's contact address."
        ),
    ),
    "test": (
        N_("A test message from {instance}"),
        N_("This message shows that {instance} can send mail.\n\n{link}"),
    ),
}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def queue_mail(
    session: AsyncSession,
    kind: str,
    to: str,
    *,
    instance: str,
    username: str = "",
    link: str = "",
    language: str | None = None,
) -> None:
    """Compose message `kind` in `language` and queue it for `to`."""
    subject, body = _TEXTS[kind]
    values = {"instance": instance, "username": username, "link": link}
    language = language or "en"
    await enqueue(
        session,
        JobKind.SEND_MAIL,
        {
            "to": to,
            "subject": i18n.translate(language, subject, values),
            "text": i18n.translate(language, body, values),
        },
    )


async def issue_link(
    session: AsyncSession, user: User, purpose: str, email: str, base_url: str
) -> str:
    """A new one-time link for `purpose` (earlier unused ones stop working)."""
    await q.spend_email_tokens(session, user.id, purpose)
    token = secrets.token_urlsafe(32)
    session.add(
        EmailToken(
            user_id=user.id,
            purpose=purpose,
            token_digest=digest(token),
            email=email,
            expires_at=utcnow() + LIFETIMES[purpose],
        )
    )
    await session.flush()
    path = CONFIRM_PATH if purpose == CONFIRM else RESET_PATH
    return f"{base_url}{path}?token={token}"


async def valid_link(session: AsyncSession, purpose: str, token: str) -> EmailToken:
    """The unused, unexpired link a token names.

    Raises:
        Unprocessable: no such link, or it was used or has expired.
    """
    row = await q.get_email_token(session, purpose, digest(token)) if token else None
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise Unprocessable(LINK_INVALID)
    return row


async def spend_link(session: AsyncSession, row: EmailToken) -> None:
    await q.spend_email_tokens(session, row.user_id, row.purpose)
