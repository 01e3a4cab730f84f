"""The moderators' pages: the report queue, a report's page with assign, resolve,
reopen and the account actions, and the admin action log with its exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.support.http import account_id, post_status
from tests.support.web import csrf_of, signed_in_client
from tests.web.test_admin_pages import text_of

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
async def report_id(instance, http) -> str:
    """The resident's report of a troll's post."""
    await instance.create_account("clerk", role="admin")
    await instance.create_account("resident")
    await instance.create_account("troll")
    rude = await post_status(instance, http, "troll", "You all stink")
    reply = await http.post(
        "/api/v1/reports",
        token=await instance.token("resident"),
        json={
            "account_id": await account_id(http, "troll"),
            "status_ids": [rude["id"]],
            "comment": "Insults the residents",
        },
    )
    return str(reply.json()["id"])


async def submit(client, page: str, path: str, **fields) -> str:
    """POST a form of `page` to `path`; the page it leads to, as text."""
    token = await csrf_of(client, page)
    async with client.post(path, data={"csrf_token": token, **fields}) as reply:
        assert reply.status == 200, await reply.text()
        return text_of(await reply.text())


async def test_queue_links_the_report_and_its_page_shows_it(instance, report_id):
    # Given the report
    async with await signed_in_client(instance, "clerk") as client:
        # When the admin opens the queue and the report
        async with client.get("/admin/reports") as reply:
            queue = await reply.text()
        async with client.get(f"/admin/reports/{report_id}") as reply:
            page = text_of(await reply.text())
    # Then the queue links it, and its page names both accounts, the comment and
    # the reported post
    assert f'href="/admin/reports/{report_id}"' in queue
    assert "@troll" in page
    assert "@resident" in page
    assert "Insults the residents" in page
    assert "You all stink" in page


async def test_assign_resolve_and_reopen_from_the_page(instance, report_id):
    # Given the report's page
    path = f"/admin/reports/{report_id}"
    async with await signed_in_client(instance, "clerk") as client:
        # When the admin takes it on, resolves it and reopens it
        assigned = await submit(client, path, f"{path}/assign")
        resolved = await submit(client, path, f"{path}/resolve")
        async with client.get("/admin/reports") as reply:
            open_queue = await reply.text()
        reopened = await submit(client, path, f"{path}/reopen")
    # Then each step shows, and the resolved report leaves the open queue
    assert "You took the report on." in assigned
    assert "Assigned to @clerk" in assigned
    assert "Resolved by @clerk" in resolved
    assert path not in open_queue
    assert "State Open" in reopened


async def test_suspending_from_the_report_page(instance, http, report_id):
    # Given the report's page
    path = f"/admin/reports/{report_id}"
    async with await signed_in_client(instance, "clerk") as client:
        # When the admin suspends the account with a warning
        page = await submit(
            client, path, f"{path}/action", type="suspend", text="Repeated insults"
        )
        # Then the account is suspended and the report resolved
        assert "Action taken on the account." in page
        assert "Account restrictions Suspended" in page
        assert "Resolved by @clerk" in page
        # When the suspension is lifted from the same page
        lifted = await submit(client, path, f"{path}/undo/unsuspend")
    assert "Account restrictions None" in lifted
    troll = await http.get("/api/v1/accounts/lookup", params={"acct": "troll"})
    assert "suspended" not in troll.json()


async def test_action_log_page_and_its_exports(instance, report_id):
    # Given a report resolved from its page
    path = f"/admin/reports/{report_id}"
    async with await signed_in_client(instance, "clerk") as client:
        await submit(client, path, f"{path}/resolve")
        # When the admin opens the action log and exports it
        async with client.get("/admin/action_log") as reply:
            page = text_of(await reply.text())
        async with client.get("/admin/action_log.csv") as reply:
            rows = list(csv.DictReader(io.StringIO(await reply.text())))
            csv_type = reply.content_type
        async with client.get("/admin/action_log.json") as reply:
            entries = json.loads(await reply.text())
    # Then each shows the resolution, by the admin
    assert "@clerk resolve Report" in page
    assert csv_type == "text/csv"
    assert [(r["account"], r["action"], r["target_type"]) for r in rows] == [
        ("clerk", "resolve", "Report")
    ]
    assert entries[0]["target_id"] == report_id


async def test_residents_cannot_open_the_moderation_pages(instance, report_id):
    # Given a signed-in resident
    async with await signed_in_client(instance, "resident") as client:
        # When they open the report, the log, or post a suspension
        async with client.get(f"/admin/reports/{report_id}") as report:
            pass
        async with client.get("/admin/action_log.csv") as export:
            pass
    # Then they are refused
    assert (report.status, export.status) == (403, 403)


async def test_a_warned_account_reads_its_warning_from_its_notification(
    instance, http, report_id
):
    # Given the admin warns the troll from the report's page
    path = f"/admin/reports/{report_id}"
    async with await signed_in_client(instance, "clerk") as client:
        await submit(client, path, f"{path}/action", type="silence", text="Tone down")
    async with await signed_in_client(instance, "troll") as client:
        # When the troll opens its notifications and follows the link
        async with client.get("/notifications") as reply:
            notes = await reply.text()
        link = notes.split('href="/disputes/strikes/')[1].split('"')[0]
        async with client.get(f"/disputes/strikes/{link}") as reply:
            page = text_of(await reply.text())
    async with (
        await signed_in_client(instance, "resident") as client,
        client.get(f"/disputes/strikes/{link}") as other,
    ):
        pass
    # Then the warning says what was done and why, to the troll alone
    assert "The moderators took an action on your account" in text_of(notes)
    assert "Your account is limited" in page
    assert "Tone down" in page
    assert other.status == 404
