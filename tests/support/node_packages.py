"""The Node.js packages of the tests (`tests/js/package.json`: masto.js for the
client check, axe-core for the browser tests), installed from the lock file with
`npm ci` into `tests/js/node_modules` the first time a test needs them.

A test that needs a tool the machine lacks is skipped with the reason, except
where it must run in CI (`CI=true`): there it fails, so that a CI machine missing
the tool cannot pass by skipping (the browser tests; `.ci/run` installs them).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NoReturn

import pytest

JS_DIR = Path(__file__).resolve().parents[1] / "js"
MIN_NODE = 20


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def unavailable(reason: str, required_in_ci: bool = False) -> NoReturn:
    """Skip the test for `reason`; fail instead in CI if it is `required_in_ci`."""
    if required_in_ci and in_ci():
        pytest.fail(f"{reason} (CI=true: this test must run in CI; see .ci/run)")
    pytest.skip(reason)


def node_executable(needed_by: str, required_in_ci: bool = False) -> str:
    """`node` (20 or later), with `npm` beside it, or skip/fail saying why."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        unavailable(
            f"{needed_by} needs Node.js and npm on PATH (not found)", required_in_ci
        )
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    major = re.match(r"v(\d+)", version)
    if major is None or int(major.group(1)) < MIN_NODE:
        unavailable(
            f"{needed_by} needs Node.js {MIN_NODE} or later, found {version}",
            required_in_ci,
        )
    return node


def installed(package: str) -> Path:
    """`tests/js/node_modules/<package>`, running `npm ci` first if it is missing
    (check first that npm is there: `node_executable`)."""
    folder = JS_DIR / "node_modules" / package
    # xdist workers may ask at once: one installs, the others wait for it.
    with open(Path(tempfile.gettempdir()) / "fedcity-tests-npm.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "package.json").is_file():
            _npm_ci(package, folder)
    return folder


def _npm_ci(package: str, folder: Path) -> None:
    npm = shutil.which("npm")
    assert npm is not None, "npm vanished from PATH"
    run = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, (
        f"npm ci failed in {JS_DIR}:\n{run.stdout}\n{run.stderr}"
    )
    assert (folder / "package.json").is_file(), (
        f"npm ci did not install {package}: is it in {JS_DIR / 'package.json'}?"
    )
