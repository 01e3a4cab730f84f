"""The action log of moderators and administrators (Mastodon's admin action log):
every report handled, account acted on, announcement, custom emoji and office
attestation changed by an admin is recorded in the transaction of the action, with
who did it, what, to which record and why.

Other features record theirs with `record(session, by, action, target_type, …)`:
`by` is the admin's account (None for the command line), `target` the text that
names the record in the log (a handle, a domain, a shortcode), kept so that an
entry still reads after the record is gone.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.moderation.audit import acct
from fedcity.storage.models import (
    Actor,
    AdminAction,
    Announcement,
    Attestation,
    CustomEmoji,
)
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page

COMMAND_LINE = "cli"  # who, for actions taken with `fedcity` on the server


class Target(StrEnum):
    """The kinds of record an entry is about (Mastodon's `target_type`)."""

    ACCOUNT = "Account"
    REPORT = "Report"
    ANNOUNCEMENT = "Announcement"
    CUSTOM_EMOJI = "CustomEmoji"
    ATTESTATION = "Attestation"
    DOMAIN_BLOCK = "DomainBlock"
    DOMAIN_ALLOW = "DomainAllow"
    INVITE = "Invite"
    ALLOW_LIST = "AllowList"  # a subscribed allow list, named by its URL
    # A group's moderation (issue 13), by its moderators or an admin: `target_id`
    # is the group's actor id, `target` names the group and what was acted on.
    GROUP = "Group"


async def record(
    session: AsyncSession,
    by: Actor | None,
    action: str,
    target_type: Target | str,
    *,
    target: str,
    target_id: int | None = None,
    reason: str | None = None,
) -> AdminAction:
    """Log that `by` (None: the command line) did `action` (a short verb such as
    `suspend`, `resolve`, `create`) to a record of `target_type`."""
    entry = AdminAction(
        actor_id=None if by is None else by.id,
        account=COMMAND_LINE if by is None else acct(by),
        action=action,
        target_type=str(target_type),
        target_id=target_id,
        target=target,
        reason=(reason or "").strip() or None,
    )
    session.add(entry)
    await session.flush()
    return entry


async def record_on_account(
    session: AsyncSession,
    by: Actor | None,
    action: str,
    account: Actor,
    reason: str | None = None,
) -> AdminAction:
    """`record` for an action on an account, named by its handle."""
    return await record(
        session,
        by,
        action,
        Target.ACCOUNT,
        target=acct(account),
        target_id=account.id,
        reason=reason,
    )


async def record_announcement(
    session: AsyncSession, by: Actor | None, action: str, row: Announcement
) -> AdminAction:
    """`record` for an announcement written, changed, (un)published or deleted,
    named by the start of its text."""
    text = " ".join(row.text.split())
    return await record(
        session,
        by,
        action,
        Target.ANNOUNCEMENT,
        target=text if len(text) <= 60 else text[:59] + "…",
        target_id=row.id,
    )


async def record_emoji(
    session: AsyncSession, by: Actor | None, action: str, row: CustomEmoji
) -> AdminAction:
    """`record` for a custom emoji added, changed or removed."""
    return await record(
        session,
        by,
        action,
        Target.CUSTOM_EMOJI,
        target=f":{row.shortcode}:",
        target_id=row.id,
    )


async def record_attestation(
    session: AsyncSession,
    by: Actor | None,
    action: str,
    attestation: Attestation,
    subject: Actor,
) -> AdminAction:
    """`record` for an office attested (`verify`) or revoked, named by whose
    office it is and its title."""
    return await record(
        session,
        by,
        action,
        Target.ATTESTATION,
        target=f"{acct(subject)}: {attestation.title}",
        target_id=attestation.id,
    )


async def list_entries(
    session: AsyncSession,
    page: Page,
    *,
    target_type: str | None = None,
    actor_id: int | None = None,
    target_id: int | None = None,
) -> list[AdminAction]:
    """Entries newest first, paged on their ids; optionally of one kind of target
    (and one record of it), or by one admin."""
    stmt = select(AdminAction)
    if target_type:
        stmt = stmt.where(AdminAction.target_type == target_type)
    if target_id is not None:
        stmt = stmt.where(AdminAction.target_id == target_id)
    if actor_id is not None:
        stmt = stmt.where(AdminAction.actor_id == actor_id)
    return [row for (row,) in await paged_rows(session, stmt, AdminAction.id, page)]


async def all_entries(session: AsyncSession) -> Sequence[AdminAction]:
    """Every entry, oldest first (the export)."""
    return (await session.scalars(select(AdminAction).order_by(AdminAction.id))).all()


EXPORT_FIELDS = (
    "id",
    "created_at",
    "account",
    "action",
    "target_type",
    "target_id",
    "target",
    "reason",
)


def _row(entry: AdminAction) -> dict[str, str | None]:
    return {
        "id": str(entry.id),
        "created_at": entry.created_at.isoformat(),
        "account": entry.account,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": None if entry.target_id is None else str(entry.target_id),
        "target": entry.target,
        "reason": entry.reason,
    }


def export(entries: Sequence[AdminAction], fmt: str) -> str:
    """The entries as CSV (a header line, then one line each) or as a JSON array.

    Raises: ValueError: neither "csv" nor "json"."""
    rows = [_row(entry) for entry in entries]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    if fmt != "csv":
        raise ValueError(fmt)
    out = io.StringIO()
    writer = csv.DictWriter(out, EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
