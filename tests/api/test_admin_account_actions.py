"""Mastodon's admin account actions: suspend, silence, sensitive, disable and a
plain warning, their undoing, the warning the account sees, and the log."""

from __future__ import annotations

import pytest

from tests.support.http import account_id, post_status

pytestmark = pytest.mark.usefixtures("backend")

ACCOUNTS = "/api/v1/admin/accounts"
AS2 = "application/activity+json"


@pytest.fixture
async def admin(instance, http):
    await instance.create_account("clerk", role="admin")
    await instance.create_account("troll")
    return {
        "token": await instance.token("clerk", "admin:read admin:write"),
        "troll": await account_id(http, "troll"),
    }


async def act(http, admin, kind: str, **fields):
    reply = await http.post(
        f"{ACCOUNTS}/{admin['troll']}/action",
        token=admin["token"],
        json={"type": kind, **fields},
    )
    assert reply.status == 200, reply.text
    return reply.json()


async def admin_account(http, admin) -> dict:
    reply = await http.get(f"{ACCOUNTS}/{admin['troll']}", token=admin["token"])
    assert reply.status == 200, reply.text
    return reply.json()


async def test_suspension_closes_the_account_and_unsuspension_restores_it(
    instance, http, admin
):
    # Given the troll with an app token
    token = await instance.token("troll")
    actor_url = f"{instance.base_url}/users/troll"
    # When an admin suspends it with a warning
    answer = await act(http, admin, "suspend", text="Harassment of residents")
    suspended = await admin_account(http, admin)
    refused = await http.get("/api/v1/accounts/verify_credentials", token=token)
    gone = await http.get(actor_url, accept=AS2)
    public = await http.get(f"/api/v1/accounts/{admin['troll']}")
    # Then Mastodon's answer is empty, the account is suspended, its token is
    # refused and its actor is a Tombstone with 410
    assert answer == {}
    assert suspended["suspended"] is True
    assert refused.status == 403
    assert gone.status == 410
    assert gone.json()["type"] == "Tombstone"
    assert public.json()["suspended"] is True
    # When it is unsuspended
    reply = await http.post(
        f"{ACCOUNTS}/{admin['troll']}/unsuspend", token=admin["token"]
    )
    # Then it works again, and sees the warning it was given
    assert reply.json()["suspended"] is False
    assert (await http.get(actor_url, accept=AS2)).status == 200
    notes = await http.get("/api/v1/notifications", token=token)
    [note] = notes.json()
    assert note["type"] == "moderation_warning"
    assert note["moderation_warning"]["action"] == "suspend"
    assert note["moderation_warning"]["text"] == "Harassment of residents"


async def test_a_suspended_accounts_posts_are_hidden(instance, http, admin):
    # Given a public post by the troll
    await post_status(instance, http, "troll", "Spam spam spam")
    # When it is suspended
    await act(http, admin, "suspend")
    # Then neither its statuses nor the public timeline show it
    statuses = await http.get(f"/api/v1/accounts/{admin['troll']}/statuses")
    timeline = await http.get("/api/v1/timelines/public")
    assert statuses.json() == []
    assert timeline.json() == []


async def test_silence_keeps_posts_out_of_public_timelines_but_for_followers(
    instance, http, admin
):
    # Given a follower of the troll and a public post of the troll's
    await instance.create_account("fan")
    fan = await instance.token("fan")
    await http.post(f"/api/v1/accounts/{admin['troll']}/follow", token=fan)
    await post_status(instance, http, "troll", "Loud opinions")
    # When the troll is silenced
    await act(http, admin, "silence")
    anonymous = (await http.get("/api/v1/timelines/public")).json()
    followers = (await http.get("/api/v1/timelines/public", token=fan)).json()
    entity = await admin_account(http, admin)
    # Then an anonymous reader no longer sees it, the follower still does
    assert anonymous == []
    assert [s["content"] for s in followers] == ["<p>Loud opinions</p>"]
    assert entity["silenced"] is True
    assert entity["account"]["limited"] is True
    # When it is unsilenced, everyone sees it again
    await http.post(f"{ACCOUNTS}/{admin['troll']}/unsilence", token=admin["token"])
    assert len((await http.get("/api/v1/timelines/public")).json()) == 1


async def test_sensitive_marks_the_accounts_posts_sensitive(instance, http, admin):
    # Given a post by the troll
    status = await post_status(instance, http, "troll", "Graphic photos")
    # When an admin marks the account sensitive, then takes it back
    await act(http, admin, "sensitive")
    marked = await http.get(f"/api/v1/statuses/{status['id']}")
    await http.post(f"{ACCOUNTS}/{admin['troll']}/unsensitive", token=admin["token"])
    unmarked = await http.get(f"/api/v1/statuses/{status['id']}")
    # Then its statuses show as sensitive only meanwhile
    assert (marked.json()["sensitive"], unmarked.json()["sensitive"]) == (True, False)


async def test_disable_ends_the_login_and_enable_lets_it_sign_in(instance, http, admin):
    # Given the troll's token
    token = await instance.token("troll")
    # When an admin disables the account
    await act(http, admin, "disable")
    refused = await http.get("/api/v1/accounts/verify_credentials", token=token)
    disabled = await admin_account(http, admin)
    enabled = await http.post(
        f"{ACCOUNTS}/{admin['troll']}/enable", token=admin["token"]
    )
    # Then its tokens stop working, and enabling lifts the flag
    assert refused.status == 401
    assert disabled["disabled"] is True
    assert enabled.json()["disabled"] is False


async def test_an_action_resolves_the_report_it_names(instance, http, admin):
    # Given a report about the troll
    await instance.create_account("resident")
    filed = await http.post(
        "/api/v1/reports",
        token=await instance.token("resident"),
        json={"account_id": admin["troll"], "comment": "spam"},
    )
    report_id = filed.json()["id"]
    # When the admin warns the troll citing the report
    await act(http, admin, "none", text="Please stop", report_id=report_id)
    report = await http.get(f"/api/v1/admin/reports/{report_id}", token=admin["token"])
    log = await http.get("/api/v1/fedcity/admin/action_log", token=admin["token"])
    # Then the report is resolved, and the log has the warning and the resolution
    assert report.json()["action_taken"] is True
    assert [(e["action"], e["target_type"]) for e in log.json()] == [
        ("warn", "Account"),
        ("resolve", "Report"),
    ]
    assert log.json()[0]["reason"] == "Please stop"


async def test_unknown_action_and_account_are_refused(instance, http, admin):
    # When an unknown type is asked, and an unknown account acted on
    odd = await http.post(
        f"{ACCOUNTS}/{admin['troll']}/action",
        token=admin["token"],
        json={"type": "banish"},
    )
    missing = await http.post(
        f"{ACCOUNTS}/12345/action", token=admin["token"], json={"type": "silence"}
    )
    # Then they are refused as Mastodon refuses them
    assert (odd.status, missing.status) == (422, 404)
