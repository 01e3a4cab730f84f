"""A group's members as its moderators manage them on the web:
`/@NAME/moderation` (requests to join: Approve, Reject) and
`/@NAME/moderation/bans` (bans: Ban with a reason and an optional end, Unban),
answered by services.groups.members."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedcity import i18n
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.errors import Unprocessable
from fedcity.ids import require_id
from fedcity.services.groups import members, review
from fedcity.services.offices.attestations import find_account
from fedcity.storage.models import Actor
from fedcity.web.forms import read_form
from fedcity.web.groups.moderating import (
    act,
    group_name,
    moderating,
    moderation_page,
    moderation_path,
    page_of,
    with_id,
)
from fedcity.web.media import account_for_page

N_ = i18n.N_
UNTIL_DATE = "date"  # the duration that reads the end from `ends_at`
# How long a ban lasts (the form's choices), in seconds; "" until lifted.
DURATIONS = {"": None, "86400": 1, "604800": 7, "2592000": 30}
BAN_END_REQUIRED = N_("Enter the date and time the ban ends")
# Which field of the ban form a refusal is about.
BAN_FIELDS = {
    "No account {account} is known here": "account",
    "Record not found": "account",
    "A moderator of the group cannot be banned": "account",
    "Validation failed: a ban must end in the future": "ends_at",
    "Reason": "reason",
    BAN_END_REQUIRED: "ends_at",
}


# --- requests to join --------------------------------------------------------------


async def pending_page(
    request: web.Request,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    async with request.app[DB].session() as session:
        mod = await moderating(session, request)
        asked = await review.requests_to_join(
            session, mod.me, mod.actor.username, page_of(request)
        )
    items = [
        {
            "id": item.account.id,
            "account": account_for_page(request, item.account),
            "asked_at": item.asked_at,
            "offices": item.offices,
        }
        for item in asked
    ]
    older = ""
    if len(asked) == page_of(request).limit:
        older = f"{moderation_path(mod.actor.username)}?max_id={asked[-1].follow_id}"
    context = {"tab": "pending", "requests": items, "older": older}
    return await moderation_page(
        request,
        mod,
        "groups/moderation/pending.html",
        context,
        errors=errors,
        status=status,
    )


async def _answer(request: web.Request, approve: bool) -> web.StreamResponse:
    account_id = require_id(request.match_info["account_id"])
    answer = members.approve_member if approve else members.reject_member
    return await act(
        request,
        with_id(answer, account_id),
        done="approved" if approve else "rejected",
        then=moderation_path(group_name(request)),
        refused=lambda errors: pending_page(request, errors, 422),
    )


async def approve(request: web.Request) -> web.StreamResponse:
    return await _answer(request, approve=True)


async def reject(request: web.Request) -> web.StreamResponse:
    return await _answer(request, approve=False)


# --- bans --------------------------------------------------------------------------


def _ban_values(form: Mapping[str, str] | None = None) -> dict[str, str]:
    form = form or {}
    return {
        key: form.get(key, "") for key in ("account", "reason", "duration", "ends_at")
    }


async def bans_page(
    request: web.Request,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
    values: Mapping[str, str] | None = None,
) -> web.Response:
    async with request.app[DB].session() as session:
        mod = await moderating(session, request)
        entries = await review.ban_entries(
            session, mod.me, mod.actor.username, page_of(request)
        )
    now = datetime.now(UTC)
    bans = [
        {
            "id": entry.account.id,
            "account": account_for_page(request, entry.account),
            "reason": entry.ban.reason,
            "created_at": entry.ban.created_at,
            "expires_at": entry.ban.expires_at,
            "ended": entry.ban.expires_at is not None and entry.ban.expires_at <= now,
            "banned_by": account_for_page(request, entry.banned_by)
            if entry.banned_by
            else None,
        }
        for entry in entries
    ]
    older = ""
    if len(entries) == page_of(request).limit:
        older = f"{moderation_path(mod.actor.username, '/bans')}?max_id={entries[-1].ban.id}"
    context = {
        "tab": "bans",
        "bans": bans,
        "older": older,
        "values": values or _ban_values(),
    }
    return await moderation_page(
        request,
        mod,
        "groups/moderation/bans.html",
        context,
        errors=errors,
        status=status,
    )


def ban_end(form: MultiDict[str], now: datetime) -> datetime | None:
    """When the ban ends: a chosen duration from now, the date and time given
    (UTC, as the form says), or None: until lifted.

    Raises:
        Unprocessable: no or an unreadable date and time, an unknown duration.
    """
    duration = form.get("duration", "")
    if duration != UNTIL_DATE:
        if duration not in DURATIONS:
            raise Unprocessable(BAN_END_REQUIRED)
        days = DURATIONS[duration]
        return None if days is None else now + timedelta(days=days)
    try:
        moment = datetime.fromisoformat(form.get("ends_at", "").strip())
    except ValueError:
        raise Unprocessable(BAN_END_REQUIRED) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def ban(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    app = request.app

    async def step(session: Any, me: Actor, name: str) -> object:
        expires_at = ban_end(form, datetime.now(UTC))
        account = form.get("account", "")
        target = await find_account(session, account, app[SETTINGS].instance.domain)
        return await members.ban(
            session,
            app[FEDERATION].urls,
            me,
            name,
            target.id,
            reason=form.get("reason", ""),
            expires_at=expires_at,
        )

    return await act(
        request,
        step,
        done="banned",
        then=moderation_path(group_name(request), "/bans"),
        refused=lambda errors: bans_page(request, errors, 422, _ban_values(form)),
        fields=BAN_FIELDS,
    )


async def unban(request: web.Request) -> web.StreamResponse:
    account_id = require_id(request.match_info["account_id"])
    return await act(
        request,
        with_id(members.unban, account_id),
        done="unbanned",
        then=moderation_path(group_name(request), "/bans"),
        refused=lambda errors: bans_page(request, errors, 422),
    )
