"""`fedcity instance follow|unfollow|list` (issue 14), run as an operator runs
them; following across real instances is tests/federation/test_library_federation.py."""

from __future__ import annotations

from tests.cli.test_cli import assert_one_error_line, write_config
from tests.support.cli_runner import fedcity


def test_list_is_empty_and_unfollowing_an_unknown_instance_is_one_clear_line(
    tmp_path,
):
    config = write_config(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'fedcity.db'}")
    # Given a migrated instance that follows no other
    assert fedcity(tmp_path, "-c", str(config), "migrate").returncode == 0
    # When the operator lists the instances followed
    listed = fedcity(tmp_path, "-c", str(config), "instance", "list")
    # Then nothing is printed, and it succeeds
    assert (listed.returncode, listed.stdout) == (0, ""), listed.stderr
    # When the operator unfollows an instance never followed
    left = fedcity(tmp_path, "-c", str(config), "instance", "unfollow", "ojai.example")
    # Then one line says so
    assert_one_error_line(left, "does not follow ojai.example")
