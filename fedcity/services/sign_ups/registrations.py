"""Signing up (issue 12): who may, with what name, address and password, and the
state of a new account until it may use the instance.

`[registration] mode`: "open" lets anyone in; "approval" lets anyone apply and an
admin approve (an address in `email_domains` is approved once confirmed);
"invite" needs a usable invite (which approves); "closed" lets nobody in. With
mail on, the address must be confirmed (a link by mail) before the first
sign-in; with `[mail] host = ""` no address can be confirmed, so every sign-up
waits for an admin's approval instead.

An account may sign in, and its tokens do more than read its own credentials,
once confirmed and approved (`sign_in.login_gate`), as Mastodon's `require_user!`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Forbidden, SignUpInvalid, Unprocessable
from fedcity.i18n import N_
from fedcity.services.accounts.accounts import (
    USERNAME_RE,
    NewLocalAccount,
    create_local_account,
)
from fedcity.services.accounts.passwords import hash_password, is_common
from fedcity.services.sign_ups import invites, mails
from fedcity.storage.models import Actor, Invite, User
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import logins as q
from fedcity.storage.queries import sessions as session_q
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

if TYPE_CHECKING:
    from fedcity.config import Settings

MAX_PASSWORD_LENGTH = 72 * 4  # Mastodon: 72 bytes for bcrypt; a bound on the work
MAX_REASON = 500
MAX_EMAIL = 320
CLOSED = N_("Sign-ups are closed on this instance")
NEEDS_INVITE = N_("Sign-up on this instance needs an invite")
BAD_INVITE = N_("This invite is not valid: it expired, was used up or revoked")

ALREADY_CONFIRMED = N_(
    "This method is only available while the e-mail is awaiting confirmation"
)

# Mastodon's error codes for the `details` of a 422 (Api::V1::AccountsController).
Details = dict[str, list[tuple[str, str]]]


@dataclass(frozen=True)
class Policy:
    """What `[registration]` and `[mail]` say, for the rules below."""

    mode: str
    email_domains: tuple[str, ...]
    min_password_length: int
    mail_enabled: bool
    instance_name: str
    base_url: str

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(
            mode=settings.registration.mode,
            email_domains=settings.registration.email_domains,
            min_password_length=settings.registration.min_password_length,
            mail_enabled=settings.mail.enabled,
            instance_name=settings.instance.name,
            base_url=settings.instance.base_url,
        )

    @property
    def enabled(self) -> bool:
        """Whether anyone may sign up without an invite (`registrations.enabled`)."""
        return self.mode in ("open", "approval")

    @property
    def approval_required(self) -> bool:
        return self.mode == "approval" or not self.mail_enabled


@dataclass(frozen=True)
class SignUp:
    """The fields of POST /api/v1/accounts and of the sign-up page."""

    username: str
    email: str
    password: str
    agreement: bool
    locale: str | None = None
    reason: str | None = None
    invite_code: str | None = None
    ip: str | None = None


@dataclass(frozen=True)
class SignedUp:
    actor: Actor
    user: User


def email_domain_approved(email: str, domains: tuple[str, ...]) -> bool:
    """Whether the address's domain is one of `domains` or a subdomain of one:
    `ca.gov` covers `ojai.ca.gov`, never `evilca.gov` or `ca.gov.evil.com`."""
    host = email.rpartition("@")[2].strip().lower().rstrip(".")
    return bool(host) and any(host == d or host.endswith("." + d) for d in domains)


def password_problems(password: str, min_length: int) -> list[tuple[str, str]]:
    if not password:
        return [("ERR_BLANK", "can't be blank")]
    if len(password) < min_length:
        return [("ERR_TOO_SHORT", f"is too short (minimum is {min_length} characters)")]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [
            (
                "ERR_TOO_LONG",
                f"is too long (maximum is {MAX_PASSWORD_LENGTH} characters)",
            )
        ]
    if is_common(password):
        return [("ERR_INVALID", "is too common: choose one that is harder to guess")]
    return []


def check_password(password: str, min_length: int) -> None:
    """Raises SignUpInvalid for a password sign-up or a reset would refuse."""
    problems = password_problems(password, min_length)
    if problems:
        raise SignUpInvalid(details={"password": problems})


def _email_problems(email: str) -> list[tuple[str, str]]:
    name, at, host = email.partition("@")
    if not email:
        return [("ERR_BLANK", "can't be blank")]
    if len(email) > MAX_EMAIL:
        return [("ERR_TOO_LONG", f"is too long (maximum is {MAX_EMAIL} characters)")]
    if not (name and at and "." in host.strip(".") and " " not in email):
        return [("ERR_INVALID", "is invalid")]
    return []


async def _problems(session: AsyncSession, policy: Policy, cmd: SignUp) -> Details:
    details: Details = {}
    if not cmd.username:
        details["username"] = [("ERR_BLANK", "can't be blank")]
    elif not USERNAME_RE.match(cmd.username):
        details["username"] = [
            ("ERR_INVALID", "must contain only letters, numbers and underscores")
        ]
    elif await actor_q.get_actor_by_handle(session, cmd.username, None) is not None:
        details["username"] = [("ERR_TAKEN", "has already been taken")]
    email = _email_problems(cmd.email)
    if not email and await q.get_login_by_email(session, cmd.email) is not None:
        email = [("ERR_TAKEN", "has already been taken")]
    if email:
        details["email"] = email
    if password := password_problems(cmd.password, policy.min_password_length):
        details["password"] = password
    if not cmd.agreement:
        details["agreement"] = [("ERR_ACCEPTED", "must be accepted")]
    if cmd.reason and len(cmd.reason) > MAX_REASON:
        details["reason"] = [
            ("ERR_TOO_LONG", f"is too long (maximum is {MAX_REASON} characters)")
        ]
    return details


async def _invite_for(
    session: AsyncSession, policy: Policy, code: str | None
) -> Invite | None:
    if policy.mode == "closed":
        raise Forbidden(CLOSED)
    invite = await invites.usable_invite(session, code) if code else None
    if code and invite is None:
        raise Forbidden(BAD_INVITE)
    if invite is None and policy.mode == "invite":
        raise Forbidden(NEEDS_INVITE)
    return invite


async def check_invite(
    session: AsyncSession, policy: Policy, code: str | None
) -> Invite | None:
    """The invite a sign-up would use (None: none needed).

    Raises:
        Forbidden: sign-ups are closed, the invite is not usable, or one is needed.
    """
    return await _invite_for(session, policy, code)


async def sign_up(
    session: AsyncSession,
    urls: Urls,
    policy: Policy,
    cmd: SignUp,
    keypair: Callable[[], tuple[str, str]],
) -> SignedUp:
    """Create the account and queue its confirmation mail.

    Raises:
        Forbidden: sign-ups are closed, or need a (usable) invite.
        SignUpInvalid: a field is wrong; every field's problems are named.
    """
    invite = await _invite_for(session, policy, cmd.invite_code)
    if details := await _problems(session, policy, cmd):
        raise SignUpInvalid(details=details)
    if invite is not None:
        if not await q.use_invite(session, invite.id):
            raise Forbidden(BAD_INVITE)  # another sign-up took its last use
        session.expire(invite, ["uses"])
    actor = await create_local_account(
        session, urls, NewLocalAccount(cmd.username, cmd.password), keypair()
    )
    user = await actor_q.get_user_by_actor_id(session, actor.id)
    assert user is not None
    user.email = cmd.email.strip()
    user.locale = cmd.locale or None
    user.sign_up_reason = (cmd.reason or "").strip() or None
    user.sign_up_ip = cmd.ip
    user.confirmed_at = None if policy.mail_enabled else utcnow()
    user.approved = policy.mail_enabled and (
        policy.mode == "open" or invite is not None
    )
    if invite is not None:
        user.invite_id = invite.id
        user.office_claim = "pending" if invite.office_role else None
    if policy.mail_enabled:
        await send_confirmation(session, policy, actor, user)
    return SignedUp(actor, user)


async def send_confirmation(
    session: AsyncSession,
    policy: Policy,
    actor: Actor,
    user: User,
    email: str | None = None,
) -> None:
    """Queue a (new) confirmation link, to `email` if given (it then replaces the
    unconfirmed address, as Mastodon's resend with `email`).

    Raises:
        Forbidden: the address is confirmed already.
    """
    if user.confirmed_at is not None:
        raise Forbidden(ALREADY_CONFIRMED)
    if email:
        if problems := _email_problems(email):
            raise SignUpInvalid(details={"email": problems})
        user.email = email.strip()
    if not policy.mail_enabled or not user.email:
        return
    link = await mails.issue_link(
        session, user, mails.CONFIRM, user.email, policy.base_url
    )
    await mails.queue_mail(
        session,
        mails.CONFIRM,
        user.email,
        instance=policy.instance_name,
        username=actor.username,
        link=link,
        language=user.locale,
    )


async def confirm_email(session: AsyncSession, policy: Policy, token: str) -> User:
    """Follow a confirmation link: the address is confirmed; in "approval" mode an
    address in `email_domains` approves the account too.

    Raises:
        Unprocessable: the link is unknown, used or expired.
    """
    row = await mails.valid_link(session, mails.CONFIRM, token)
    user = await session.get(User, row.user_id)
    if user is None:
        raise Unprocessable(mails.LINK_INVALID)
    await mails.spend_link(session, row)
    user.email = row.email
    user.confirmed_at = utcnow()
    if (
        not user.approved
        and policy.mode == "approval"
        and email_domain_approved(row.email, policy.email_domains)
    ):
        user.approved = True
    return user


# --- password reset -----------------------------------------------------------


async def request_password_reset(
    session: AsyncSession, policy: Policy, actor: Actor, user: User
) -> None:
    """Mail a reset link to the account's confirmed address (nothing otherwise:
    the page says the same either way, so it tells nobody which addresses exist)."""
    if not policy.mail_enabled or not user.email or user.confirmed_at is None:
        return
    link = await mails.issue_link(
        session, user, mails.RESET, user.email, policy.base_url
    )
    await mails.queue_mail(
        session,
        mails.RESET,
        user.email,
        instance=policy.instance_name,
        username=actor.username,
        link=link,
        language=user.locale,
    )


async def check_reset_link(session: AsyncSession, token: str) -> None:
    """Raises Unprocessable if the reset link is not usable."""
    await mails.valid_link(session, mails.RESET, token)


async def reset_password(
    session: AsyncSession, policy: Policy, token: str, password: str
) -> User:
    """Set a new password through a reset link: the link is spent and every
    signed-in browser signed out; apps keep their tokens, as after a password
    change on the settings page.

    Raises:
        Unprocessable: the link is not usable. SignUpInvalid: the password is refused.
    """
    row = await mails.valid_link(session, mails.RESET, token)
    check_password(password, policy.min_password_length)
    user = await session.get(User, row.user_id)
    if user is None:
        raise Unprocessable(mails.LINK_INVALID)
    await mails.spend_link(session, row)
    user.password_hash = hash_password(password)
    # Whoever knew the old password is signed out of every browser.
    await session_q.revoke_sessions(session, user.actor_id, utcnow())
    return user
