"""What the crash and outage drills share: real `fedcity serve` / `fedcity worker`
processes they can kill -9 and restart, a paced HTTP sender that records every
answer (or its absence), a private PostgreSQL cluster they may stop, and the
verdict that makes a drill exit non-zero when a guarantee is broken.

Drills are not benchmarks: they check guarantees and print the figures behind the
verdict. Everything listens on, and talks to, 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: common, …

import common
from inbox_throughput import Batch, PeerActor, running_peer, sign_requests

from fedcity.federation.signatures.keys import generate_private_key_pem

# --- processes -------------------------------------------------------------------


def configure(server: common.Server, section: str, **values: object) -> None:
    """Add keys to a section of the server's config file (written by common.Server)."""
    lines = "".join(f"{key} = {_toml(value)}\n" for key, value in values.items())
    text = server.config.read_text()
    header = f"[{section}]\n"
    if header in text:
        text = text.replace(header, header + lines, 1)
    else:
        text += f"\n{header}{lines}"
    server.config.write_text(text)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def kill9(process: subprocess.Popen[bytes] | None) -> float:
    """SIGKILL, no goodbye; returns the monotonic time of the kill."""
    assert process is not None
    killed_at = time.monotonic()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return killed_at


class WorkerProcess:
    """`fedcity worker` on the server's config, logging next to it."""

    def __init__(self, server: common.Server) -> None:
        self.server = server
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with (self.server.root / "worker.log").open("ab") as log:
            self.process = subprocess.Popen(
                [*common.FEDCITY, "-c", str(self.server.config), "worker"],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.server.root,
                env={**os.environ, "FEDCITY_LOG_LEVEL": "WARNING"},
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            common.stop_process(self.process)


@contextlib.contextmanager
def migrated_server(
    prefix: str, args: argparse.Namespace, *, worker: bool, own_postgres: bool = False
) -> Iterator[tuple[common.Server, PrivatePostgres | None]]:
    """A configured, migrated (not started) server on a scratch database: SQLite,
    `--database-url`'s server, or with `own_postgres` a private cluster made for
    the drill. Prints the machine first."""
    if not args.no_pin:
        common.pin_self(common.LOAD_CORE)
    with contextlib.ExitStack() as stack:
        root = stack.enter_context(common.temp_root(prefix))
        cluster = stack.enter_context(private_postgres(root)) if own_postgres else None
        url = cluster.url if cluster else getattr(args, "database_url", None)
        db_url = stack.enter_context(common.scratch_database(root, url))
        server = common.Server(root, db_url, worker=worker, pin=not args.no_pin)
        common.print_machine(db_url, server.pinned)
        server.cli("migrate")
        yield server, cluster


def local_token(server: common.Server, name: str) -> str:
    """A new local account's bearer token, made with the CLI."""
    server.cli("account", "create", name, "--password", "drill-password")
    return server.cli("token", "create", name)


# --- a paced sender that keeps every answer ----------------------------------------


@dataclass
class Answer:
    status: int | None  # None: refused, reset or no answer within the timeout
    sent_at: float  # time.monotonic()
    answered_at: float
    body: bytes = b""
    retry_after: bool = False
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def seconds(self) -> float:
        return self.answered_at - self.sent_at


async def send_paced(
    port: int,
    requests: Sequence[bytes],
    rate: float,
    *,
    lanes: int = 16,
    timeout: float = 10.0,
) -> list[Answer]:
    """Send request i at start + i/rate (or as soon as one of `lanes` keep-alive
    connections is free); returns one Answer per request, in order."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    answers: list[Answer | None] = [None] * len(requests)
    indexes = iter(range(len(requests)))

    async def lane() -> None:
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        for i in indexes:  # one iterator shared by the lanes: each index once
            await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
            answers[i], conn = await _exchange(port, requests[i], conn, timeout)
        if conn is not None:
            conn[1].close()

    await asyncio.gather(*(lane() for _ in range(lanes)))
    return [a for a in answers if a is not None]


async def _exchange(
    port: int,
    request: bytes,
    conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None,
    timeout: float,
) -> tuple[Answer, tuple[asyncio.StreamReader, asyncio.StreamWriter] | None]:
    sent = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            if conn is None:
                conn = await asyncio.open_connection("127.0.0.1", port)
            conn[1].write(request)
            status, headers, body = await _read_response(conn[0])
    except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
        if conn is not None:
            conn[1].close()
        timed_out = isinstance(exc, TimeoutError)
        return Answer(None, sent, time.monotonic(), timed_out=timed_out), None
    answer = Answer(status, sent, time.monotonic(), body, b"retry-after" in headers)
    return answer, conn


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = b"\n".join(lines[1:]).lower()
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, headers, await reader.readexactly(length)


def http_request(method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """Raw HTTP/1.1 request bytes, for send_paced."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    line = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    return f"{line}{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


def latency_line(answers: Sequence[Answer]) -> str:
    times = sorted(a.seconds * 1000 for a in answers)
    if not times:
        return "n=0"
    return (
        f"n={len(times)} p50={common.percentile(times, 0.5):.1f}ms "
        f"p99={common.percentile(times, 0.99):.1f}ms max={times[-1]:.1f}ms"
    )


# --- a PostgreSQL of the drill's own -------------------------------------------------


@dataclass
class PrivatePostgres:
    """A cluster made with the machine's initdb, in a temporary folder, on its own
    port, run as the `postgres` user (initdb refuses root). Only this one is ever
    stopped: the machine's shared server on 5432 is never touched."""

    root: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            [*_as_postgres(), str(_pg_bin() / "pg_ctl"), "-D", str(self.data), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    @property
    def data(self) -> Path:
        return self.root / "data"

    def start(self) -> float:
        """Start (or restart) the cluster; returns when it accepts connections."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._ctl("-o", options, "-l", str(self.root / "postgres.log"), "-w", "start")
        return time.monotonic()

    def stop(self) -> float:
        """Fast shutdown: sessions are terminated, as in a crash of the service."""
        self._ctl("-m", "fast", "-w", "stop")
        return time.monotonic()

    def version(self) -> str:
        return _pg_bin().parent.name


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise SystemExit("no PostgreSQL binaries under /usr/lib/postgresql/*/bin/")
    return found[-1].parent


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextlib.contextmanager
def private_postgres(root: Path) -> Iterator[PrivatePostgres]:
    folder = root / "pg"
    folder.mkdir()
    if os.geteuid() == 0:
        root.chmod(0o755)
        subprocess.run(["chown", "postgres", str(folder)], check=True)
    cluster = PrivatePostgres(folder, common.free_port())
    subprocess.run(
        [
            *_as_postgres(),
            str(_pg_bin() / "initdb"),
            "-D",
            str(cluster.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop()


# --- the verdict -------------------------------------------------------------------


def verdict(checks: Sequence[tuple[str, bool]]) -> int:
    """Print each guarantee checked; 1 if any is broken."""
    print("\nguarantees:")
    for name, held in checks:
        print(f"  {'ok  ' if held else 'FAIL'}  {name}")
    broken = [name for name, held in checks if not held]
    print(f"\n{'BROKEN: ' + '; '.join(broken) if broken else 'all guarantees held'}")
    return 1 if broken else 0


# --- a peer whose actors sign what the drills send ---------------------------------


@dataclass
class Peer:
    """Serves remote actors' documents (the server fetches their keys for real) and
    signs Create(Note) activities from them to the server's shared inbox."""

    actors: tuple[PeerActor, ...]
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def creates(self, server: common.Server, first_id: int, count: int) -> list[bytes]:
        """`count` signed requests, each a new Create(Note), ids from `first_id`."""
        batch = Batch(server.base_url, self.base_url, self.actors, first_id)
        return sign_requests(batch, count)


@contextlib.contextmanager
def peer(actors: int = 10) -> Iterator[Peer]:
    keys = tuple(
        PeerActor(f"drill{i}", *generate_private_key_pem()) for i in range(actors)
    )
    with running_peer(keys) as port:
        yield Peer(keys, port)


def note_uri(request: bytes) -> str:
    """The id of the Note a signed Create request carries."""
    doc = json.loads(request.split(b"\r\n\r\n", 1)[1])
    return str(doc["object"]["id"])


def column_in(db_url: str, query: str, values: Sequence[str]) -> list[str]:
    """`column(db_url, query + " IN (values)")`: the values are ids the drill made
    itself, quoted as SQL literals."""
    literals = ",".join("'" + v.replace("'", "''") + "'" for v in values) or "''"
    return column(db_url, f"{query} IN ({literals})")


def column(db_url: str, sql: str) -> list[str]:
    """The first column of a query on the drill's database, as strings."""
    if db_url.startswith("sqlite"):
        path = db_url.split(":///", 1)[1]
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return [str(row[0]) for row in conn.execute(sql)]
    import asyncpg

    async def query() -> list[str]:
        conn = await asyncpg.connect(db_url.replace("+asyncpg", "", 1))
        try:
            return [str(row[0]) for row in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(query())


async def wait_until(predicate: Callable[[], bool], timeout: float) -> float | None:
    """Seconds until `predicate()` held (checked every 0.25 s), None if it never did."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if await asyncio.to_thread(predicate):
            return time.monotonic() - started
        await asyncio.sleep(0.25)
    return None
