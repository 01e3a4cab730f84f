"""Moderation across two CLI-started instances, driven with Mastodon.py (issue
12): a report made in Ojai about a Ventura account, forwarded, lands in Ventura's
queue as a `Flag`; Ventura's admin handles it with Mastodon.py's admin methods and
suspends the account, whose posts then disappear from Ojai too (`Delete`)."""

from __future__ import annotations

import pytest
from mastodon import MastodonAPIError

from tests.e2e.conftest import client
from tests.support.processes import PASSWORD, CliInstance, wait_for

pytestmark = pytest.mark.slow


def admin_of(instance: CliInstance, name: str):
    instance.cli("account", "create", name, "--password", PASSWORD, "--role", "admin")
    scopes = "read write admin:read admin:write"
    token = instance.cli("token", "create", name, "--scopes", scopes).stdout.strip()
    return client(instance, token)


def _home_has(api, text: str):
    return next((s for s in api.timeline_home() if text in (s["content"] or "")), None)


def _status_gone(api, status_id: str) -> bool:
    try:
        api.status(status_id)
    except MastodonAPIError:
        return True
    return False


def test_forwarded_report_is_handled_and_suspension_reaches_followers(
    cli_instances,
):
    ojai, ventura = cli_instances
    # Given a Ventura account followed from Ojai, whose post reached Ojai
    resident = client(ojai, ojai.account("resident"))
    troll = client(ventura, ventura.account("troll"))
    clerk = admin_of(ventura, "clerk")
    handle = f"troll@{ventura.domain}"
    found = resident.search_v2(handle, resolve=True, result_type="accounts")
    remote_troll = found["accounts"][0]
    resident.account_follow(remote_troll["id"])
    wait_for(
        lambda: resident.account_relationships(remote_troll["id"])[0]["following"],
        what="Accept of the follow",
    )
    troll.status_post("Ojai's council is a bunch of crooks")
    seen = wait_for(lambda: _home_has(resident, "crooks"), what="post delivery")

    # When the Ojai resident reports it and asks to forward the report
    resident.report(
        remote_troll["id"],
        status_ids=[seen["id"]],
        comment="Defamation of the council",
        forward=True,
    )
    # Then Ventura's queue holds a report about its account, with the post
    report = wait_for(lambda: clerk.admin_reports(), what="the forwarded Flag")[0]
    assert report["target_account"]["username"] == "troll"
    assert report["comment"] == "Defamation of the council"
    assert [s["id"] for s in report["statuses"]] == [
        troll.account_statuses(troll.me()["id"])[0]["id"]
    ]
    # And Ventura's admin handles it with Mastodon.py's admin methods
    assert clerk.admin_report(report["id"])["id"] == report["id"]
    assigned = clerk.admin_report_assign(report["id"])
    assert assigned["assigned_account"]["username"] == "clerk"
    assert clerk.admin_report_resolve(report["id"])["action_taken"] is True
    assert clerk.admin_reports() == []
    assert clerk.admin_report_reopen(report["id"])["action_taken"] is False
    target_id = report["target_account"]["id"]
    assert clerk.admin_account(target_id)["suspended"] is False

    # When the admin suspends the account, citing the report
    clerk.admin_account_moderate(
        target_id, "suspend", report_id=report["id"], text="Repeated defamation"
    )
    # Then the report is resolved and the account suspended
    assert clerk.admin_report(report["id"])["action_taken"] is True
    assert clerk.admin_account(target_id)["suspended"] is True
    # And Ojai, a follower's instance, removes the account's post
    wait_for(lambda: _status_gone(resident, seen["id"]), what="Delete of the actor")
    assert _home_has(resident, "crooks") is None
