"""`fedcity group create|list|moderator add|remove|delete`, run as an operator runs
them (issue 13)."""

from __future__ import annotations

from tests.cli.test_cli import assert_one_error_line
from tests.cli.test_offices import cfg  # noqa: F401 (the fixture)
from tests.support.cli_runner import fedcity


def test_a_group_is_created_listed_moderated_and_deleted(tmp_path, cfg):  # noqa: F811
    # Given a members-only group made with the mayor as its moderator
    made = fedcity(
        tmp_path, "-c", cfg, "group", "create", "housing",
        "--display-name", "Affordable Housing", "--description", "Working group",
        "--visibility", "members", "--policy", "officials", "--moderator", "mayor",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    # Then it says what it made, with the members group's default guard (warn)
    assert made.stderr.strip() == (
        "fedcity: created group @housing@city.example "
        "(members, officials, quorum guard warn)"
    )
    # And a public one made beside it defaults to no guard
    public = fedcity(tmp_path, "-c", cfg, "group", "create", "wildfire")
    assert public.returncode == 0, public.stderr
    assert "(public, open, quorum guard off)" in public.stderr
    # When the operator lists the groups
    listed = fedcity(tmp_path, "-c", cfg, "group", "list")
    # Then each is one tab-separated line, by name
    assert listed.returncode == 0, listed.stderr
    assert [line.split("\t") for line in listed.stdout.splitlines()] == [
        ["housing", "members", "officials", "warn", "0", "mayor", "Affordable Housing"],
        ["wildfire", "public", "open", "off", "0", "-", "wildfire"],
    ]
    # When the mayor is removed as moderator of one and added to the other
    removed = fedcity(
        tmp_path, "-c", cfg, "group", "moderator", "remove", "housing", "mayor"
    )
    added = fedcity(
        tmp_path, "-c", cfg, "group", "moderator", "add", "wildfire", "mayor"
    )
    assert removed.returncode == 0, removed.stderr
    assert added.returncode == 0, added.stderr
    assert added.stderr.strip() == "fedcity: @mayor is a moderator of wildfire"
    # And the first group is deleted
    deleted = fedcity(tmp_path, "-c", cfg, "group", "delete", "housing")
    assert deleted.returncode == 0, deleted.stderr
    # Then the list shows the other alone, moderated by the mayor
    listed = fedcity(tmp_path, "-c", cfg, "group", "list")
    assert [line.split("\t")[:6] for line in listed.stdout.splitlines()] == [
        ["wildfire", "public", "open", "off", "0", "mayor"]
    ]
    # And a deleted group's name stays taken
    again = fedcity(tmp_path, "-c", cfg, "group", "create", "housing")
    assert_one_error_line(again, "Username housing is taken")


def test_mistakes_are_one_clear_line(tmp_path, cfg):  # noqa: F811
    # When a group takes an account's name, or an unknown moderator
    taken = fedcity(tmp_path, "-c", cfg, "group", "create", "mayor")
    unknown = fedcity(
        tmp_path, "-c", cfg, "group", "create", "parks", "--moderator", "nobody"
    )
    missing = fedcity(tmp_path, "-c", cfg, "group", "delete", "parks")
    # Then each is refused in one line, and nothing was made
    assert_one_error_line(taken, "Username mayor is taken")
    assert_one_error_line(unknown, "No account nobody is known here")
    assert_one_error_line(missing, "No group parks is known here")
