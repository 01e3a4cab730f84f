"""What a group's moderators (and this instance's admins) review on their pages
(issue 13, docs/groups.md "Moderating on the web"): requests to join with the
offices of those asking, bans with who banned, the posts removed from the group,
and the reports about its posts.

Reports are the instance's (services.moderation.reports): a report names an
account and some of its posts. A group's moderators see those that name at
least one post the group carries, read-only; a report about an account without
naming a post of the group is the instance moderators' alone. Who reported is
shown to admins only: a reporter wrote to the instance's moderators, whom a
group's moderators are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.ids import time_of
from fedcity.services.groups import members
from fedcity.services.groups.moderation import is_admin, moderated_group
from fedcity.services.offices.status import OfficeView, actor_views
from fedcity.storage.models import Actor, GroupBan, GroupPost, Post, Report
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as q
from fedcity.storage.queries.posts import Page, list_posts_by_ids

# How many reports about the group's authors one page reads to find those that
# name the group's posts (the rest of the instance's reports stay unread).
REPORTS_SCANNED: Final = 200


@dataclass(frozen=True)
class JoinRequest:
    follow_id: int  # what the list is paged on
    account: Actor
    asked_at: datetime
    offices: list[OfficeView]  # its verified offices


@dataclass(frozen=True)
class BanEntry:
    ban: GroupBan
    account: Actor
    banned_by: Actor | None  # None once that moderator's account is gone


@dataclass(frozen=True)
class Removal:
    row: GroupPost  # when, by whom (`removed_by_id`), why
    post: Post
    author: Actor | None
    removed_by: Actor | None
    root_post_id: int  # the thread's


@dataclass(frozen=True)
class GroupReport:
    report: Report
    target: Actor | None
    reporter: Actor | None  # for admins only
    posts: list[tuple[Post, int]]  # the group's posts it names, with their roots


@dataclass(frozen=True)
class ReportsPage:
    reports: list[GroupReport]
    next_max_id: int | None  # where the next page starts; None: no more


async def requests_to_join(
    session: AsyncSession, by: Actor, name: str, page: Page
) -> list[JoinRequest]:
    """Those asking to join, newest first, with when they asked and their
    verified offices (what an `officials` or a council's group weighs).

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`.
    """
    rows = await members.pending_members(session, by, name, page)
    return [
        JoinRequest(
            follow_id,
            account,
            # A follow's id is a snowflake: the moment it was asked.
            datetime.fromtimestamp(time_of(follow_id), UTC),
            [v for v in actor_views(account) if v.status == "verified"],
        )
        for follow_id, account in rows
    ]


async def ban_entries(
    session: AsyncSession, by: Actor, name: str, page: Page
) -> list[BanEntry]:
    """The group's bans, newest first, with the moderators who banned.

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`.
    """
    rows = await members.bans(session, by, name, page)
    moderators = await actor_q.list_actors_by_ids(
        session, [ban.banned_by_id for ban, _ in rows if ban.banned_by_id]
    )
    return [
        BanEntry(ban, account, moderators.get(ban.banned_by_id or 0))
        for ban, account in rows
    ]


async def removals(
    session: AsyncSession, by: Actor, name: str, offset: int, limit: int
) -> list[Removal]:
    """The posts removed from the group, the latest removal first.

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`.
    """
    _, group_actor = await moderated_group(session, by, name)
    rows = await q.list_removed_posts(session, group_actor.id, offset, limit)
    ids = {post.actor_id for _, post, _ in rows}
    ids |= {row.removed_by_id for row, _, _ in rows if row.removed_by_id}
    actors = await actor_q.list_actors_by_ids(session, list(ids))
    return [
        Removal(
            row,
            post,
            actors.get(post.actor_id),
            actors.get(row.removed_by_id or 0),
            root,
        )
        for row, post, root in rows
    ]


async def group_reports(
    session: AsyncSession, by: Actor, name: str, max_id: int | None, limit: int
) -> ReportsPage:
    """The reports that name posts the group carries, newest first (open and
    resolved), before report `max_id`.

    Raises:
        NotFound, Forbidden: as `moderation.moderated_group`.
    """
    _, group_actor = await moderated_group(session, by, name)
    scanned = await q.list_reports_on_authors(
        session, group_actor.id, max_id, REPORTS_SCANNED
    )
    named = {int(i) for report in scanned for i in report.status_ids}
    roots = await q.map_group_posts(session, group_actor.id, named)
    found = [r for r in scanned if any(int(i) in roots for i in r.status_ids)]
    shown = found[:limit]
    admin = await is_admin(session, by)
    posts = await list_posts_by_ids(
        session, [int(i) for r in shown for i in r.status_ids if int(i) in roots]
    )
    people = await actor_q.list_actors_by_ids(
        session, [r.target_id for r in shown] + [r.actor_id for r in shown if admin]
    )
    reports = [
        GroupReport(
            report,
            people.get(report.target_id),
            people.get(report.actor_id) if admin else None,
            [
                (posts[int(i)], roots[int(i)])
                for i in report.status_ids
                if int(i) in posts
            ],
        )
        for report in shown
    ]
    return ReportsPage(reports, _next_max_id(shown, found, scanned, limit))


def _next_max_id(
    shown: list[Report], found: list[Report], scanned: list[Report], limit: int
) -> int | None:
    """A full page goes on after its last report; a short one after the last
    report read, when the reading stopped at its bound."""
    if len(found) > limit:
        return shown[-1].id
    if len(scanned) == REPORTS_SCANNED:
        return scanned[-1].id
    return None
