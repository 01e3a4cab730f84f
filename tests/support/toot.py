"""The `toot` command-line client, run as a person runs it, with its own config.

Every run gets a temporary HOME and XDG_CONFIG_HOME (so toot's `config.json` with
the token never lands in the real home) and a BROWSER that does not exist; `toot
login` is still told not to open a browser, because Python's `webbrowser` would
fall back to any other browser it finds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from tests.support.browser import Browser, authorization_code

TIMEOUT = 60.0


class Toot:
    """toot (`python -m toot`) with a home folder of its own."""

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        self.env = {
            **os.environ,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "BROWSER": str(home / "no-such-browser"),
            "PYTHONUNBUFFERED": "1",
            "COLUMNS": "100",
        }

    def _command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "toot", *args]

    def __call__(self, *args: str) -> str:
        """Run `toot ARGS…`; its standard output, or a failure with both outputs."""
        done = subprocess.run(
            self._command(*args),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=self.env,
            cwd=self.home,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, (
            f"toot {' '.join(args)} exited {done.returncode}\n"
            f"stdout: {done.stdout}\nstderr: {done.stderr}"
        )
        return done.stdout

    def login(self, base_url: str, username: str, password: str) -> str:
        """`toot login`: read the authorization URL it prints, sign in on that page
        with a browser, and type the code shown there at toot's prompt."""
        process = subprocess.Popen(
            self._command("login", "--instance", base_url),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
            cwd=self.home,
        )
        watchdog = threading.Timer(TIMEOUT, process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            assert process.stdin is not None
            printed, url = _read_until_url(process.stdout)
            assert url, f"toot printed no authorization URL:\n{printed}"
            process.stdin.write("n\n")  # "Open link in default browser? [Y/n]"
            process.stdin.flush()
            code = authorization_code(Browser().authorize(url, username, password))
            rest, _ = process.communicate(code + "\n")
        finally:
            watchdog.cancel()
        output = printed + rest
        assert process.returncode == 0, f"toot login failed:\n{output}"
        return output

    def config(self) -> dict[str, Any]:
        """toot's saved apps and users (`$XDG_CONFIG_HOME/toot/config.json`)."""
        path = self.home / "config" / "toot" / "config.json"
        return dict(json.loads(path.read_text()))

    def access_token(self) -> str:
        """The token toot saved for its active user."""
        config = self.config()
        return str(config["users"][config["active_user"]]["access_token"])


def _read_until_url(stream: Any) -> tuple[str, str | None]:
    printed = ""
    for line in iter(stream.readline, ""):
        printed += line
        if "/oauth/authorize" in line:
            return printed, line.strip()
    return printed, None
