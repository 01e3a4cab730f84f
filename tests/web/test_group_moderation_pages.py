"""The moderators' pages of a group (issue 13): /@group/moderation (requests to
join), …/bans, …/removals, …/reports, …/settings, …/log, and the moderators'
forms on a thread's page (remove a post, lock and pin the thread). Each action
is a POST with the CSRF token answered by the group services and a 303 to a
page that says what was done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
from sqlalchemy import select

from fedcity.services.groups.groups import get_group
from fedcity.services.moderation.reports import NewReport, file_report
from fedcity.services.social import follows
from fedcity.storage.models import Actor, GroupBan, GroupPost, GroupThread
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import groups as groups_q
from tests.support.group_threads import add_thread, follow_state, make_group, page
from tests.support.http import post_status
from tests.support.instances import LiveInstance
from tests.support.officials import remote_official
from tests.support.pages import browser, h1
from tests.support.web import csrf_of, signed_in_client

BASE = "/@wildfire/moderation"


@dataclass
class Sent:
    status: int
    location: str
    html: str


async def send(
    client: aiohttp.ClientSession, form_page: str, action: str, **fields: str
) -> Sent:
    """Post a form of `form_page` (its CSRF token) to `action`."""
    token = await csrf_of(client, form_page)
    async with client.post(
        action, data={"csrf_token": token, **fields}, allow_redirects=False
    ) as reply:
        return Sent(reply.status, reply.headers.get("Location", ""), await reply.text())


async def wildfire(instance: LiveInstance, **settings: str) -> Actor:
    """The group of these tests, moderated by `chief`."""
    await instance.create_account("chief", display_name="Chief Diaz")
    return await make_group(
        instance,
        "wildfire",
        display_name="Wildfire Preparedness",
        moderators=("chief",),
        **settings,
    )


async def thread_of(instance: LiveInstance, group: Actor, author: str) -> list[str]:
    """A thread of `group`: new account `author`'s post and two replies."""
    await instance.create_account(author)
    async with browser(instance) as http:
        root = await post_status(instance, http, author, "Evacuation routes")
        ids = [str(root["id"])]
        for text in ("Highway 33 first", "Buy my generators"):
            reply = await post_status(
                instance, http, author, text, in_reply_to_id=root["id"]
            )
            ids.append(str(reply["id"]))
    await add_thread(instance, group, ids)
    return ids


async def actor_named(instance: LiveInstance, name: str) -> Actor:
    async with instance.db.session() as session:
        actor = await actor_q.get_local_actor(session, name)
    assert actor is not None
    return actor


async def test_a_moderator_approves_and_rejects_requests_to_join(instance):
    # Given a group whose moderators approve each member, two residents asking
    # to join, and a council member of another city asking too
    group = await wildfire(instance, policy="approval")
    async with instance.db.session() as session:
        official = remote_official(session, "ruiz")
        # as received, an office has its attestation's id (Account entities show it)
        official.offices = [{**official.offices[0], "id": "7"}]
        await session.flush()
        await follows.receive_follow(
            session, instance.fed.urls, official, group, f"{official.uri}/follows/1"
        )
    for name in ("ana", "ben"):
        async with await signed_in_client(instance, name) as client:
            await send(client, "/@wildfire", "/@wildfire/join")
    ana, ben = await actor_named(instance, "ana"), await actor_named(instance, "ben")
    async with await signed_in_client(instance, "chief") as chief:
        # When the moderator opens the group's page
        # Then it links to the moderation pages
        assert f'href="{BASE}"' in await page(chief, "/@wildfire")
        # When they open the requests to join
        listed = await page(chief, BASE)
        # Then every request is there, with its handle, when it was asked and
        # the verified office of the official
        assert "@ana" in listed
        assert "@ben" in listed
        assert "@ruiz@b.example" in listed
        assert listed.count("Asked ") == 3
        assert "✔ Verified: Council Member of Ojai" in listed
        # When the approval is sent without its CSRF token
        async with chief.post(
            f"{BASE}/pending/{ana.id}/approve", allow_redirects=False
        ) as forged:
            # Then it is refused, and ana still waits
            assert forged.status == 403
        assert await follow_state(instance, "ana", "wildfire") == "pending"
        # When they approve ana and reject ben
        approved = await send(chief, BASE, f"{BASE}/pending/{ana.id}/approve")
        rejected = await send(chief, BASE, f"{BASE}/pending/{ben.id}/reject")
        # Then ana is a member, ben's request is gone, and the page says so
        assert (approved.status, approved.location) == (303, f"{BASE}?done=approved")
        assert rejected.location == f"{BASE}?done=rejected"
        assert await follow_state(instance, "ana", "wildfire") == "accepted"
        assert await follow_state(instance, "ben", "wildfire") is None
        after = await page(chief, f"{BASE}?done=approved")
        assert "Request approved: the account is a member now." in after
        assert "@ana" not in after
        # When they answer a request that is not there any more
        again = await send(chief, BASE, f"{BASE}/pending/{ben.id}/approve")
    # Then the page says why, and nothing changes
    assert again.status == 422
    assert "No follow request from this account" in again.html
    assert await follow_state(instance, "ben", "wildfire") is None


