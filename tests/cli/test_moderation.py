"""`fedcity account suspend|unsuspend|silence|unsilence NAME` and `fedcity admin
log [--format csv|json]`, run as an operator runs them (issue 12)."""

from __future__ import annotations

import csv
import io
import json

from tests.cli.test_cli import assert_one_error_line
from tests.cli.test_offices import cfg  # noqa: F401 (the fixture)
from tests.support.cli_runner import fedcity


def test_account_actions_are_applied_and_logged_as_the_command_line(tmp_path, cfg):  # noqa: F811
    # Given the mayor's account and an attested office (an admin action too)
    verified = fedcity(
        tmp_path, "-c", cfg, "official", "verify", "mayor", "--role", "mayor",
        "--jurisdiction", "Ojai, CA",
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    # When the operator suspends, unsuspends, silences and unsilences it
    for action in ("suspend", "unsuspend", "silence", "unsilence"):
        done = fedcity(
            tmp_path, "-c", cfg, "account", action, "mayor", "--reason", "test"
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr.strip() == f"fedcity: {action}: mayor"
    # Then the log, exported as CSV, holds every action, oldest first
    exported = fedcity(tmp_path, "-c", cfg, "admin", "log")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["account"], r["action"], r["target_type"]) for r in rows] == [
        ("cli", "verify", "Attestation"),
        ("cli", "suspend", "Account"),
        ("cli", "unsuspend", "Account"),
        ("cli", "silence", "Account"),
        ("cli", "unsilence", "Account"),
    ]
    assert rows[1]["target"] == "mayor"
    assert rows[1]["reason"] == "test"
    # And as JSON, the same entries
    as_json = fedcity(tmp_path, "-c", cfg, "admin", "log", "--format", "json")
    assert [e["action"] for e in json.loads(as_json.stdout)] == [
        r["action"] for r in rows
    ]


def test_an_unknown_account_is_one_clear_line(tmp_path, cfg):  # noqa: F811
    # When the operator suspends an account that does not exist
    result = fedcity(tmp_path, "-c", cfg, "account", "suspend", "nobody")
    # Then one line says so
    assert_one_error_line(result, "No account nobody is known here")
