"""Reports from other servers: the `Flag` shapes Mastodon, Misskey, Lemmy and Mbin
send (tests/fixtures/inbound/*_flag.json), delivered signed, land in the
moderators' queue as reports about the local account."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fedcity.services.instance import domain_policies as policies
from fedcity.storage.models import Report
from tests.support.payloads import deliver, mayor_and_status, stage

pytestmark = pytest.mark.usefixtures("backend")


async def reports_of(instance) -> list[Report]:
    async with instance.db.session() as session:
        return list(await session.scalars(select(Report)))


@pytest.mark.parametrize(
    ("name", "names_the_post", "comment"),
    [
        ("mastodon_flag", True, "Please take a look at this user and their posts"),
        ("misskey_flag", False, "Spam links in replies"),
        ("lemmy_flag", True, "report this post"),
        ("mbin_flag", True, "Misleading claim about the crossing"),
    ],
)
async def test_each_servers_flag_becomes_a_report_about_the_account(
    instance, remote, name, names_the_post, comment
):
    # Given the mayor and a post of theirs
    mayor, status = await mayor_and_status(instance)
    flag = await stage(instance, remote, name, status)
    # When the server's Flag arrives
    code = await deliver(remote, f"{instance.base_url}/inbox", flag)
    await instance.run_jobs()
    # Then one open report about the mayor is stored, from the sender, with the
    # post if it was named and the reporter's words
    [report] = await reports_of(instance)
    assert code == 202
    assert report.target_id == mayor.id
    assert report.status_ids == ([status.id] if names_the_post else [])
    assert report.comment == comment
    assert report.uri == flag["id"]
    assert report.action_taken_at is None


async def test_the_same_flag_twice_is_one_report(instance, remote):
    # Given a Lemmy report already received
    _, status = await mayor_and_status(instance)
    flag = await stage(instance, remote, "lemmy_flag", status)
    await deliver(remote, f"{instance.base_url}/inbox", flag)
    await instance.run_jobs()
    # When it is delivered again
    await deliver(remote, f"{instance.base_url}/inbox", flag)
    await instance.run_jobs()
    # Then it is still one report
    assert len(await reports_of(instance)) == 1


async def test_a_domain_whose_reports_are_rejected_is_not_heard(instance, remote):
    # Given the remote server's domain silenced with its reports rejected
    async with instance.db.session() as session:
        await policies.block_domain(
            session,
            remote.base_url,
            policies.BlockChanges(severity="silence", reject_reports=True),
            own=instance.domain,
            by=None,
        )
    await instance.fed.policy.refresh(instance.db)
    _, status = await mayor_and_status(instance)
    flag = await stage(instance, remote, "mastodon_flag", status)
    # When its Flag arrives
    code = await deliver(remote, f"{instance.base_url}/inbox", flag)
    await instance.run_jobs()
    # Then it is accepted on the wire, and dropped: no report is made
    assert code == 202
    assert await reports_of(instance) == []
