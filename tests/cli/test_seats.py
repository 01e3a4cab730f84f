"""`fedcity official holder|holders|handover|export` (issue 11), run as an
operator runs them: what a script wants on stdout, one error line on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fedcity.services.offices import seats
from fedcity.services.statuses.posts import NewPost, create_local_post
from fedcity.storage.db import Database
from fedcity.urls import Urls
from tests.cli.test_cli import assert_one_error_line, write_config
from tests.support.cli_runner import fedcity


@pytest.fixture
def cfg(tmp_path: Path) -> str:
    path = write_config(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'fedcity.db'}")
    for args in (
        ("migrate",),
        ("account", "create", "mayor", "--password", "correct horse battery"),
        ("account", "capacity", "mayor", "official"),
        (
            "official",
            "verify",
            "mayor",
            "--role",
            "mayor",
            "--jurisdiction",
            "Ojai, CA",
        ),
    ):
        result = fedcity(tmp_path, "-c", str(path), *args)
        assert result.returncode == 0, result.stderr
    return str(path)


async def write_as_seat(tmp_path: Path, text: str) -> int:
    """A post by @mayor, written as the server writes one."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'fedcity.db'}")
    try:
        async with db.session() as session:
            mayor = await seats.find_seat(session, "mayor")
            post = await create_local_post(
                session, Urls("http://city.example"), mayor, NewPost(text)
            )
            return post.id
    finally:
        await db.dispose()


async def test_holder_handover_holders_and_export(tmp_path, cfg):
    # Given Ana Ruiz named as the mayor's holder, and her post
    named = fedcity(tmp_path, "-c", cfg, "official", "holder", "mayor", "Ana Ruiz")
    assert named.returncode == 0, named.stderr
    ana_id = named.stdout.strip()
    post_id = await write_as_seat(tmp_path, "Budget hearing tonight")
    # When the seat is handed over to Ben Ortiz with Ana's archive
    done = fedcity(
        tmp_path, "-c", cfg, "official", "handover", "mayor",
        "--successor", "Ben Ortiz", "--archive-as", "ana_ruiz",
    )  # fmt: skip
    # Then stdout is the one-time link alone, and stderr says what was done
    assert done.returncode == 0, done.stderr
    [link] = done.stdout.splitlines()
    assert link.startswith("http://city.example/auth/handover/")
    assert "closed Ana Ruiz's period at @mayor" in done.stderr
    assert "http://city.example/archives/ana_ruiz" in done.stderr
    # And the holders are listed in order, Ana's period closed with its archive
    listed = fedcity(tmp_path, "-c", cfg, "official", "holders", "mayor")
    ana, ben = (line.split("\t") for line in listed.stdout.splitlines())
    assert ana[0] == ana_id
    assert ana[1:3] == ["Ana Ruiz", "Mayor of Ojai"]
    assert ana[4] != ""
    assert ana[5] == "http://city.example/archives/ana_ruiz"
    assert (ben[1], ben[4]) == ("Ben Ortiz", "")
    # And Ana's period exports her post as JSON and as HTML
    exported = fedcity(
        tmp_path, "-c", cfg, "official", "export", "mayor", "--holder", ana_id
    )
    document = json.loads(exported.stdout)
    assert document["holder"]["name"] == "Ana Ruiz"
    assert [p["id"] for p in document["posts"]] == [str(post_id)]
    html = fedcity(
        tmp_path, "-c", cfg, "official", "export", "mayor",
        "--holder", ana_id, "--format", "html",
    )  # fmt: skip
    assert html.stdout.startswith("<!doctype html>")
    assert "Budget hearing tonight" in html.stdout
    # And Ben's period (the latest, by default) has no post yet
    latest = fedcity(tmp_path, "-c", cfg, "official", "export", "mayor")
    assert json.loads(latest.stdout)["posts"] == []


def test_a_personal_account_cannot_be_handed_over(tmp_path, cfg):
    fedcity(tmp_path, "-c", cfg, "account", "create", "clerk", "--password", "x" * 12)
    refused = fedcity(tmp_path, "-c", cfg, "official", "handover", "clerk")
    assert_one_error_line(refused, "clerk is not a seat account")


def test_a_second_holder_needs_a_handover(tmp_path, cfg):
    fedcity(tmp_path, "-c", cfg, "official", "holder", "mayor", "Ana Ruiz")
    refused = fedcity(tmp_path, "-c", cfg, "official", "holder", "mayor", "Ben Ortiz")
    assert_one_error_line(refused, "held by Ana Ruiz", "official handover")
