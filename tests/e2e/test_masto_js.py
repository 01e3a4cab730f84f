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
import re
import shutil
import subprocess
from pathlib import Path

import pytest

# One server per module and backend: its tests stay on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("masto_js")]

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "masto_client.mjs"
MIN_NODE = 20


@pytest.fixture(scope="session")
def node() -> str:
    """The `node` executable, with masto.js installed beside the script."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("the masto.js test needs Node.js and npm on PATH (not found)")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    major = re.match(r"v(\d+)", version)
    if major is None or int(major.group(1)) < MIN_NODE:
        pytest.skip(f"masto.js 7 needs Node.js {MIN_NODE} or later, found {version}")
    if not (JS_DIR / "node_modules" / "masto" / "package.json").is_file():
        installed = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=JS_DIR,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert installed.returncode == 0, (
            f"npm ci failed in {JS_DIR}:\n{installed.stdout}\n{installed.stderr}"
        )
    return node


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