async def test_a_moderator_bans_with_an_end_date_and_unbans(instance):
    # Given a member of the group
    group = await wildfire(instance)
    async with await signed_in_client(instance, "ana") as ana:
        await send(ana, "/@wildfire", "/@wildfire/join")
    member = await actor_named(instance, "ana")
    async with await signed_in_client(instance, "chief") as chief:
        bans = f"{BASE}/bans"
        assert "No one is banned from this group." in await page(chief, bans)
        # When the moderator bans her until a date, with a reason
        end = (datetime.now(UTC) + timedelta(days=10)).replace(second=0, microsecond=0)
        banned = await send(
            chief,
            bans,
            bans,
            account="@ana",
            reason="Campaigning in the group",
            duration="date",
            ends_at=end.strftime("%Y-%m-%dT%H:%M"),
        )
        # Then she is banned until then and no longer a member
        assert (banned.status, banned.location) == (303, f"{bans}?done=banned")
        async with instance.db.session() as session:
            row = await groups_q.get_ban(session, group.id, member.id)
            assert row is not None
            assert row.expires_at == end
            assert row.reason == "Campaigning in the group"
        assert await follow_state(instance, "ana", "wildfire") is None
        # And the list shows the ban: reason, end, and who banned
        listed = await page(chief, f"{bans}?done=banned")
        assert "The account is banned from the group." in listed
        assert "Campaigning in the group" in listed
        assert "@chief" in listed
        assert "Until lifted" not in listed.split("Banned accounts", 1)[1]
        # When they lift the ban
        lifted = await send(chief, bans, f"{bans}/{member.id}/unban")
        # Then it is gone
        assert lifted.location == f"{bans}?done=unbanned"
        async with instance.db.session() as session:
            assert await groups_q.get_ban(session, group.id, member.id) is None
        assert "The ban is lifted." in await page(chief, f"{bans}?done=unbanned")


async def test_a_ban_the_rules_refuse_comes_back_with_the_reason(instance):
    # Given the group, its moderator and a resident
    await wildfire(instance)
    await instance.create_account("ana")
    async with await signed_in_client(instance, "chief") as chief:
        bans = f"{BASE}/bans"
        # When they try to ban nobody known, themselves, and until a past date
        unknown = await send(chief, bans, bans, account="nobody", duration="")
        moderator = await send(chief, bans, bans, account="chief", duration="86400")
        past = await send(
            chief,
            bans,
            bans,
            account="ana",
            duration="date",
            ends_at="2001-01-01T00:00",
        )
        no_date = await send(chief, bans, bans, account="ana", duration="date")
    # Then each form comes back (422) saying why, its values kept
    assert unknown.status == 422
    assert "No account nobody is known here" in unknown.html
    assert 'value="nobody"' in unknown.html
    assert moderator.status == 422
    assert "A moderator of the group cannot be banned" in moderator.html
    assert past.status == 422
    assert "a ban must end in the future" in past.html
    assert 'href="#field-ends_at"' in no_date.html
    assert "Enter the date and time the ban ends" in no_date.html
    async with instance.db.session() as session:
        assert not list(await session.scalars(select(GroupBan)))


