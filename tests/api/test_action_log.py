"""The admin action log through the API: offices attested and revoked by an admin
are recorded, and the log pages newest first with a Link header."""

from __future__ import annotations

import pytest

from tests.api.test_offices_admin import PATH, admin_token, attest

pytestmark = pytest.mark.usefixtures("backend")

ACTION_LOG = "/api/v1/fedcity/admin/action_log"


async def logged(http, token: str) -> list[tuple[str, str, str, str | None]]:
    """(action, target type, target, reason) of every entry, oldest first."""
    log = (await http.get(ACTION_LOG, token=token, params={"limit": "80"})).json()
    return [(e["action"], e["target_type"], e["target"], e["reason"]) for e in log][
        ::-1
    ]


async def test_office_verified_and_revoked_by_an_admin_is_logged(instance, http):
    # Given an admin and the mayor's account
    await instance.create_account("mayor")
    token = await admin_token(instance)
    # When the admin attests the mayor's office through the API, then revokes it
    office = await attest(http, token)
    await http.request("DELETE", f"{PATH}/{office['id']}", token=token)
    # Then the log has both, newest first, naming the office and whose it is
    log = (await http.get(ACTION_LOG, token=token)).json()
    assert [(e["action"], e["target_type"]) for e in log] == [
        ("revoke", "Attestation"),
        ("verify", "Attestation"),
    ]
    assert log[0]["account"] == "clerk"
    assert log[0]["target_id"] == office["id"]
    assert log[0]["target"].startswith("mayor: ")


async def test_the_log_pages_newest_first_and_narrows_by_kind(instance, http):
    # Given three logged actions on two kinds of record
    await instance.create_account("mayor")
    await instance.create_account("troll")
    token = await admin_token(instance)
    office = await attest(http, token)
    await http.request("DELETE", f"{PATH}/{office['id']}", token=token)
    troll = (await http.get("/api/v1/accounts/lookup", params={"acct": "troll"})).json()
    await http.post(
        f"/api/v1/admin/accounts/{troll['id']}/action",
        token=token,
        json={"type": "silence"},
    )
    # When the log is read two at a time, then the rest, and one kind alone
    first = await http.get(ACTION_LOG, token=token, params={"limit": "2"})
    rest = await http.get(first.links["next"], token=token)
    accounts = await http.get(
        ACTION_LOG, token=token, params={"target_type": "Account"}
    )
    # Then the pages follow each other and the kind narrows it
    assert [e["action"] for e in first.json()] == ["silence", "revoke"]
    assert [e["action"] for e in rest.json()] == ["verify"]
    assert [e["target"] for e in accounts.json()] == ["troll"]
