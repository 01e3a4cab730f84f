"""POST /api/v1/reports and its refusals; moderators read reports with the CLI."""

from __future__ import annotations

import argparse
import asyncio

import aiohttp
import pytest

from fedcity.cli.instance import cmd_report
from fedcity.config_values import RuleSetting
from tests.support.http import Http, account_id, post_status

pytestmark = pytest.mark.usefixtures("backend")


async def report(instance, http: Http, **fields):
    return await http.post(
        "/api/v1/reports", token=await instance.token("resident"), json=fields
    )


@pytest.fixture
async def accounts(instance, http):
    await instance.create_account("resident")
    await instance.create_account("troll")
    return await account_id(http, "troll")


async def test_report_of_a_post_is_answered_as_a_report_entity(
    instance, http, accounts
):
    # Given a post by the troll
    rude = await post_status(instance, http, "troll", "You all stink")
    # When the resident reports it
    reply = await report(
        instance, http, account_id=accounts, status_ids=[rude["id"]], comment="rude"
    )
    # Then the Report names the troll and the post, not yet acted on
    body = reply.json()
    assert reply.status == 200
    assert body["target_account"]["id"] == accounts
    assert body["status_ids"] == [rude["id"]]
    assert (body["category"], body["comment"]) == ("other", "rude")
    assert (body["action_taken"], body["forwarded"], body["rule_ids"]) == (
        False,
        False,
        None,
    )


async def test_citing_rules_makes_a_violation_report(make_instance):
    # Given an instance with rules
    instance = await make_instance(instance={"rules": (RuleSetting("Be civil"),)})
    async with aiohttp.ClientSession() as session:
        http = Http(session, instance.base_url)
        await instance.create_account("resident")
        await instance.create_account("troll")
        target = await account_id(http, "troll")
        # When a report cites rule 1 (and says "spam")
        reply = await report(
            instance, http, account_id=target, rule_ids=["1"], category="spam"
        )
        unknown = await report(instance, http, account_id=target, rule_ids=["9"])
    # Then it is a violation of that rule; an unknown rule is refused
    assert (reply.json()["category"], reply.json()["rule_ids"]) == ("violation", ["1"])
    assert unknown.status == 422


async def test_reported_posts_must_be_the_accounts_own(instance, http, accounts):
    # Given a post by the resident, not by the troll
    own = await post_status(instance, http, "resident", "Nice day")
    # When it is attached to a report about the troll
    reply = await report(instance, http, account_id=accounts, status_ids=[own["id"]])
    # Then the report is refused as Mastodon refuses it
    assert reply.status == 404


async def test_report_refusals(instance, http, accounts):
    # Given the troll's account
    # When reports are missing the account, name an unknown one, carry a too long
    # comment or an unknown category
    no_account = await report(instance, http, comment="x")
    unknown = await report(instance, http, account_id="12345")
    too_long = await report(instance, http, account_id=accounts, comment="x" * 1001)
    category = await report(instance, http, account_id=accounts, category="boring")
    # Then each is refused
    assert no_account.status == 422
    assert unknown.status == 404
    assert too_long.status == 422
    assert category.status == 422


async def test_reports_need_the_write_reports_scope(instance, http, accounts):
    # Given a read-only token
    token = await instance.token("resident", scopes="read")
    # When it files a report
    reply = await http.post(
        "/api/v1/reports", token=token, json={"account_id": accounts}
    )
    # Then it is forbidden
    assert reply.status == 403


async def test_moderators_list_reports_with_the_cli(instance, http, accounts, capsys):
    # Given a report
    await report(instance, http, account_id=accounts, comment="rude\nand loud")
    # When `fedcity report list` runs against the instance's database
    args = argparse.Namespace(action="list")
    assert await asyncio.to_thread(cmd_report, instance.settings, args) == 0
    # Then one line names reporter, target, category and the comment on one line
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    fields = lines[0].split("\t")
    assert fields[2:5] == ["resident", "troll", "other"]
    assert fields[-1] == "rude and loud"