async def test_a_moderator_removes_a_post_with_a_reason(instance):
    # Given a thread of the group with two replies
    group = await wildfire(instance)
    root, _, advert = await thread_of(instance, group, "mayor")
    thread = f"/@wildfire/threads/{root}"
    async with await signed_in_client(instance, "chief") as chief:
        # When the moderator opens the thread
        shown = await page(chief, thread)
        # Then each post has a Remove form, and the thread Lock and Pin buttons
        assert shown.count('name="reason"') == 3
        assert f'action="{BASE}/posts/{advert}/remove"' in shown
        assert "Lock the thread" in shown
        assert "Pin the thread" in shown
        # When they give a reason past its bound
        too_long = await send(
            chief, thread, f"{BASE}/posts/{advert}/remove", reason="x" * 1001, root=root
        )
        # Then the thread comes back saying why, and nothing is removed
        assert too_long.status == 422
        assert "Reason is too long" in too_long.html
        assert h1(too_long.html) == "Thread in Wildfire Preparedness"
        # When they remove the advert, with a reason
        removed = await send(
            chief,
            thread,
            f"{BASE}/posts/{advert}/remove",
            reason="Advertising",
            root=root,
        )
        # Then they are back on the thread, which says so
        assert (removed.status, removed.location) == (303, f"{thread}?done=removed")
        after = await page(chief, f"{thread}?done=removed")
        assert "The post is removed from the group." in after
        assert "Buy my generators" not in after
        # And the group keeps it as removed, by whom and why
        async with instance.db.session() as session:
            row = await groups_q.get_group_post(session, group.id, int(advert))
            assert row is not None
            assert row.removed_at is not None
            assert row.removal_reason == "Advertising"
        # And the removals page lists it, with a link to its place in the thread
        listed = await page(chief, f"{BASE}/removals")
    assert "Advertising" in listed
    assert "@mayor" in listed
    assert "@chief" in listed
    assert f'href="{thread}#post-{advert}"' in listed


async def test_a_moderator_locks_and_pins_a_thread(instance):
    # Given a thread of the group
    group = await wildfire(instance)
    root, reply, _ = await thread_of(instance, group, "mayor")
    thread = f"/@wildfire/threads/{root}"
    async with await signed_in_client(instance, "chief") as chief:
        # When the moderator locks it (naming a reply of it) and pins it
        locked = await send(chief, thread, f"{BASE}/threads/{reply}/lock")
        pinned = await send(chief, thread, f"{BASE}/threads/{root}/pin")
        # Then the thread is locked and pinned, and the page says so
        assert (locked.status, locked.location) == (303, f"{thread}?done=locked")
        assert pinned.location == f"{thread}?done=pinned"
        async with instance.db.session() as session:
            row = await groups_q.get_thread_by_root(session, group.id, int(root))
            assert isinstance(row, GroupThread)
            assert row.locked_at is not None
            assert row.pinned_at is not None
        shown = await page(chief, f"{thread}?done=locked")
        assert "The thread is locked: it takes no new replies." in shown
        assert "Unlock the thread" in shown
        assert "Unpin the thread" in shown
        # When they unlock it
        unlocked = await send(chief, thread, f"{BASE}/threads/{root}/unlock")
    # Then it takes replies again
    assert unlocked.location == f"{thread}?done=unlocked"
    async with instance.db.session() as session:
        row = await groups_q.get_thread_by_root(session, group.id, int(root))
        assert row is not None
        assert row.locked_at is None


async def test_a_moderator_changes_the_settings(instance):
    # Given the group, public and open
    await wildfire(instance, description="Plans for the fire season")
    settings = f"{BASE}/settings"
    async with await signed_in_client(instance, "chief") as chief:
        # When the moderator opens the settings
        form = await page(chief, settings)
        # Then the form shows them as they are
        assert 'value="Wildfire Preparedness"' in form
        assert ">Plans for the fire season</textarea>" in form
        assert 'value="public" checked' in form
        # When they make it a members group that approves its members, with rules
        saved = await send(
            chief,
            settings,
            settings,
            display_name="Wildfire Working Group",
            description="Plans for the fire season",
            rules="Stay on topic.",
            visibility="members",
            policy="approval",
            quorum_guard="restrict",
        )
        # Then the group is so, and the page says it was saved
        assert (saved.status, saved.location) == (303, f"{settings}?done=saved")
        assert "Changes saved." in await page(chief, f"{settings}?done=saved")
        async with instance.db.session() as session:
            group, actor = await get_group(session, "wildfire")
            assert actor.display_name == "Wildfire Working Group"
            assert (group.visibility, group.policy) == ("members", "approval")
            assert (group.quorum_guard, group.rules) == ("restrict", "Stay on topic.")
            assert actor.locked
        # When a name is too long
        refused = await send(
            chief, settings, settings, display_name="W" * 101, visibility="members"
        )
    # Then the form comes back with the reason, at the field
    assert refused.status == 422
    assert 'href="#field-display_name"' in refused.html
    assert "Display name is too long" in refused.html


