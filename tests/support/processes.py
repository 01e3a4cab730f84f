"""fedcity instances started from the command line, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tests.support.instances import free_port

T = TypeVar("T")
PASSWORD = "correct horse battery"


class CliInstance:
    """One instance: its config file, its database, and a `fedcity serve` process."""

    def __init__(
        self, root: Path, name: str, db_url: str, extra_config: str = ""
    ) -> None:
        """`extra_config` is TOML appended to the file (`[trust]` sections)."""
        self.root = root / name
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.domain = f"127.0.0.1:{self.port}"
        self.base_url = f"http://{self.domain}"
        self.config = self.root / "fedcity.toml"
        self.config.write_text(
            f"""
[instance]
domain = "{self.domain}"
scheme = "http"
name = "{name}"
kind = "city"

[server]
host = "127.0.0.1"
port = {self.port}

[database]
url = "{db_url}"

[federation]
allow_private_addresses = true
retry_backoff_scale = 0.02

[worker]
poll_interval_seconds = 0.1
"""
            + extra_config
        )
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.root / "serve.log"

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "fedcity", "-c", str(self.config), *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=60,
            cwd=self.root,
            env={**os.environ, "FEDCITY_LOG_LEVEL": "WARNING"},
        )

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "fedcity", "-c", str(self.config), "serve"],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.root,
            )
        wait_for(
            lambda: _answers(f"{self.base_url}/api/v1/instance"),
            timeout=20,
            what=f"{self.base_url} to start (log: {self.log})",
        )

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def create_account(self, name: str, password: str = PASSWORD) -> None:
        """Create an account that signs in with `password` (as on the consent page)."""
        self.cli("account", "create", name, "--password", password)

    def account(self, name: str, password: str = PASSWORD) -> str:
        """Create an account and return a bearer token for it."""
        self.create_account(name, password)
        return self.cli("token", "create", name).stdout.strip()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_for(
    check: Callable[[], T], timeout: float = 15.0, what: str = "condition"
) -> T:
    """Poll `check` until it returns something truthy (federation is asynchronous)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} (last value: {last!r})")
