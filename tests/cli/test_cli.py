"""`python -m fedcity` as an operator runs it: stdout carries only what a script
would capture (a token), and every mistake is one line on stderr, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import postgres_skip_reason

ERROR_PREFIX = "fedcity: error: "


def fedcity(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a clean environment (no FEDCITY_* leaking in from the shell),
    at the default log level, so that any stray log line would show up."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("FEDCITY_")}
    return subprocess.run(
        [sys.executable, "-m", "fedcity", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**base, **(env or {})},
        check=False,
    )


def assert_one_error_line(
    result: subprocess.CompletedProcess[str], *fragments: str
) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(ERROR_PREFIX)
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def write_config(root: Path, db_url: str, name: str = "fedcity.toml") -> Path:
    path = root / name
    path.write_text(
        f'[instance]\ndomain = "city.example"\n\n[database]\nurl = "{db_url}"\n'
    )
    return path


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'fedcity.db'}")


@pytest.fixture
def migrated(tmp_path: Path, config: Path) -> Path:
    result = fedcity(tmp_path, "-c", str(config), "migrate")
    assert result.returncode == 0, result.stderr
    return config


def pg_config(root: Path, url: str) -> Path:
    if reason := postgres_skip_reason():
        pytest.skip(reason)
    return write_config(root, url, "pg.toml")


# --- migrate ----------------------------------------------------------------------


def test_migrate_creates_the_schema_and_says_so_on_stderr(tmp_path, config):
    # Given a configuration pointing at a database that does not exist yet
    # When `fedcity migrate` runs
    result = fedcity(tmp_path, "-c", str(config), "migrate")
    # Then it succeeds, reports on stderr and leaves stdout empty
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "up to date" in result.stderr
    assert (tmp_path / "fedcity.db").exists()


def test_migrate_twice_is_harmless(tmp_path, migrated):
    # Given a database that is already migrated
    # When `fedcity migrate` runs again
    result = fedcity(tmp_path, "-c", str(migrated), "migrate")
    # Then it succeeds without error
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower()


# --- accounts and tokens ----------------------------------------------------------


def test_account_then_token_prints_the_token_alone(tmp_path, migrated):
    # Given a migrated database and a new account
    created = fedcity(
        tmp_path, "-c", str(migrated), "account", "create", "mayor",
        "--password", "correct horse battery", "--role", "admin",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert created.stdout == ""
    assert "@mayor@city.example" in created.stderr
    # When a token is created for it
    result = fedcity(tmp_path, "-c", str(migrated), "token", "create", "mayor")
    # Then stdout is exactly one line holding the token, so `$(fedcity token …)` works
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert result.stdout == lines[0] + "\n"
    assert len(lines[0]) >= 32
    assert " " not in lines[0]


# --- custom emoji -----------------------------------------------------------------


def test_emoji_add_list_and_remove(tmp_path, migrated):
    # Given a migrated instance and a small PNG
    from PIL import Image

    Image.new("RGBA", (48, 48), (0, 90, 200, 255)).save(tmp_path / "flag.png")
    config = str(migrated)
    # When an admin adds it as :city_flag:
    added = fedcity(
        tmp_path, "-c", config, "emoji", "add", ":city_flag:", "flag.png",
        "--category", "City",
    )  # fmt: skip
    # Then one line says where it is served, and its files are stored
    assert added.returncode == 0, added.stderr
    shortcode, url = added.stdout.rstrip("\n").split("\t")
    assert shortcode == ":city_flag:"
    assert url.startswith("http://city.example/system/media/")
    stored = sorted(p.name for p in (tmp_path / "data" / "media").rglob("*.png"))
    assert len(stored) == 2  # the emoji and its still copy
    # And it is listed with its category
    listed = fedcity(tmp_path, "-c", config, "emoji", "list")
    assert listed.stdout == f":city_flag:\tCity\tshown\t{url}\n"
    # And adding the shortcode again is one clear line
    again = fedcity(tmp_path, "-c", config, "emoji", "add", "city_flag", "flag.png")
    assert_one_error_line(again, "Shortcode has already been taken")
    # When it is removed
    removed = fedcity(tmp_path, "-c", config, "emoji", "remove", "city_flag")
    # Then the list is empty, and the files stay for the posts that used it
    assert removed.returncode == 0, removed.stderr
    assert fedcity(tmp_path, "-c", config, "emoji", "list").stdout == ""
    assert len(list((tmp_path / "data" / "media").rglob("*.png"))) == 2
    missing = fedcity(tmp_path, "-c", config, "emoji", "remove", "city_flag")
    assert_one_error_line(missing, "No custom emoji :city_flag:")


def test_emoji_add_refuses_what_is_not_an_image(tmp_path, migrated):
    (tmp_path / "notes.txt").write_text("not an image")
    result = fedcity(
        tmp_path, "-c", str(migrated), "emoji", "add", "notes", "notes.txt"
    )
    assert_one_error_line(result, "content type is invalid")


def test_fedcity_config_variable_stands_for_dash_c(tmp_path, migrated):
    # Given FEDCITY_CONFIG naming the file, and no -c
    env = {"FEDCITY_CONFIG": str(migrated)}
    # When an account is created
    result = fedcity(
        tmp_path, "account", "create", "clerk", "--password", "long enough", env=env
    )
    # Then the configured database and domain were used
    assert result.returncode == 0, result.stderr
    assert "@clerk@city.example" in result.stderr
    token = fedcity(tmp_path, "token", "create", "clerk", env=env)
    assert token.returncode == 0, token.stderr


def test_duplicate_username_is_one_clear_line(tmp_path, migrated):
    # Given an existing account
    args = ("-c", str(migrated), "account", "create", "mayor", "--password", "x" * 12)
    assert fedcity(tmp_path, *args).returncode == 0
    # When the same name is created again
    result = fedcity(tmp_path, *args)
    # Then one line says the name is taken
    assert_one_error_line(result, "mayor", "taken")


def test_bad_role_is_one_clear_line(tmp_path, migrated):
    # Given a migrated database
    # When an account is created with a role that does not exist
    result = fedcity(
        tmp_path, "-c", str(migrated), "account", "create", "mayor",
        "--password", "x" * 12, "--role", "king",
    )  # fmt: skip
    # Then one line lists the roles
    assert_one_error_line(result, "Role must be one of", "admin")


def test_token_for_an_unknown_account_is_one_clear_line(tmp_path, migrated):
    # Given no account named ghost
    # When a token is requested for it
    result = fedcity(tmp_path, "-c", str(migrated), "token", "create", "ghost")
    # Then one line says so, and stdout holds no token
    assert_one_error_line(result, "ghost")


def test_account_before_migrate_says_to_migrate(tmp_path, config):
    # Given a database that was never migrated
    # When an account is created
    result = fedcity(
        tmp_path,
        "-c",
        str(config),
        "account",
        "create",
        "mayor",
        "--password",
        "x" * 12,
    )
    # Then one line tells the operator what to run
    assert_one_error_line(result, "fedcity migrate")


# --- bad configuration ------------------------------------------------------------


def test_invalid_toml_is_one_clear_line(tmp_path):
    # Given a file that is not TOML
    bad = tmp_path / "bad.toml"
    bad.write_text("[database\nurl = \n")
    # When any command runs with it
    result = fedcity(tmp_path, "-c", str(bad), "migrate")
    # Then one line names the file and the problem
    assert_one_error_line(result, "bad.toml", "not valid TOML")


def test_unknown_key_is_one_clear_line(tmp_path):
    # Given a file with a misspelt key
    bad = tmp_path / "typo.toml"
    bad.write_text("[server]\nprot = 8080\n")
    # When a command runs with it
    result = fedcity(tmp_path, "-c", str(bad), "migrate")
    # Then one line names the key
    assert_one_error_line(result, "unknown key 'prot' in [server]")


def test_missing_config_file_is_one_clear_line(tmp_path):
    # Given a path where there is no file, through FEDCITY_CONFIG
    env = {"FEDCITY_CONFIG": str(tmp_path / "nowhere.toml")}
    # When a command runs
    result = fedcity(tmp_path, "migrate", env=env)
    # Then one line says the file was not found
    assert_one_error_line(result, "not found", "nowhere.toml")


def test_bad_environment_override_is_one_clear_line(tmp_path, config):
    # Given an override that is not a number
    env = {"FEDCITY_SERVER_PORT": "eighty"}
    # When a command runs
    result = fedcity(tmp_path, "-c", str(config), "migrate", env=env)
    # Then one line names the variable
    assert_one_error_line(result, "FEDCITY_SERVER_PORT must be an integer")


def test_unwritable_sqlite_location_is_one_clear_line(tmp_path):
    # Given a SQLite path whose folder cannot be created
    config = write_config(tmp_path, "sqlite+aiosqlite:////proc/fedcity-nope/db.sqlite")
    # When migrate runs
    result = fedcity(tmp_path, "-c", str(config), "migrate")
    # Then one line names the database file
    assert_one_error_line(result, "database", "/proc/fedcity-nope/db.sqlite")


# --- PostgreSQL mistakes ----------------------------------------------------------


@pytest.mark.postgres
def test_missing_postgres_database_is_one_clear_line(tmp_path):
    # Given a PostgreSQL server without the configured database
    config = pg_config(
        tmp_path, "postgresql+asyncpg://postgres@127.0.0.1:5432/fedcity_missing_xyz"
    )
    # When migrate runs
    result = fedcity(tmp_path, "-c", str(config), "migrate")
    # Then one line names the missing database
    assert_one_error_line(result, "database", "fedcity_missing_xyz", "does not exist")


@pytest.mark.postgres
def test_unknown_postgres_user_is_one_clear_line(tmp_path):
    # Given credentials for a role the server does not have
    config = pg_config(
        tmp_path,
        "postgresql+asyncpg://nobody_xyz:wrong-secret@127.0.0.1:5432/postgres",
    )
    # When an account command runs
    result = fedcity(
        tmp_path,
        "-c",
        str(config),
        "account",
        "create",
        "mayor",
        "--password",
        "x" * 12,
    )
    # Then one line names the role, and never the password
    line = assert_one_error_line(result, "nobody_xyz")
    assert "wrong-secret" not in line


@pytest.mark.postgres
def test_unreachable_postgres_is_one_clear_line(tmp_path):
    # Given a PostgreSQL URL on a port where nothing listens
    config = pg_config(tmp_path, "postgresql+asyncpg://postgres:s3cret@127.0.0.1:1/x")
    # When migrate runs
    result = fedcity(tmp_path, "-c", str(config), "migrate")
    # Then one line says it cannot connect, and where (without the password)
    line = assert_one_error_line(result, "cannot connect", "127.0.0.1:1")
    assert "s3cret" not in line
