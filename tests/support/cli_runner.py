"""The command line run inside the test's process: `fedcity.cli.main` with the
arguments an operator types, its stdout, stderr and exit status captured as a
`subprocess.CompletedProcess`.

A `python -m fedcity` process spends about a second importing fedcity before it
does anything, and CLI tests run hundreds of commands: in-process, the imports
are paid once per test worker. Everything after the import is the same code:
argument parsing, settings from the file, the command, its output, one error
line and the exit status. The command runs in a thread of its own, with its own
event loop (as `python -m fedcity` runs it), so that async tests may call it too;
the caller waits for it. What only a real process shows (the environment it
inherits, stray log lines of start-up, `--help` from the entry point) is tested
with real processes in tests/cli/test_cli.py.

While a command runs, its process-wide state is the command's: the working
directory, the environment (no FEDCITY_* variable from the test's, but the
test hashing switch and what `env` adds), sys.stdout and sys.stderr, and a log
handler writing to its stderr at FEDCITY_LOG_LEVEL (INFO by default), as the
CLI's own logging setup would, so that a stray log line shows in stderr.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from fedcity.cli import main
from fedcity.services.accounts.passwords import (
    INSECURE_TEST_HASHING_VARIABLE,
    hash_password,
)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TIMEOUT = 60.0

# The test hashing's warning is logged once a process, at the first hash: here,
# not in the stderr of whichever command hashes first.
hash_password("warm up")


def fedcity(
    cwd: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `fedcity ARGS` in `cwd` with `env` added to a clean environment."""
    out, err = io.StringIO(), io.StringIO()
    status: list[int] = []

    def command() -> None:
        status.append(_exit_status(list(args)))

    with (
        _environment(env or {}),
        contextlib.chdir(cwd),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        _logging_to(err, (env or {}).get("FEDCITY_LOG_LEVEL", "INFO")),
    ):
        runner = threading.Thread(target=command, name="fedcity-cli")
        runner.start()
        runner.join(TIMEOUT)
    if runner.is_alive() or not status:
        raise RuntimeError(f"fedcity {' '.join(args)} did not finish: {err.getvalue()}")
    return subprocess.CompletedProcess(
        ["fedcity", *args], status[0], out.getvalue(), err.getvalue()
    )


def _exit_status(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's usage errors, --help
        return exc.code if isinstance(exc.code, int) else 1


@contextlib.contextmanager
def _environment(extra: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith("FEDCITY_")]:
        if name != INSECURE_TEST_HASHING_VARIABLE:
            del os.environ[name]
    os.environ.update(extra)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _logging_to(stream: io.StringIO, level: str) -> Iterator[None]:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(level.upper())
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(handler)
    root.setLevel(min(saved_level or logging.WARNING, handler.level))
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)
