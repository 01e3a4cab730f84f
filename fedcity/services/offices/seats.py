"""Seat accounts and succession (issue 11). A seat account (capacity `official`,
such as @mayor) outlives its holders: each holder holds it for a period
(`SeatHolder`), and every post the seat writes records the period it was written
in (`posts.holder_id`, set by `services.statuses.posts`).

A handover closes the outgoing holder's period (their posts stay where they are,
with their ids), takes back every way into the account (browser sessions, tokens,
authorization codes, push subscriptions, the password and two-factor sign-in),
cancels its scheduled statuses, and makes a one-time sign-in link for the
successor. The account keeps its handle, its followers and its posts.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeAlias

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Gone, NotFound, Unprocessable
from fedcity.i18n import N_
from fedcity.services.accounts.account_access import check_new_password
from fedcity.services.accounts.passwords import hash_password
from fedcity.services.events import record
from fedcity.services.moderation import action_log
from fedcity.services.offices.status import EN_DASH, actor_views
from fedcity.storage.models import Actor, HandoverLink, Post, SeatHolder, Visibility
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import offices as q
from fedcity.storage.queries import sessions as session_q
from fedcity.storage.types import utcnow

Holders: TypeAlias = dict[int, SeatHolder]  # by holder id
# How long a handover's sign-in link works.
LINK_HOURS = 72
MAX_NAME_LENGTH = 200
ARCHIVE_NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,30}$")
# What the archive page shows: what anyone may see on the seat's profile.
PUBLIC_VISIBILITIES = (Visibility.PUBLIC, Visibility.UNLISTED)

NOT_A_SEAT = N_("{account} is not a seat account (set its capacity to official)")
LINK_GONE = N_(
    "This sign-in link was used already or has expired. "
    "Ask the server's administrator for a new one."
)
NAME_NEEDED = N_("Give the name of the seat's new holder")
NAME_TOO_LONG = N_("A name is at most {count} characters")
HELD_ALREADY = N_(
    "{account} is held by {name} since {date}: use official handover to change it"
)
BAD_ARCHIVE_NAME = N_(
    "An archive name is 1 to 30 letters, digits or underscores: {name}"
)
ARCHIVE_TAKEN = N_("The archive name {name} is taken")
NO_HOLDER = N_("{account} has no holder to archive")


@dataclass(frozen=True)
class Handover:
    """What a handover did, and the successor's sign-in token (shown once)."""

    seat: Actor
    closed: SeatHolder | None
    opened: SeatHolder | None
    token: str
    expires_at: datetime
    ended_sessions: int
    revoked_tokens: int
    cancelled_scheduled: int


def link_path(token: str) -> str:
    """The path of a handover's sign-in link, under the instance's base URL."""
    return f"/auth/handover/{token}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def years(holder: SeatHolder) -> str:
    """The period's years joined by an en dash; only the first while it is open."""
    end = holder.ended_at.year if holder.ended_at is not None else ""
    return f"{holder.started_at.year}{EN_DASH}{end}"


async def find_seat(session: AsyncSession, name: str) -> Actor:
    """The local seat account `name` (capacity `official`).

    Raises:
        NotFound: no such local account.
        Unprocessable: it is not a seat account.
    """
    actor = await actor_q.get_local_actor(session, name.lstrip("@"))
    if actor is None or actor.deleted_at is not None:
        raise NotFound("No account {account} is known here", account=name)
    return _require_seat(actor)


async def seat_by_id(session: AsyncSession, actor_id: int) -> Actor:
    actor = await actor_q.get_actor_by_id(session, actor_id)
    if actor is None or actor.deleted_at is not None or not actor.is_local:
        raise NotFound()
    return _require_seat(actor)


def _require_seat(actor: Actor) -> Actor:
    if actor.capacity != "official":
        raise Unprocessable(NOT_A_SEAT, account=actor.username)
    return actor


def _name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise Unprocessable(NAME_NEEDED)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise Unprocessable(NAME_TOO_LONG, count=MAX_NAME_LENGTH)
    return cleaned


def _office_title(seat: Actor) -> str | None:
    """The seat's verified office as it reads now, to keep with a period."""
    for view in actor_views(seat):
        if view.kind == "office" and view.status == "verified":
            return view.title
    return None


async def _open(
    session: AsyncSession, seat: Actor, name: str, now: datetime
) -> SeatHolder:
    holder = SeatHolder(
        seat_id=seat.id, name=name, title=_office_title(seat), started_at=now
    )
    session.add(holder)
    await session.flush()
    return holder


async def set_holder(
    session: AsyncSession, seat: Actor, name: str, since: datetime | None = None
) -> SeatHolder:
    """Record who holds the seat now (its first holder; a later one comes by
    handover). Naming the current holder again changes nothing.

    Raises:
        Unprocessable: a blank name, or the seat is held by someone else.
    """
    name = _name(name)
    current = await q.current_holder(session, seat.id)
    if current is not None:
        if current.name == name:
            return current
        raise Unprocessable(
            HELD_ALREADY,
            account=seat.username,
            name=current.name,
            date=current.started_at.date().isoformat(),
        )
    return await _open(session, seat, name, since or utcnow())


async def holders(session: AsyncSession, seat: Actor) -> list[SeatHolder]:
    return await q.holders_of(session, seat.id)


async def holder_of_post(session: AsyncSession, author: Actor) -> int | None:
    """The holder period a new post of `author` belongs to: only a seat account's
    posts have one, so other accounts' posts cost no query."""
    if author.capacity != "official" or not author.is_local:
        return None
    current = await q.current_holder(session, author.id)
    return None if current is None else current.id


