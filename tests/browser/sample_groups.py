"""The groups the page-type tests show (issue 13), made once per run: a public
group moderated by the mayor, with rules and threads (pinned, locked, one with a
removed reply), a ban, a report about a post of its thread and so a moderation
log; and a members-only group that approves its members, which the resident
asked to join (a pending request). The resident, an admin, sees both groups'
moderation pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from fedcity.services.groups import members as group_members
from fedcity.services.moderation import reports
from fedcity.storage.models import Actor
from tests.support.group_threads import add_thread, make_group

if TYPE_CHECKING:
    from tests.browser.conftest import Site
    from tests.browser.sample import Api


@dataclass
class GroupSample:
    group_path: str  # /@NAME of the public group
    group_uri: str
    thread_path: str  # its thread with replies, one removed
    members_group_path: str  # the members-only group's page


def group_sample(
    site: Site, api: type[Api], mayor: Actor, resident: Actor
) -> GroupSample:
    suffix = uuid.uuid4().hex[:6]
    public, members = f"wildfire_{suffix}", f"housing_{suffix}"
    group = site.threaded.run(
        make_group(
            site.live,
            public,
            display_name="Wildfire Preparedness",
            description="Officials of the valley plan for the fire season.",
            rules="Stay on topic.\n\nNo campaigning.",
            moderators=(mayor.username,),
        )
    )
    housing = site.threaded.run(
        make_group(
            site.live,
            members,
            display_name="Affordable Housing",
            description="The regional housing plan, for members.",
            visibility="members",
            policy="approval",
        )
    )
    as_mayor, as_resident = api(site, mayor.username), api(site, resident.username)
    root = as_mayor.status("Which evacuation routes should we review first?")
    thread = [
        root,
        as_resident.status("Highway 33, please", in_reply_to_id=root),
        as_resident.status("Buy my generators", in_reply_to_id=root),
        as_mayor.status("Noted: Highway 33 first", in_reply_to_id=root),
    ]
    pinned = as_mayor.status("Read this first: how this group works")
    locked = as_mayor.status("Last season's review is closed")
    run = site.threaded.run
    run(add_thread(site.live, group, thread, removed=[thread[2]]))
    run(add_thread(site.live, group, [pinned], hours_ago=48, pinned=True))
    run(add_thread(site.live, group, [locked], hours_ago=5, locked=True))
    run(add_thread(site.live, housing, [as_mayor.status("Draft plan")]))
    found = as_resident.get("/api/v1/accounts/lookup", params={"acct": members})
    as_resident.post(f"/api/v1/accounts/{found['id']}/follow")
    run(moderated(site, public, mayor, resident, int(thread[2])))
    return GroupSample(
        group_path=f"/@{public}",
        group_uri=group.uri,
        thread_path=f"/@{public}/threads/{root}",
        members_group_path=f"/@{members}",
    )


async def moderated(
    site: Site, name: str, mayor: Actor, resident: Actor, advert_id: int
) -> None:
    """The mayor bans a troll from group `name` for a week, and reports the
    resident's advert in its thread."""
    troll = await site.live.create_account(f"troll_{uuid.uuid4().hex[:6]}")
    async with site.live.db.session() as session:
        moderator = await session.get(Actor, mayor.id)
        assert moderator is not None
        await group_members.ban(
            session,
            site.live.fed.urls,
            moderator,
            name,
            troll.id,
            reason="Spam in every thread",
            expires_at=datetime.now(UTC) + timedelta(days=7),
        )
        report = reports.NewReport(resident.id, [advert_id], "An advert", "spam")
        await reports.file_report(session, site.live.fed.urls, moderator, report, ())
