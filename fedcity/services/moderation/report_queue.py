"""The moderators' queue of reports (Mastodon's admin reports): filtered lists,
taking a report on (assign), resolving and reopening it. Every change is logged in
the admin action log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound
from fedcity.services.moderation import action_log
from fedcity.services.moderation.action_log import Target
from fedcity.services.moderation.audit import acct
from fedcity.storage.models import Actor, Report
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries.lists import paged_rows
from fedcity.storage.queries.posts import Page
from fedcity.storage.types import utcnow


@dataclass(frozen=True)
class ReportFilter:
    """Mastodon's filters: `resolved` (False, the default, for the open queue),
    the reporter (`account_id`) and the reported account (`target_account_id`)."""

    resolved: bool = False
    account_id: int | None = None
    target_account_id: int | None = None


async def list_queue(
    session: AsyncSession, page: Page, where: ReportFilter
) -> list[Report]:
    """Reports newest first, paged on their ids."""
    stmt = select(Report).where(
        Report.action_taken_at.is_not(None)
        if where.resolved
        else Report.action_taken_at.is_(None)
    )
    if where.account_id is not None:
        stmt = stmt.where(Report.actor_id == where.account_id)
    if where.target_account_id is not None:
        stmt = stmt.where(Report.target_id == where.target_account_id)
    return [row for (row,) in await paged_rows(session, stmt, Report.id, page)]


async def get_report(session: AsyncSession, report_id: int) -> Report:
    """Raises: NotFound: no such report."""
    report = await session.get(Report, report_id)
    if report is None:
        raise NotFound()
    return report


async def view(session: AsyncSession, moderator: Actor, report_id: int) -> Report:
    """A moderator reads a report (not logged, as in Mastodon).

    Raises: NotFound: no such report."""
    del moderator  # the same shape as the changes, for the API's handlers
    return await get_report(session, report_id)


async def actors_of(
    session: AsyncSession, reports: Sequence[Report]
) -> dict[int, Actor]:
    """Every account the reports name (reporter, target, assignee, resolver)."""
    ids: set[int] = set()
    for r in reports:
        ids.update((r.actor_id, r.target_id))
        ids.update(
            i for i in (r.assigned_account_id, r.action_taken_by_account_id) if i
        )
    return await actor_q.list_actors_by_ids(session, list(ids))


async def _log(
    session: AsyncSession, by: Actor | None, action: str, report: Report
) -> None:
    target = await session.get(Actor, report.target_id)
    label = f"#{report.id}" + (f" ({acct(target)})" if target else "")
    await action_log.record(
        session, by, action, Target.REPORT, target=label, target_id=report.id
    )


async def assign(
    session: AsyncSession, moderator: Actor, report_id: int, *, to_self: bool
) -> Report:
    """Take the report on (`to_self`) or give it back to the queue.

    Raises: NotFound: no such report."""
    report = await get_report(session, report_id)
    report.assigned_account_id = moderator.id if to_self else None
    report.updated_at = utcnow()
    await _log(
        session, moderator, "assigned_to_self" if to_self else "unassigned", report
    )
    return report


async def assign_to_self(
    session: AsyncSession, moderator: Actor, report_id: int
) -> Report:
    """Raises: NotFound: no such report."""
    return await assign(session, moderator, report_id, to_self=True)


async def unassign(session: AsyncSession, moderator: Actor, report_id: int) -> Report:
    """Raises: NotFound: no such report."""
    return await assign(session, moderator, report_id, to_self=False)


async def resolve(
    session: AsyncSession, moderator: Actor | None, report_id: int
) -> Report:
    """Mark the report as handled (its action taken).

    Raises: NotFound: no such report."""
    report = await get_report(session, report_id)
    if report.action_taken_at is None:
        report.action_taken_at = report.updated_at = utcnow()
        report.action_taken_by_account_id = None if moderator is None else moderator.id
        await _log(session, moderator, "resolve", report)
    return report


async def reopen(session: AsyncSession, moderator: Actor, report_id: int) -> Report:
    """Put a resolved report back in the queue.

    Raises: NotFound: no such report."""
    report = await get_report(session, report_id)
    if report.action_taken_at is not None:
        report.action_taken_at = report.action_taken_by_account_id = None
        report.updated_at = utcnow()
        await _log(session, moderator, "reopen", report)
    return report
