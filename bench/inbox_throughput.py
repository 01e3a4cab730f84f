"""Signed `Create` activities accepted per second at the shared inbox, with latency.

A real `fedcity serve` (pinned to core 0, in-process worker off so only the accept
path is measured) receives Mastodon-shaped `Create` activities at POST /inbox. Each
2xx means the activity was verified and committed to the database. A peer process
serves the remote actors' documents, so the key fetch is real; every actor's key is
fetched (and cached) during warm-up, before anything is timed.

For each offered rate, rate x duration requests with distinct activity ids are
signed in advance (on both cores, before the timed phase), then a second process
on core 1 sends them open-loop at that fixed rate (see loadgen.py). Rates are
stepped up until p99 exceeds the limit or a request fails.

    .venv/bin/python bench/inbox_throughput.py                  # step 1000, 2000, …
    .venv/bin/python bench/inbox_throughput.py --rate 3000 --duration 10
    .venv/bin/python bench/inbox_throughput.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import common
import orjson
from aiohttp import web
from loadgen import LoadResult, run_load

from fedcity.federation.signatures.cavage import sign_request
from fedcity.federation.signatures.keys import (
    generate_private_key_pem,
    load_private_key,
)

AS2 = "application/activity+json"
TEMPLATE = common.REPO / "tests/fixtures/inbound/mastodon_create_note.json"
STATUS_ID = "113456789012345678"  # the fixture's status id, made unique per request


@dataclass(frozen=True)
class PeerActor:
    name: str
    private_pem: str
    public_pem: str


# --- the peer: serves actor documents so the server's key fetch is real ----------


def _actor_document(base: str, actor: PeerActor) -> dict[str, object]:
    uri = f"{base}/users/{actor.name}"
    return {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1",
        ],
        "id": uri,
        "type": "Person",
        "preferredUsername": actor.name,
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "followers": f"{uri}/followers",
        "endpoints": {"sharedInbox": f"{base}/inbox"},
        "publicKey": {
            "id": f"{uri}#main-key",
            "owner": uri,
            "publicKeyPem": actor.public_pem,
        },
    }


def serve_peer(port: int, actors: Sequence[PeerActor], ready: Connection) -> None:
    common.pin_self(common.LOAD_CORE)
    base = f"http://127.0.0.1:{port}"
    documents = {a.name: orjson.dumps(_actor_document(base, a)) for a in actors}

    async def actor(request: web.Request) -> web.Response:
        doc = documents.get(request.match_info["name"])
        if doc is None:
            raise web.HTTPNotFound()
        return web.Response(body=doc, content_type=AS2)

    async def run() -> None:
        app = web.Application()
        app.router.add_get("/users/{name}", actor)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        ready.send(True)
        await asyncio.Event().wait()  # until terminated

    asyncio.run(run())


@contextlib.contextmanager
def running_peer(actors: Sequence[PeerActor]) -> Iterator[int]:
    """The peer in a forked process, until the block ends; yields its port."""
    port = common.free_port()
    ctx = multiprocessing.get_context("fork")
    ready_r, ready_w = ctx.Pipe(duplex=False)
    process = ctx.Process(target=serve_peer, args=(port, actors, ready_w))
    process.start()
    ready_r.recv()
    try:
        yield port
    finally:
        process.terminate()
        process.join()


# --- requests, signed before the timed phase -----------------------------------


@dataclass(frozen=True)
class Batch:
    server: str  # base URL
    peer: str  # base URL
    actors: tuple[PeerActor, ...]
    first_id: int


def _template(server: str, peer: str) -> str:
    text = orjson.dumps(orjson.loads(TEMPLATE.read_bytes())).decode()
    return text.replace("https://fedcity.example", server).replace(
        "https://mastodon.example", peer
    )


def _sign_range(args: tuple[Batch, int, int]) -> list[bytes]:
    batch, start, stop = args
    template = _template(batch.server, batch.peer)
    url = f"{batch.server}/inbox"
    out = []
    for n in range(start, stop):
        actor = batch.actors[n % len(batch.actors)]
        body = (
            template.replace("/users/alice", f"/users/{actor.name}")
            .replace("/@alice/", f"/@{actor.name}/")
            .replace(STATUS_ID, str(batch.first_id + n))
            .encode()
        )
        key_id = f"{batch.peer}/users/{actor.name}#main-key"
        headers = sign_request(
            "POST",
            url,
            key_id=key_id,
            private_key=load_private_key(actor.private_pem),
            body=body,
            headers={"Content-Type": AS2, "User-Agent": "fedcity-bench"},
        )
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        out.append(
            f"POST /inbox HTTP/1.1\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
    return out


def _use_all_cores() -> None:
    # Signing happens while the server idles, so it may use the server's core too.
    os.sched_setaffinity(0, range(os.cpu_count() or 1))


def sign_requests(batch: Batch, count: int) -> list[bytes]:
    workers = os.cpu_count() or 1
    step = max(1, -(-count // (workers * 4)))
    chunks = [(batch, s, min(count, s + step)) for s in range(0, count, step)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, initializer=_use_all_cores) as pool:
        return [r for part in pool.map(_sign_range, chunks) for r in part]


# --- sending, from a second process ---------------------------------------------


_REQUESTS: list[bytes] = []  # handed to the forked sender without pickling


def _send(port: int, rate: float, out: Connection) -> None:
    common.pin_self(common.LOAD_CORE)
    result = asyncio.run(run_load("127.0.0.1", port, _REQUESTS, rate))
    out.send(result)


def send_in_process(port: int, requests: list[bytes], rate: float) -> LoadResult:
    global _REQUESTS
    _REQUESTS = requests
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_send, args=(port, rate, sender))
    process.start()
    result: LoadResult = receiver.recv()
    process.join()
    _REQUESTS = []
    return result


# --- the run ---------------------------------------------------------------------


def report(result: LoadResult, cpu: float, limit_ms: float) -> bool:
    """Print one line; True if the rate was sustained within the latency limit."""
    lat = sorted(result.latencies)
    p50 = common.percentile(lat, 0.50) * 1000
    p99 = common.percentile(lat, 0.99) * 1000
    per_second = result.accepted / result.elapsed if result.elapsed else 0.0
    ok = result.errors == 0 and p99 <= limit_ms
    print(
        f"{result.rate:>7.0f} {result.sent:>7} {per_second:>10.0f} "
        f"{p50:>8.2f} {p99:>8.2f} {lat[-1] * 1000 if lat else 0:>8.1f} "
        f"{result.errors:>6} {result.max_lag * 1000:>8.1f} {result.connections:>5} "
        f"{cpu / result.sent * 1e6 if result.sent else 0:>7.0f}"
        f"  {'ok' if ok else 'NOT SUSTAINED'}",
        flush=True,
    )
    return ok


def print_timeline(result: LoadResult, window: float = 0.5) -> None:
    buckets: dict[int, list[float]] = {}
    for due, latency in zip(result.due, result.latencies, strict=True):
        buckets.setdefault(int(due / window), []).append(latency)
    for slot in sorted(buckets):
        lat = sorted(buckets[slot])
        print(
            f"    t={slot * window:5.1f}s n={len(lat):5} "
            f"p50={common.percentile(lat, 0.5) * 1000:7.2f}ms "
            f"p99={common.percentile(lat, 0.99) * 1000:7.2f}ms"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, help="one run at this rate (req/s)")
    parser.add_argument(
        "--rates",
        default="1000,2000,3000,4000,5000,6000,8000",
        help="rates to step through until one is not sustained",
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per rate")
    parser.add_argument("--p99-limit-ms", type=float, default=20.0)
    parser.add_argument("--actors", type=int, default=20, help="remote actors (keys)")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL; a scratch database is created on it "
        "(default: SQLite in a temporary directory)",
    )
    parser.add_argument(
        "--all", action="store_true", help="run every rate, even past the first miss"
    )
    parser.add_argument(
        "--timeline", action="store_true", help="p99 per half second of each run"
    )
    parser.add_argument("--no-pin", action="store_true", help="don't use taskset")
    parser.add_argument("--keep", type=Path, help="keep the run's directory here")
    args = parser.parse_args(argv)
    rates = [args.rate] if args.rate else [float(r) for r in args.rates.split(",")]

    if not args.no_pin:
        common.pin_self(common.LOAD_CORE)
    actors = tuple(
        PeerActor(f"bench{i}", *generate_private_key_pem()) for i in range(args.actors)
    )
    with (
        common.temp_root("fedcity-bench-inbox-") as root,
        common.scratch_database(root, args.database_url) as db_url,
    ):
        server = common.Server(root, db_url, worker=False, pin=not args.no_pin)
        common.print_machine(db_url, server.pinned)
        with running_peer(actors) as peer_port:
            server.cli("migrate")
            server.start()
            try:
                return _run(
                    args, rates, server, f"http://127.0.0.1:{peer_port}", actors
                )
            finally:
                server.stop()
                if args.keep:
                    shutil.copytree(root, args.keep, dirs_exist_ok=True)


def _run(
    args: argparse.Namespace,
    rates: list[float],
    server: common.Server,
    peer: str,
    actors: tuple[PeerActor, ...],
) -> int:
    next_id = 10**17
    sent = 0

    def batch(count: int) -> list[bytes]:
        nonlocal next_id, sent
        requests = sign_requests(Batch(server.base_url, peer, actors, next_id), count)
        next_id += count
        sent += count
        return requests

    print(f"inbox: {server.base_url}/inbox  (worker off: accept path only)")
    size = len(sign_requests(Batch(server.base_url, peer, actors, 1), 1)[0])
    print(f"body: {TEMPLATE.name}, ~{size} bytes per request with headers")
    # Warm-up: one activity per actor fetches and caches every key; then a second
    # at a modest rate warms connections and code paths. Neither is reported.
    warm = send_in_process(server.port, batch(len(actors)), 20)
    warm = send_in_process(server.port, batch(500), 500)
    if warm.errors:
        print(f"warm-up failed: {warm.statuses} failures={warm.failures}")
        return 1
    print()
    print(
        "offered    sent  accepted/s  p50(ms)  p99(ms)  max(ms) "
        "errors wait(ms) conns cpu(us)"
    )
    best = 0.0
    for rate in rates:
        requests = batch(round(rate * args.duration))
        cpu_before = common.cpu_seconds(server.pid)
        result = send_in_process(server.port, requests, rate)
        cpu = common.cpu_seconds(server.pid) - cpu_before
        if args.timeline:
            print_timeline(result)
        if report(result, cpu, args.p99_limit_ms):
            best = max(best, rate)
        elif not (args.rate or args.all):
            break
    stored = common.scalar(
        server.db_url, "SELECT count(*) FROM jobs WHERE kind = 'inbox'"
    )
    print()
    print(f"stored inbox rows: {stored} of {sent} requests sent (incl. warm-up)")
    if not args.rate:
        print(
            f"max sustained rate: {best:.0f}/s with p99 <= {args.p99_limit_ms:.0f} ms "
            "and no errors"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