async def test_reports_about_the_groups_posts_are_listed_read_only(instance):
    # Given a thread of the group, a post outside it, and a report about each
    group = await wildfire(instance)
    await instance.create_account("boss", role="admin")
    root, _, advert = await thread_of(instance, group, "mayor")
    async with browser(instance) as http:
        elsewhere = await post_status(instance, http, "mayor", "My own blog post")
    reporter = await instance.create_account("neighbour")
    mayor = await actor_named(instance, "mayor")
    async with instance.db.session() as session:
        for post_id, comment in (
            (advert, "Spam in the group"),
            (elsewhere["id"], "Rude"),
        ):
            cmd = NewReport(mayor.id, [int(post_id)], comment, "spam")
            await file_report(session, instance.fed.urls, reporter, cmd, [])
    reports = f"{BASE}/reports"
    async with await signed_in_client(instance, "chief") as chief:
        # When the moderator opens the reports
        listed = await page(chief, reports)
    # Then the report about the group's post is there, with a link to it, but
    # not who sent it nor the other report
    assert "Spam in the group" in listed
    assert f'href="/@wildfire/threads/{root}#post-{advert}"' in listed
    assert "Rude" not in listed
    assert "@neighbour" not in listed
    assert "/admin/reports/" not in listed
    assert "Open" in listed
    # When an admin who does not moderate the group opens them
    async with await signed_in_client(instance, "boss") as boss:
        as_admin = await page(boss, reports)
    # Then they see who reported, and reach the report's page
    assert "@neighbour" in as_admin
    assert "/admin/reports/" in as_admin


async def test_the_log_lists_the_groups_moderation(instance):
    # Given a moderator who removed a post and changed the rules
    group = await wildfire(instance)
    root, _, advert = await thread_of(instance, group, "mayor")
    async with await signed_in_client(instance, "chief") as chief:
        thread = f"/@wildfire/threads/{root}"
        await send(chief, thread, f"{BASE}/posts/{advert}/remove", reason="Advert")
        settings = f"{BASE}/settings"
        await send(chief, settings, settings, rules="Be kind.")
        # When they open the log
        log = await page(chief, f"{BASE}/log")
    # Then both are there, newest first, with who and why
    assert log.index("Changed the settings") < log.index("Removed a post")
    assert "@chief" in log
    assert "Advert" in log


async def test_a_member_who_does_not_moderate_is_refused(instance):
    # Given a member of the group who does not moderate it, and a thread
    group = await wildfire(instance)
    root, reply, _ = await thread_of(instance, group, "mayor")
    async with await signed_in_client(instance, "ana") as ana:
        await send(ana, "/@wildfire", "/@wildfire/join")
        # When she opens the group and the thread
        # Then there is no way to moderate
        assert f'href="{BASE}"' not in await page(ana, "/@wildfire")
        assert "Lock the thread" not in await page(ana, f"/@wildfire/threads/{root}")
        # When she opens each moderation page
        for path in ("", "/bans", "/removals", "/reports", "/settings", "/log"):
            async with ana.get(BASE + path) as reply_page:
                html = await reply_page.text()
                # Then she is refused (403), saying why
                assert reply_page.status == 403, path
                assert h1(html) == "You may not do that"
                assert "Only the group&#39;s moderators may do this" in html
        # When she sends a moderator's form anyway (with her CSRF token)
        removed = await send(
            ana, "/@wildfire", f"{BASE}/posts/{reply}/remove", reason="Mine now"
        )
        locked = await send(ana, "/@wildfire", f"{BASE}/threads/{root}/lock")
    # Then it is refused and nothing changes
    assert (removed.status, locked.status) == (403, 403)
    async with instance.db.session() as session:
        row = await groups_q.get_group_post(session, group.id, int(reply))
        assert isinstance(row, GroupPost)
        assert row.removed_at is None
    # And someone signed out is sent to sign in
    async with browser(instance) as http:
        signed_out = await http.get(BASE)
    assert signed_out.status == 303
    assert signed_out.headers["Location"].startswith("/auth/sign_in?next=")
