"""Invites to sign up (issue 12): made by an admin (`fedcity invite create`, the
admin API, the admin page), used by POST /api/v1/accounts with `invite_code` and by
the page /invite/CODE. An invite may be used a number of times, may expire, may be
revoked, and may name an office the new account then claims."""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.services.moderation import action_log
from fedcity.services.moderation.action_log import Target
from fedcity.services.offices import vocabulary as v
from fedcity.storage.models import Actor, Invite
from fedcity.storage.queries import logins as q
from fedcity.storage.types import utcnow

_DURATION_RE = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
MAX_USES = 100_000
# Letters and digits only: a code that began with "-" (as one in 64 of
# token_urlsafe's did) read as an option to `fedcity invite revoke CODE`.
CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 12  # about 71 bits


@dataclass(frozen=True)
class NewInvite:
    max_uses: int | None = None
    expires_in: timedelta | None = None
    office_role: str | None = None
    jurisdiction: str | None = None


def parse_duration(text: str) -> timedelta:
    """`30m`, `12h`, `7d`, `2w`.

    Raises:
        Unprocessable: another shape, or zero.
    """
    match = _DURATION_RE.match(text)
    if match is None or int(match[1]) == 0:
        raise Unprocessable(
            "An expiry is a number and a unit: 30m, 12h, 7d or 2w, not {text}",
            text=text,
        )
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def _check(cmd: NewInvite) -> tuple[str | None, str | None]:
    if cmd.max_uses is not None and not 0 < cmd.max_uses <= MAX_USES:
        raise Unprocessable(
            "An invite is used between 1 and {count} times", count=MAX_USES
        )
    role, place = cmd.office_role, (cmd.jurisdiction or "").strip() or None
    if (role is None) != (place is None):
        raise Unprocessable(
            "An invite names an office role and a jurisdiction together"
        )
    if role is not None and place is not None:
        role = v.check_role(role)
        v.jurisdiction(place)  # refused here if it cannot be attested later
    return role, place


def new_code() -> str:
    """A new invite code: the last segment of its URL, and what the command line
    takes to revoke it."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def create_invite(
    session: AsyncSession, cmd: NewInvite, *, by: Actor | None
) -> Invite:
    """An invite made `by` an admin (None: the command line), in the action log."""
    role, place = _check(cmd)
    invite = Invite(
        code=new_code(),
        created_by_id=None if by is None else by.id,
        max_uses=cmd.max_uses,
        uses=0,
        expires_at=None if cmd.expires_in is None else utcnow() + cmd.expires_in,
        office_role=role,
        jurisdiction=place,
    )
    session.add(invite)
    await session.flush()
    await _log(session, by, "create", invite)
    return invite


async def _log(
    session: AsyncSession, by: Actor | None, action: str, invite: Invite
) -> None:
    office = (
        f" ({invite.office_role}, {invite.jurisdiction})" if invite.office_role else ""
    )
    await action_log.record(
        session,
        by,
        action,
        Target.INVITE,
        target=invite.code + office,
        target_id=invite.id,
    )


def is_usable(invite: Invite, now: datetime | None = None) -> bool:
    """Not revoked, not expired, not used up."""
    now = now or utcnow()
    return (
        invite.revoked_at is None
        and (invite.expires_at is None or invite.expires_at > now)
        and (invite.max_uses is None or invite.uses < invite.max_uses)
    )


async def usable_invite(session: AsyncSession, code: str) -> Invite | None:
    invite = await q.get_invite_by_code(session, code.strip())
    return invite if invite is not None and is_usable(invite) else None


async def list_invites(
    session: AsyncSession, include_spent: bool = False
) -> list[Invite]:
    return await q.list_invites(session, include_spent)


async def find_invite(session: AsyncSession, code_or_id: str) -> Invite:
    """By its code, or by its id (the admin API's path).

    Raises:
        NotFound: no such invite.
    """
    invite = await q.get_invite_by_code(session, code_or_id)
    if invite is None and code_or_id.isdigit():
        invite = await session.get(Invite, int(code_or_id))
    if invite is None:
        raise NotFound("No invite {code}", code=code_or_id)
    return invite


async def revoke_invite(
    session: AsyncSession, code_or_id: str, *, by: Actor | None
) -> Invite:
    invite = await find_invite(session, code_or_id)
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()
        await _log(session, by, "revoke", invite)
    return invite
