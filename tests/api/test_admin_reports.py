"""Mastodon's admin reports API: the queue, its filters, one report, assigning,
resolving and reopening; each change in the admin action log."""

from __future__ import annotations

import pytest

from tests.support.http import account_id, post_status

pytestmark = pytest.mark.usefixtures("backend")

REPORTS = "/api/v1/admin/reports"
ACTION_LOG = "/api/v1/fedcity/admin/action_log"


@pytest.fixture
async def queue(instance, http):
    """A resident's report of a troll's post, and an admin's token."""
    await instance.create_account("resident")
    await instance.create_account("troll")
    await instance.create_account("clerk", role="admin")
    rude = await post_status(instance, http, "troll", "You all stink")
    troll = await account_id(http, "troll")
    reply = await http.post(
        "/api/v1/reports",
        token=await instance.token("resident"),
        json={"account_id": troll, "status_ids": [rude["id"]], "comment": "rude"},
    )
    assert reply.status == 200
    token = await instance.token("clerk", "admin:read admin:write")
    return {
        "report": reply.json()["id"],
        "troll": troll,
        "status": rude,
        "token": token,
    }


async def test_the_queue_lists_open_reports_with_accounts_and_statuses(
    instance, http, queue
):
    # Given a report filed by the resident
    # When the admin lists the queue
    reply = await http.get(REPORTS, token=queue["token"])
    # Then it holds the report as Mastodon's Admin::Report
    [report] = reply.json()
    assert reply.status == 200
    assert report["id"] == queue["report"]
    assert report["account"]["username"] == "resident"
    assert report["target_account"]["id"] == queue["troll"]
    assert report["target_account"]["account"]["acct"] == "troll"
    assert [s["id"] for s in report["statuses"]] == [queue["status"]["id"]]
    assert (report["action_taken"], report["assigned_account"]) == (False, None)


async def test_filters_narrow_the_queue(instance, http, queue):
    # Given the report about the troll
    resident = await account_id(http, "resident")

    # When the queue is filtered by target, by reporter, and by another target
    async def ids(**query):
        reply = await http.get(REPORTS, token=queue["token"], params=query)
        return [r["id"] for r in reply.json()]

    # Then only matching reports are listed
    assert await ids(target_account_id=queue["troll"]) == [queue["report"]]
    assert await ids(account_id=resident) == [queue["report"]]
    assert await ids(target_account_id=resident) == []
    assert await ids(resolved="true") == []


async def test_assign_resolve_and_reopen(instance, http, queue):
    # Given the open report
    path = f"{REPORTS}/{queue['report']}"
    token = queue["token"]
    # When the admin takes it on, gives it back, takes it again and resolves it
    assigned = (await http.post(f"{path}/assign_to_self", token=token)).json()
    unassigned = (await http.post(f"{path}/unassign", token=token)).json()
    await http.post(f"{path}/assign_to_self", token=token)
    resolved = (await http.post(f"{path}/resolve", token=token)).json()
    open_queue = (await http.get(REPORTS, token=token)).json()
    done = (await http.get(REPORTS, token=token, params={"resolved": "true"})).json()
    reopened = (await http.post(f"{path}/reopen", token=token)).json()
    # Then each step shows in the report, and the resolved one leaves the queue
    assert assigned["assigned_account"]["username"] == "clerk"
    assert unassigned["assigned_account"] is None
    assert resolved["action_taken"] is True
    assert resolved["action_taken_by_account"]["username"] == "clerk"
    assert open_queue == []
    assert [r["id"] for r in done] == [queue["report"]]
    assert (reopened["action_taken"], reopened["action_taken_at"]) == (False, None)
    # And the action log holds every change, newest first
    log = (await http.get(ACTION_LOG, token=token)).json()
    assert [e["action"] for e in log] == [
        "reopen",
        "resolve",
        "assigned_to_self",
        "unassigned",
        "assigned_to_self",
    ]
    assert {(e["account"], e["target_type"]) for e in log} == {("clerk", "Report")}
    assert log[0]["target"] == f"#{queue['report']} (troll)"


async def test_one_report_and_unknown_ones(instance, http, queue):
    # Given the report
    # When it is read, and an unknown one is read
    one = await http.get(f"{REPORTS}/{queue['report']}", token=queue["token"])
    unknown = await http.get(f"{REPORTS}/12345", token=queue["token"])
    # Then the first is the report, the second 404
    assert one.json()["comment"] == "rude"
    assert unknown.status == 404


async def test_only_admins_read_the_queue(instance, http, queue):
    # Given a resident's token with admin scopes, and an admin's without them
    resident = await instance.token("resident", "admin:read admin:write")
    no_scope = await instance.token("clerk", "read write")
    # When they read the queue or resolve a report
    listing = await http.get(REPORTS, token=resident)
    resolving = await http.post(f"{REPORTS}/{queue['report']}/resolve", token=no_scope)
    log = await http.get(ACTION_LOG, token=resident)
    # Then each is refused
    assert (listing.status, resolving.status, log.status) == (403, 403, 403)
