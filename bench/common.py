"""What every benchmark shares: the machine description, a scratch database, and a
real `fedcity serve` process started the way an operator starts one.

Benchmarks are not tests: they print figures, they assert nothing about speed.
Everything listens on and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FEDCITY = [sys.executable, "-m", "fedcity"]
SERVER_CORE = 0  # the fedcity server gets core 0: the targets are per core
LOAD_CORE = 1  # load generators, peers and sinks share the other one


# --- the machine ---------------------------------------------------------------


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def database_version(url: str) -> str:
    if not url.startswith("postgresql"):
        return f"SQLite {sqlite3.sqlite_version}"
    import asyncpg

    async def query() -> str:
        conn = await asyncpg.connect(_asyncpg_url(url))
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    return f"PostgreSQL {asyncio.run(query())}"


def print_machine(db_url: str, pinned: bool) -> None:
    import aiohttp
    import sqlalchemy

    print("machine:")
    print(f"  cpu:       {cpu_model()}")
    print(
        f"  cores:     {os.cpu_count()} (server pinned to core {SERVER_CORE})"
        if pinned
        else f"  cores:     {os.cpu_count()} (not pinned)"
    )
    print(
        f"  python:    {platform.python_implementation()} {platform.python_version()}"
    )
    print(f"  os:        {platform.system()} {platform.release()}")
    print(f"  database:  {database_version(db_url)}")
    # Other work on the machine skews every figure; say how much there was.
    print(f"  load avg:  {load_average()}")
    print(
        f"  libraries: aiohttp {aiohttp.__version__}, SQLAlchemy {sqlalchemy.__version__}"
    )
    print()


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` shows them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def can_pin() -> bool:
    return shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2


def pin_self(core: int) -> None:
    """Keep this process (and what it forks) off the server's core."""
    if can_pin():
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {core})


def bench_arguments(doc: str, *, database: bool = True) -> argparse.ArgumentParser:
    """A parser described by the script's docstring, with the options every script
    has: --no-pin and (unless the script picks its own) --database-url."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    if database:
        parser.add_argument(
            "--database-url",
            help="a PostgreSQL server URL; a scratch database is created on it "
            "(default: SQLite in a temporary directory)",
        )
    parser.add_argument("--no-pin", action="store_true", help="don't use taskset")
    return parser


@contextlib.contextmanager
def forked(target: Callable[..., None], *args: object) -> Iterator[Connection]:
    """`target(*args, conn)` in a forked process (a sink, a peer) for the length of
    the block; yields the other end of `conn`, and sends it "stop" at the end."""
    ctx = multiprocessing.get_context("fork")
    control, child_end = ctx.Pipe()
    process = ctx.Process(target=target, args=(*args, child_end))
    process.start()
    try:
        yield control
    finally:
        control.send("stop")
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()


# --- databases -----------------------------------------------------------------


def _asyncpg_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@contextlib.contextmanager
def scratch_database(root: Path, server_url: str | None) -> Iterator[str]:
    """A fresh, empty database: a SQLite file under `root`, or a new database on the
    PostgreSQL server `server_url` names (created here, dropped afterwards)."""
    if server_url is None:
        yield f"sqlite+aiosqlite:///{root / 'fedcity.db'}"
        return
    url = create_database(server_url)
    try:
        yield url
    finally:
        drop_database(server_url, url)


def create_database(server_url: str) -> str:
    """A new, empty database on the PostgreSQL server `server_url` names; its URL
    (for fedcity: postgresql+asyncpg)."""
    name = f"fedcity_bench_{uuid.uuid4().hex[:10]}"
    _admin(server_url, f'CREATE DATABASE "{name}"')
    base = server_url.rsplit("/", 1)[0]
    if base.startswith("postgresql://"):
        base = base.replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


def drop_database(server_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(server_url: str, sql: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(_asyncpg_url(server_url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def vacuum_analyze(db_url: str) -> None:
    """What a PostgreSQL that has been running a while has done by itself (its
    autovacuum), and a bulk load has not yet: VACUUM ANALYZE. SQLite gets no
    statistics, as fedcity never runs ANALYZE there."""
    if db_url.startswith("sqlite"):
        return
    _admin(db_url, "VACUUM ANALYZE")


@contextlib.contextmanager
def temp_root(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as path:
        yield Path(path)


# --- a fedcity server ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """One `fedcity serve` process on 127.0.0.1 with its own config and database."""

    root: Path
    db_url: str
    worker: bool = True
    pin: bool = True
    extra_config: str = ""
    profile: Path | None = None  # run under cProfile, its stats written here

    def __post_init__(self) -> None:
        self.port = free_port()
        self.domain = f"127.0.0.1:{self.port}"
        self.base_url = f"http://{self.domain}"
        self.config = self.root / "fedcity.toml"
        self.log = self.root / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.config.write_text(
            f"""