async def _check_archive_name(session: AsyncSession, name: str) -> str:
    if not ARCHIVE_NAME_RE.match(name):
        raise Unprocessable(BAD_ARCHIVE_NAME, name=name)
    if await q.holder_by_archive(session, name) is not None:
        raise Unprocessable(ARCHIVE_TAKEN, name=name)
    return name


async def handover(
    session: AsyncSession,
    seat: Actor,
    *,
    by: Actor | None,
    successor: str | None = None,
    archive_as: str | None = None,
) -> Handover:
    """Hand the seat over: close the outgoing holder's period (with an archive
    page named `archive_as`), take back every way in, and make the successor's
    one-time sign-in link; logged as done `by` an admin (None: the command line). `successor` opens the new holder's period now;
    without it the successor names themselves when they use the link.

    Raises:
        Unprocessable: a bad successor or archive name, or an archive asked for a
            seat that has no holder.
    """
    now = utcnow()
    successor = None if successor is None else _name(successor)
    closed = await q.current_holder(session, seat.id)
    if archive_as is not None:
        if closed is None:
            raise Unprocessable(NO_HOLDER, account=seat.username)
        archive_as = await _check_archive_name(session, archive_as)
    if closed is not None:
        closed.ended_at = now
        closed.archive_name = archive_as
    ended, revoked, cancelled = await _take_back(session, seat, now)
    opened = None if successor is None else await _open(session, seat, successor, now)
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=LINK_HOURS)
    session.add(
        HandoverLink(
            seat_id=seat.id, token_digest=_digest(token), expires_at=expires_at
        )
    )
    await session.flush()
    await action_log.record_on_account(
        session, by, "handover", seat, reason=_handover_note(closed, opened)
    )
    return Handover(seat, closed, opened, token, expires_at, ended, revoked, cancelled)


def _handover_note(closed: SeatHolder | None, opened: SeatHolder | None) -> str:
    """Who left and who came, as the log's note."""
    return f"from {closed.name if closed else '-'} to {opened.name if opened else '-'}"


async def _take_back(
    session: AsyncSession, seat: Actor, now: datetime
) -> tuple[int, int, int]:
    """Every way the outgoing holder could act as the seat ends: (browser
    sessions, tokens, scheduled statuses) ended."""
    await q.end_unused_links(session, seat.id, now)
    ended = await session_q.revoke_sessions(session, seat.id, now)
    revoked = await q.revoke_tokens(session, seat.id, now)
    cancelled = await q.cancel_scheduled(session, seat.id)
    record(session, "access_revoked", account_id=seat.id)  # open streams end
    user = await actor_q.get_user_by_actor_id(session, seat.id)
    if user is not None:
        # Nobody knows this password: the successor sets their own at the link.
        user.password_hash = hash_password(secrets.token_urlsafe(32))
        # The outgoing holder's authenticator would still be asked for.
        user.otp_secret = None
        user.otp_enabled_at = None
        user.otp_recovery_digests = None
    return ended, revoked, cancelled


async def link_seat(
    session: AsyncSession, token: str
) -> tuple[HandoverLink, Actor, SeatHolder | None]:
    """The seat a still usable link signs in to, and its open holder period.

    Raises:
        Gone: no such link, or it was used or has expired.
    """
    link = await q.link_by_digest(session, _digest(token)) if token else None
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise Gone(LINK_GONE)
    seat = await actor_q.get_actor_by_id(session, link.seat_id)
    if seat is None or seat.deleted_at is not None:
        raise Gone(LINK_GONE)
    return link, seat, await q.current_holder(session, seat.id)


async def redeem(
    session: AsyncSession,
    token: str,
    password: str,
    confirmation: str,
    name: str | None = None,
) -> Actor:
    """Use a handover link once: set the successor's password (and open their
    holder period with `name` if the handover named nobody). The caller signs
    the browser in.

    Raises:
        Gone: the link was used, has expired or does not exist.
        Unprocessable: a password too short or too long, a confirmation that
            differs, or no name when one is needed.
    """
    link, seat, current = await link_seat(session, token)
    check_new_password(password, confirmation)
    holder_name = _name(name) if current is None else None
    now = utcnow()
    if not await q.use_link(session, link.id, now):
        raise Gone(LINK_GONE)  # another request used it a moment ago
    user = await actor_q.get_user_by_actor_id(session, seat.id)
    if user is None:
        raise Gone(LINK_GONE)
    user.password_hash = hash_password(password)
    if holder_name is not None:
        await _open(session, seat, holder_name, now)
    await session.flush()
    return seat


async def archive(
    session: AsyncSession, archive_name: str
) -> tuple[Actor, SeatHolder, list[Post]]:
    """An outgoing holder's archive: the seat, the period, and the posts of the
    period that anyone may see, oldest first."""
    holder = await q.holder_by_archive(session, archive_name)
    seat = (
        None
        if holder is None
        else await actor_q.get_actor_by_id(session, holder.seat_id)
    )
    if holder is None or seat is None or seat.deleted_at is not None:
        raise NotFound()
    posts = await q.posts_of_holder(session, holder.id, PUBLIC_VISIBILITIES)
    return seat, holder, posts


async def holders_of_posts(session: AsyncSession, posts: Iterable[Post]) -> Holders:
    """The holder periods of a page of posts: one query, and none at all when no
    post is a seat account's."""
    ids = {p.holder_id for p in posts if p.holder_id is not None}
    return await q.holders_by_ids(session, ids) if ids else {}
