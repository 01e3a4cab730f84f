"""The `toot` command-line client against a `fedcity serve` process: `toot login`
(toot's browser flow: an out-of-band authorization code pasted at its prompt), then
`toot post`, `toot timeline`, `toot follow`, `toot notifications` (and `--clear`)
and `toot whoami`,
each a subprocess whose human-readable output is checked (that output goes through
toot's entity classes, so a field toot needs and fedcity lacks fails here).

toot takes `http://127.0.0.1:PORT` as the instance: its validator keeps a URL that
already has a scheme, and it names the instance by the `uri` of /api/v1/instance.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import client
from tests.support.processes import PASSWORD, CliInstance, wait_for
from tests.support.streams import close_stream, open_user_stream
from tests.support.toot import Toot

# One server per module and backend: its tests stay on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("toot")]


def logged_in_toot(instance: CliInstance, tmp_path: Path, username: str) -> Toot:
    instance.create_account(username)
    toot = Toot(tmp_path / "toot-home")
    toot.login(instance.base_url, username, PASSWORD)
    return toot


def test_toot_logs_in_through_the_browser_flow(cli_instance, tmp_path):
    # Given an official with an account, and toot with an empty config folder
    cli_instance.create_account("toot_mayor")
    toot = Toot(tmp_path / "toot-home")
    # When `toot login` prints its URL and gets the code from the consent page
    output = toot.login(cli_instance.base_url, "toot_mayor", PASSWORD)
    # Then toot says so, keeps the token in its own config folder, and knows who
    assert "Successfully logged in" in output
    user = f"toot_mayor@{cli_instance.domain}"
    assert toot.config()["active_user"] == user
    assert toot.config()["apps"][cli_instance.domain]["base_url"] == (
        cli_instance.base_url
    )
    assert re.search(rf"\* {re.escape(user)}\s+ACTIVE", toot("auth"))
    assert toot("whoami").startswith("@toot_mayor ")


def test_toot_posts_and_reads_home_and_public_timelines(cli_instance, tmp_path):
    # Given toot logged in as a planner
    toot = logged_in_toot(cli_instance, tmp_path, "toot_planner")
    # When the planner posts
    posted = toot("post", "Street fair permits open on Monday #streetfair")
    # Then toot shows the status URL, and the status on home, public and tag lines
    url = re.search(r"Toot posted: (\S+)", posted)
    assert url, posted
    assert url.group(1).startswith(f"{cli_instance.base_url}/@toot_planner/")
    assert "Street fair permits" in toot("timeline", "--once")
    public = toot("timelines", "public", "--local", "--no-pager", "--no-clear")
    assert "Street fair permits" in public
    assert "Street fair permits" in toot(
        "timelines", "tag", "streetfair", "--no-pager", "--no-clear"
    )


def test_toot_follows_an_account_and_sees_its_posts(cli_instance, tmp_path):
    # Given toot logged in as a resident, and a clerk on the same instance
    toot = logged_in_toot(cli_instance, tmp_path, "toot_resident")
    clerk = client(cli_instance, cli_instance.account("toot_clerk"))
    # When the resident follows the clerk with toot
    followed = toot("follow", "toot_clerk")
    # Then toot confirms it and lists the clerk among the accounts followed
    assert "You are now following toot_clerk" in followed
    assert "@toot_clerk" in toot("following")
    # And the clerk's next post is on the resident's home timeline
    clerk.status_post("Council minutes are published")
    wait_for(
        lambda: "Council minutes are published" in toot("timeline", "--once"),
        what="the clerk's post in `toot timeline`",
    )


def test_toot_shows_notifications(cli_instance, tmp_path):
    # Given toot logged in as an engineer
    toot = logged_in_toot(cli_instance, tmp_path, "toot_engineer")
    # When a council member follows the engineer and mentions them
    council = client(cli_instance, cli_instance.account("toot_council"))
    council.account_follow(council.account_lookup("toot_engineer")["id"])
    council.status_post("@toot_engineer the pothole map is great")
    # Then `toot notifications` lists both
    wait_for(
        lambda: "mentioned you" in toot("notifications"),
        what="the mention in `toot notifications`",
    )
    shown = toot("notifications")
    assert "@toot_council now follows you" in shown
    assert "the pothole map is great" in shown
    # When the engineer clears them
    toot("notifications", "--clear")
    # Then none are left
    assert json.loads(toot("notifications", "--json")) == []


def test_events_for_toots_token_stream(cli_instance, tmp_path):
    """toot has no streaming command (its TUI polls the REST API), so Mastodon.py
    streams the user stream with the token that `toot login` saved."""
    # Given toot logged in as a treasurer, and a stream opened with toot's token
    toot = logged_in_toot(cli_instance, tmp_path, "toot_treasurer")
    api = client(cli_instance, toot.access_token())
    handle, listener = open_user_stream(api)
    try:
        # When the treasurer posts with toot
        toot("post", "Budget draft is ready for review")
        # Then the status arrives on the stream
        wait_for(lambda: listener.updates, what="the update event")
    finally:
        close_stream(handle)
    assert "Budget draft is ready" in listener.updates[0]["content"]
    assert listener.updates[0]["account"]["acct"] == "toot_treasurer"