[instance]
domain = "{self.domain}"
scheme = "http"
name = "bench"

[server]
host = "127.0.0.1"
port = {self.port}

[database]
url = "{self.db_url}"

[federation]
allow_private_addresses = true

[worker]
in_process = {"true" if self.worker else "false"}
poll_interval_seconds = 0.5
{self.extra_config}
"""
        )

    @property
    def pinned(self) -> bool:
        return self.pin and can_pin()

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [*FEDCITY, "-c", str(self.config), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
            cwd=self.root,
            env=_env(),
        )
        return done.stdout.strip()

    def command(self) -> list[str]:
        prefix = ["taskset", "-c", str(SERVER_CORE)] if self.pinned else []
        if self.profile is not None:  # cProfile writes its file at a clean exit
            prefix += [sys.executable, "-m", "cProfile", "-o", str(self.profile)]
            return [*prefix, "-m", "fedcity", "-c", str(self.config), "serve"]
        return [*prefix, *FEDCITY, "-c", str(self.config), "serve"]

    def start(self, timeout: float = 30.0) -> float:
        """Start the process; returns seconds from spawn to the first 200."""
        with self.log.open("ab") as log:
            started = time.monotonic()
            self.process = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                env=_env(),
            )
        url = f"{self.base_url}/api/v1/instance"
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"fedcity serve exited; see {self.log}")
            if answers(url):
                return time.monotonic() - started
            time.sleep(0.005)
        self.stop()
        raise RuntimeError(
            f"fedcity serve did not answer in {timeout}s; see {self.log}"
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.process = None


@contextlib.contextmanager
def migrated_server(
    prefix: str, args: argparse.Namespace, **kw: Any
) -> Iterator[Server]:
    """A server (not started) on a migrated scratch database, the machine printed."""
    with temp_root(prefix) as root, scratch_database(root, args.database_url) as url:
        server = Server(root, url, pin=not args.no_pin, **kw)
        print_machine(url, server.pinned)
        server.cli("migrate")
        yield server


def seed_and_serve(
    server: Server, seed: Coroutine[Any, Any, object], what: str, run: Callable[[], int]
) -> int:
    """Seed the database (timed), then start the server, `run`, stop it."""
    started = time.monotonic()
    asyncio.run(seed)
    print(f"seeded {what} in {time.monotonic() - started:.1f}s")
    server.start()
    try:
        return run()
    finally:
        server.stop()


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _env() -> dict[str, str]:
    return {**os.environ, "FEDCITY_LOG_LEVEL": "WARNING"}


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback)
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def post_status(
    base_url: str, token: str, text: str, **fields: object
) -> dict[str, Any]:
    """POST /api/v1/statuses (public, unless `fields` say otherwise); the Status."""
    body = {"status": text, "visibility": "public", **fields}
    request = urllib.request.Request(  # noqa: S310 (a loopback http URL)
        f"{base_url}/api/v1/statuses",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        status: dict[str, Any] = json.loads(response.read())
        return status


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from /proc/<pid>/status (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


# --- figures -------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


def scalar(db_url: str, sql: str) -> int:
    """One integer from the benchmark's database (row counts after a run)."""
    if db_url.startswith("sqlite"):
        path = db_url.split(":///", 1)[1]
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return int(conn.execute(sql).fetchone()[0])
    import asyncpg

    async def query() -> int:
        conn = await asyncpg.connect(_asyncpg_url(db_url))
        try:
            return int(await conn.fetchval(sql))
        finally:
            await conn.close()

    return asyncio.run(query())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
