"""`fedcity official verify|revoke|list|audit` and `fedcity account capacity`, run as an
operator runs them (issue 11): what a script reads is on stdout, one line each."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fedcity.config import load_settings
from fedcity.services.offices import attestations as offices
from fedcity.services.social import interactions, mutes
from fedcity.storage.db import open_database
from fedcity.urls import Urls
from tests.cli.test_cli import assert_one_error_line, write_config
from tests.support.cli_runner import fedcity


@pytest.fixture
def cfg(tmp_path: Path) -> str:
    path = write_config(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'fedcity.db'}")
    for args in (
        ("migrate",),
        ("account", "create", "mayor", "--password", "correct horse battery"),
    ):
        result = fedcity(tmp_path, "-c", str(path), *args)
        assert result.returncode == 0, result.stderr
    return str(path)


def test_verify_prints_the_attestation_id_and_list_shows_it(tmp_path, cfg):
    # When the operator attests the mayor with every office option
    made = fedcity(
        tmp_path, "-c", cfg, "official", "verify", "mayor", "--role", "mayor",
        "--jurisdiction", "Ojai, CA", "--title", "Mayor of the City of Ojai",
        "--population", "7637", "--seats", "5",
        "--term-start", "2024-12-01", "--term-end", "2099-12-01",
    )  # fmt: skip
    # Then stdout is the attestation's id alone
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("http://city.example/attestations/")
    assert len(made.stdout.splitlines()) == 1
    # And the list shows the verified mayor of Ojai with its derived OCD id
    listed = fedcity(tmp_path, "-c", cfg, "official", "list", "--state", "CA")
    assert listed.returncode == 0, listed.stderr
    fields = listed.stdout.strip().split("\t")
    assert fields[:5] == [
        "@mayor@city.example",
        "verified",
        "mayor",
        "Mayor of the City of Ojai",
        "Ojai, CA",
    ]
    assert fields[5] == "ocd-division/country:us/state:ca/place:ojai"
    assert fields[6] == made.stdout.strip()


def test_a_candidacy_is_listed_under_candidate_not_under_the_office(tmp_path, cfg):
    # Given a candidacy declared with --role candidate
    made = fedcity(
        tmp_path, "-c", cfg, "official", "verify", "mayor", "--role", "candidate",
        "--seeking", "mayor", "--election-date", "2099-11-03",
        "--jurisdiction", "Ojai, CA", "--ocd-id", "ocd-division/country:us/state:ca/place:ojai",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    # When the list is asked for mayors, then for candidates
    mayors = fedcity(tmp_path, "-c", cfg, "official", "list", "--role", "mayor")
    candidates = fedcity(tmp_path, "-c", cfg, "official", "list", "--role", "candidate")
    # Then the candidacy is only a candidacy
    assert mayors.stdout == ""
    assert (
        "\tcandidate\tcandidate:mayor\tCandidate for Mayor of Ojai (election 2099-11-03)"
        in (candidates.stdout)
    )


def test_revoke_prints_what_it_revoked_and_the_list_forgets_it(tmp_path, cfg):
    made = fedcity(
        tmp_path, "-c", cfg, "official", "verify", "mayor", "--role", "mayor",
        "--jurisdiction", "Ojai, CA",
    )  # fmt: skip
    revoked = fedcity(
        tmp_path, "-c", cfg, "official", "revoke", "mayor", "--role", "mayor"
    )
    assert revoked.returncode == 0, revoked.stderr
    assert revoked.stdout == made.stdout
    assert fedcity(tmp_path, "-c", cfg, "official", "list").stdout == ""


def test_list_remote_is_empty_until_peers_attest(tmp_path, cfg):
    result = fedcity(tmp_path, "-c", cfg, "official", "list", "--remote")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--role", "king", "--jurisdiction", "Ojai, CA"), "Unknown office role king"),
        (("--role", "mayor", "--jurisdiction", "Ojai"), '"Name, ST"'),
        (("--role", "candidate", "--jurisdiction", "Ojai, CA"), "election date"),
    ],
)
def test_a_bad_claim_is_one_clear_line(tmp_path, cfg, args, fragment):
    result = fedcity(tmp_path, "-c", cfg, "official", "verify", "mayor", *args)
    assert_one_error_line(result, fragment)


def test_an_unknown_account_is_one_clear_line(tmp_path, cfg):
    result = fedcity(
        tmp_path, "-c", cfg, "official", "verify", "nobody@elsewhere.example",
        "--role", "mayor", "--jurisdiction", "Ojai, CA",
    )  # fmt: skip
    assert_one_error_line(result, "nobody@elsewhere.example")


def test_account_capacity_sets_it_and_campaign_accounts_are_not_officials(
    tmp_path, cfg
):
    # Given a verified mayor
    fedcity(
        tmp_path, "-c", cfg, "official", "verify", "mayor", "--role", "mayor",
        "--jurisdiction", "Ojai, CA",
    )  # fmt: skip
    # When the account is set to speak for a campaign
    result = fedcity(tmp_path, "-c", cfg, "account", "capacity", "mayor", "campaign")
    assert result.returncode == 0, result.stderr
    # Then the list shows its office as unverified, and why
    listed = fedcity(tmp_path, "-c", cfg, "official", "list")
    assert "\tunverified (campaign_account)\t" in listed.stdout


def test_audit_prints_an_officials_moderation_newest_first(tmp_path, cfg):
    # Given the mayor speaks as an official, and blocked then muted a resident
    fedcity(tmp_path, "-c", cfg, "account", "capacity", "mayor", "official")
    fedcity(
        tmp_path, "-c", cfg, "account", "create", "resident",
        "--password", "correct horse battery",
    )  # fmt: skip
    asyncio.run(_block_and_mute(cfg, "mayor", "resident"))
    # When the operator reads the mayor's audit log
    result = fedcity(tmp_path, "-c", cfg, "official", "audit", "mayor")
    # Then one tab-separated line per action: when, action, target, URL, reason
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [fields[1:3] for fields in lines] == [
        ["mute", "resident"],
        ["block", "resident"],
    ]
    assert lines[0][3].endswith("/@resident")
    assert lines[0][0].endswith("Z")


def test_audit_of_an_unknown_account_is_one_clear_line(tmp_path, cfg):
    result = fedcity(tmp_path, "-c", cfg, "official", "audit", "nobody")
    assert_one_error_line(result, "nobody")


async def _block_and_mute(cfg: str, name: str, target_name: str) -> None:
    """What the client API's block and mute do, on the CLI's database."""
    settings = load_settings(Path(cfg))
    db = open_database(settings.database)
    try:
        async with db.session() as session:
            official = await offices.find_account(session, name, "")
            target = await offices.find_account(session, target_name, "")
            urls = Urls(settings.instance.base_url)
            await interactions.block(session, urls, official, target)
            await mutes.mute(session, official, target)
    finally:
        await db.dispose()
