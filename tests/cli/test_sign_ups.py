"""`fedcity invite create|list|revoke`, `fedcity mail test` and `fedcity account
approve|reject`, run as an operator runs them (issue 12)."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from fedcity.config import load_settings
from fedcity.services.sign_ups import registrations
from fedcity.services.sign_ups.registrations import Policy, SignUp
from fedcity.storage.db import open_database
from fedcity.urls import Urls
from tests.cli.test_cli import assert_one_error_line, write_config
from tests.support.cli_runner import fedcity
from tests.support.keys import premade_keypair
from tests.support.mail import MailBox


@pytest.fixture
def cfg(tmp_path: Path, mailbox: MailBox) -> str:
    path = write_config(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'fedcity.db'}")
    mail = mailbox.settings
    path.write_text(
        path.read_text()
        + '\n[registration]\nmode = "approval"\n'
        + f'\n[mail]\nhost = "{mail.host}"\nport = {mail.port}\nsecurity = "none"\n'
        + 'from = "City of Ojai <noreply@city.example>"\n'
    )
    migrated = fedcity(tmp_path, "-c", str(path), "migrate")
    assert migrated.returncode == 0, migrated.stderr
    return str(path)


def test_an_invite_is_a_url_ending_in_its_code_listed_until_revoked(tmp_path, cfg):
    # When the operator makes an invite for the mayor of Ojai
    made = fedcity(
        tmp_path, "-c", cfg, "invite", "create", "--uses", "3", "--expires", "7d",
        "--office-role", "mayor", "--jurisdiction", "Ojai, CA",
    )  # fmt: skip
    # Then stdout is its URL alone, and the last segment is the code
    assert made.returncode == 0, made.stderr
    url = made.stdout.strip()
    assert url.startswith("http://city.example/invite/")
    code = url.rsplit("/", 1)[1]
    assert len(code) >= 12
    # And the list shows it: uses, expiry, office
    listed = fedcity(tmp_path, "-c", cfg, "invite", "list").stdout.split("\t")
    assert listed[:2] == [url, "0/3"]
    assert listed[2].endswith("Z")
    assert listed[3] == "mayor:Ojai, CA"
    # When it is revoked
    revoked = fedcity(tmp_path, "-c", cfg, "invite", "revoke", code)
    assert revoked.returncode == 0, revoked.stderr
    # Then only --all lists it, as revoked
    assert fedcity(tmp_path, "-c", cfg, "invite", "list").stdout == ""
    everything = fedcity(tmp_path, "-c", cfg, "invite", "list", "--all").stdout
    assert everything.strip().endswith("\trevoked")
    # And both are in the admin action log, as done from the command line
    assert _logged(tmp_path, cfg) == [
        ("cli", "create", f"{code} (mayor, Ojai, CA)"),
        ("cli", "revoke", f"{code} (mayor, Ojai, CA)"),
    ]


def test_invite_mistakes_are_one_clear_line(tmp_path, cfg):
    bad_expiry = fedcity(tmp_path, "-c", cfg, "invite", "create", "--expires", "soon")
    assert_one_error_line(bad_expiry, "30m, 12h, 7d or 2w")
    half_office = fedcity(
        tmp_path, "-c", cfg, "invite", "create", "--office-role", "mayor"
    )
    assert_one_error_line(half_office, "office role and a jurisdiction")
    unknown = fedcity(tmp_path, "-c", cfg, "invite", "revoke", "nosuchcode")
    assert_one_error_line(unknown, "No invite nosuchcode")


def test_mail_test_sends_through_the_configured_server(tmp_path, cfg, mailbox):
    # When the operator sends a test message
    result = fedcity(tmp_path, "-c", cfg, "mail", "test", "clerk@ojai.example")
    # Then the loopback SMTP server received it, from the configured sender
    assert result.returncode == 0, result.stderr
    message = mailbox.wait_for("clerk@ojai.example")
    assert message["From"] == "City of Ojai <noreply@city.example>"
    assert "test message" in message["Subject"]


def test_mail_test_says_why_when_the_server_is_unreachable(tmp_path):
    # Given settings naming a loopback port nothing listens on
    path = write_config(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    path.write_text(
        path.read_text() + '\n[mail]\nhost = "127.0.0.1"\nport = 1\nsecurity = "none"\n'
    )
    # When the operator sends a test message
    result = fedcity(tmp_path, "-c", str(path), "mail", "test", "x@ojai.example")
    # Then the failure is one line
    assert_one_error_line(result)


def test_approve_and_reject_decide_pending_sign_ups_and_mail_them(
    tmp_path, cfg, mailbox
):
    # Given two applicants waiting for approval
    asyncio.run(_apply(cfg, "planner", "planner@ojai.example"))
    asyncio.run(_apply(cfg, "spammer", "spam@ojai.example"))
    # When the operator approves one and rejects the other
    ok = fedcity(tmp_path, "-c", cfg, "account", "approve", "planner")
    no = fedcity(tmp_path, "-c", cfg, "account", "reject", "@spammer")
    assert ok.returncode == 0, ok.stderr + no.stderr
    assert no.returncode == 0, ok.stderr + no.stderr
    assert "approved" in ok.stderr
    assert "rejected" in no.stderr
    # Then the decisions wait in the job queue for the worker, and the rejected
    # account is gone
    assert asyncio.run(_queued_subjects(cfg)) == [
        "Your account on fedcity is approved",
        "Your sign-up on fedcity was not approved",
    ]
    again = fedcity(tmp_path, "-c", cfg, "account", "approve", "planner")
    assert_one_error_line(again, "not waiting for approval")
    gone = fedcity(tmp_path, "-c", cfg, "account", "reject", "spammer")
    assert_one_error_line(gone, "No local account named spammer")
    assert _logged(tmp_path, cfg) == [
        ("cli", "approve", "planner"),
        ("cli", "reject", "spammer"),
    ]


def _logged(tmp_path: Path, cfg: str) -> list[tuple[str, str, str]]:
    """(who, action, target) of `fedcity admin log`, oldest first."""
    exported = fedcity(tmp_path, "-c", cfg, "admin", "log")
    assert exported.returncode == 0, exported.stderr
    rows = csv.DictReader(io.StringIO(exported.stdout))
    return [(r["account"], r["action"], r["target"]) for r in rows]


async def _apply(cfg: str, name: str, email: str) -> None:
    settings = load_settings(Path(cfg))
    db = open_database(settings.database)
    try:
        async with db.session() as session:
            await registrations.sign_up(
                session,
                Urls(settings.instance.base_url),
                Policy.of(settings),
                SignUp(name, email, "a long unusual passphrase", agreement=True),
                premade_keypair,
            )
    finally:
        await db.dispose()


async def _queued_subjects(cfg: str) -> list[str]:
    from sqlalchemy import select

    from fedcity.storage.models import Job

    settings = load_settings(Path(cfg))
    db = open_database(settings.database)
    try:
        async with db.session() as session:
            jobs = (
                await session.scalars(
                    select(Job).where(Job.kind == "send_mail").order_by(Job.id)
                )
            ).all()
            return [
                j.payload["subject"]
                for j in jobs
                if "Confirm" not in j.payload["subject"]
            ]
    finally:
        await db.dispose()
