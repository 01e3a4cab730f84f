"""masto.js (npm `masto` 7.x, the library behind Elk and Phanpy) on Node.js against a
`fedcity serve` process: `tests/js/masto_client.mjs` logs in with a token, checks
the account, posts, finds the post on the home timeline, and receives the `update`
event of a later post over the WebSocket streaming API.

Needs `node` (20 or later) and `npm` on PATH, else it is skipped. The packages are
installed from `tests/js/package-lock.json` (`npm ci`) into `tests/js/node_modules`
once, when that folder lacks them.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.support.node_packages import JS_DIR, installed, node_executable

# One server per module and backend: its tests stay on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("masto_js")]

SCRIPT = JS_DIR / "masto_client.mjs"


@pytest.fixture(scope="session")
def node() -> str:
    """The `node` executable, with masto.js installed beside the script."""
    executable = node_executable("the masto.js test")
    installed("masto")
    return executable


def test_masto_js_logs_in_by_token_posts_reads_home_and_streams(cli_instance, node):
    # Given an official's access token on a running fedcity
    token = cli_instance.account("js_mayor")
    # When the masto.js script runs against it
    run = subprocess.run(
        [node, str(SCRIPT), cli_instance.base_url],
        cwd=JS_DIR,
        env={**os.environ, "FEDCITY_TOKEN": token, "FEDCITY_TIMEOUT_MS": "45000"},
        capture_output=True,
        text=True,
        timeout=90,
    )
    # Then it succeeds as the official
    assert run.returncode == 0, f"stdout: {run.stdout}\nstderr: {run.stderr}"
    result = json.loads(run.stdout)
    assert result["ok"] is True
    assert result["account"]["username"] == "js_mayor"
    assert result["account"]["acct"] == "js_mayor"
    # And its post was on the home timeline it read back
    assert "Posted from masto.js" in result["posted"]["content"]
    assert result["posted"]["id"] in result["homeIds"]
    # And the WebSocket at the advertised streaming URL delivered the later post
    streamed = result["streamed"]
    assert streamed["streamingApiUrl"] == f"ws://{cli_instance.domain}"
    assert streamed["stream"] == ["user"]
    assert streamed["event"] == "update"
    assert streamed["id"] != result["posted"]["id"]
    assert "Streamed to masto.js" in streamed["content"]
