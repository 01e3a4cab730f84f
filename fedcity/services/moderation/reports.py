"""Reports: a local account flags an account (and some of its posts) for the
moderators; with `forward`, a remote account's server hears of it too, as a `Flag`
sent by the instance actor so that the reporter stays anonymous (Mastodon's
ReportService). Reports other servers send about local accounts land here too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.i18n import N_
from fedcity.ids import new_id
from fedcity.jobs.verbs import ReportRef, Verb, enqueue_federate
from fedcity.services import limits
from fedcity.services.limits import check_count, check_length
from fedcity.storage.models import REPORT_CATEGORIES, Actor, Post, Report
from fedcity.storage.queries import actors as actor_q
from fedcity.urls import Urls

MAX_REMOTE_COMMENT = 5000  # a received Flag's content is cut, not refused


@dataclass(frozen=True)
class NewReport:
    target_id: int
    status_ids: Sequence[int] = ()
    comment: str = ""
    category: str | None = None
    rule_ids: Sequence[str] = ()
    forward: bool = False


def _category(cmd: NewReport) -> str:
    if cmd.rule_ids:
        return "violation"  # as Mastodon: citing rules makes it a violation
    category = cmd.category or "other"
    if category not in REPORT_CATEGORIES:
        raise Unprocessable("Validation failed: Category is not included in the list")
    return category


async def file_report(
    session: AsyncSession,
    urls: Urls,
    reporter: Actor,
    cmd: NewReport,
    rule_ids: Collection[str],
) -> Report:
    """Store a local account's report; `rule_ids` are the instance's rules' ids.

    Raises:
        NotFound: no such account, or a status that is not the account's.
        Unprocessable: comment too long, unknown category or rule.
    """
    target = await session.get(Actor, cmd.target_id)
    if target is None or target.deleted_at is not None:
        raise NotFound()
    check_length(N_("Comment"), cmd.comment, limits.MAX_REPORT_COMMENT)
    check_count(N_("Status ids"), len(cmd.status_ids), limits.MAX_REPORT_STATUSES)
    check_count(N_("Rule ids"), len(cmd.rule_ids), limits.MAX_REPORT_RULES)
    category = _category(cmd)
    if any(rule not in rule_ids for rule in cmd.rule_ids):
        raise Unprocessable("Validation failed: Rule ids are not valid rules")
    status_ids = list(dict.fromkeys(cmd.status_ids))
    found = set(
        await session.scalars(
            select(Post.id).where(Post.id.in_(status_ids), Post.actor_id == target.id)
        )
    )
    if len(found) != len(status_ids):
        raise NotFound()  # Mastodon finds them among the target's statuses
    forward = cmd.forward and not target.is_local
    report_id = new_id()
    report = Report(
        id=report_id,
        actor_id=reporter.id,
        target_id=target.id,
        status_ids=status_ids,
        comment=cmd.comment,
        category=category,
        rule_ids=list(dict.fromkeys(cmd.rule_ids)) or None,
        forwarded=forward,
        # The Flag's id names neither the reporter nor the report's contents.
        uri=urls.activity(report_id) if forward else None,
    )
    session.add(report)
    await session.flush()
    if forward:
        await enqueue_federate(session, Verb.FLAG, ReportRef(report.id))
    return report


async def receive_flag(
    session: AsyncSession,
    sender: Actor,
    uri: str | None,
    targets: Sequence[Actor],
    posts: Sequence[Post],
    comment: str,
) -> list[Report]:
    """Store a Flag from another server: one report per local account it names,
    with the named posts of that account (Mastodon's Flag handling). A Flag seen
    before (same id and account) is not stored twice."""
    stored = []
    for target in targets:
        if not target.is_local or target.deleted_at is not None:
            continue
        if uri is not None and await session.scalar(
            select(Report.id).where(Report.uri == uri, Report.target_id == target.id)
        ):
            continue
        report = Report(
            actor_id=sender.id,
            target_id=target.id,
            status_ids=[p.id for p in posts if p.actor_id == target.id],
            comment=comment[:MAX_REMOTE_COMMENT],
            category="other",
            uri=uri,
        )
        session.add(report)
        stored.append(report)
    await session.flush()
    return stored


async def list_reports(session: AsyncSession) -> list[tuple[Report, Actor, Actor]]:
    """Every report with its reporter and target, newest first (moderators' CLI)."""
    reports = list(await session.scalars(select(Report).order_by(Report.id.desc())))
    ids = {r.actor_id for r in reports} | {r.target_id for r in reports}
    actors = await actor_q.list_actors_by_ids(session, list(ids))
    return [(r, actors[r.actor_id], actors[r.target_id]) for r in reports]
