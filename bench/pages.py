"""Server-side time of the signed-in home page: the compose box and a 40-post
timeline, rendered from Status entities through Jinja2.

In process (no `fedcity serve`): the app is built with `create_app` on a migrated
database (SQLite in a temporary directory by default), served by aiohttp's test
server on 127.0.0.1, worker off. A reader follows four accounts whose 60 posts mix
plain text, images with descriptions, polls, content warnings, replies and boosts;
the reader has favourited some. Then GET /home?limit=40 is asked N times, signed
in by a session cookie, one request at a time. Reported: the time inside the app
(from the outermost middleware in to the response out: session lookup, queries,
serialising, rendering), the CPU time the process spent meanwhile (robust to other
load on the machine), and the round trip seen by the client, p50/p95/max; the
page's size. Every answer must be a 200 with 40 posts; speed is not asserted
(the issue's target: well under 50 ms on the server).

    .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --requests 500 --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import asyncio
import io
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
import common
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.typedefs import Handler
from PIL import Image

from fedcity.app import create_app
from fedcity.appkeys import DB, FEDERATION
from fedcity.config import (
    DatabaseSettings,
    InstanceSettings,
    MediaSettings,
    ServerSettings,
    Settings,
    WorkerSettings,
)
from fedcity.federation.signatures.keys import generate_private_key_pem
from fedcity.services.accounts.accounts import (
    NewLocalAccount,
    create_local_account,
    create_token,
)
from fedcity.services.accounts.sessions import start_session
from fedcity.storage.db import Database
from fedcity.storage.migrate import upgrade_to_head
from fedcity.storage.queries import actors as actor_q
from fedcity.web.sessions import SESSION_COOKIE

AUTHORS = ("mayor", "transit", "parks", "library")
READER = "reader"
POSTS = 60  # more than a page, so that the page is full
PAGE = "/home?limit=40"
SERVER_TIMES = web.AppKey("server_times", list)
SERVER_CPU = web.AppKey("server_cpu", list)


def _png(seed: int) -> bytes:
    image = Image.new("RGB", (640, 480), (seed * 40 % 256, 120, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@web.middleware
async def _timed(request: web.Request, handler: Handler) -> web.StreamResponse:
    started, cpu = time.perf_counter(), time.process_time()
    response = await handler(request)
    if request.path == "/home":
        request.app[SERVER_TIMES].append(time.perf_counter() - started)
        # CPU time of the process (all its threads: SQLite runs in one): what the
        # page costs, whatever else the machine is doing meanwhile.
        request.app[SERVER_CPU].append(time.process_time() - cpu)
    return response


async def _api(
    client: TestClient[Any, Any], token: str, method: str, path: str, **kw: Any
) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    async with client.request(method, path, headers=headers, **kw) as reply:
        assert reply.status == 200, f"{method} {path}: {await reply.text()}"
        return await reply.json()


async def _seed(app: web.Application, client: TestClient[Any, Any]) -> str:
    """The reader's session token, after the authors have posted."""
    urls = app[FEDERATION].urls
    tokens: dict[str, str] = {}
    async with app[DB].session() as session:
        for name in (READER, *AUTHORS):
            await create_local_account(
                session,
                urls,
                NewLocalAccount(name, "correct horse battery"),
                generate_private_key_pem(),
            )
    for name in (READER, *AUTHORS):
        async with app[DB].session() as session:
            tokens[name] = await create_token(session, name, "read write follow")
    for name in AUTHORS:
        found = await _api(
            client, tokens[READER], "GET", f"/api/v1/accounts/lookup?acct={name}"
        )
        await _api(
            client, tokens[READER], "POST", f"/api/v1/accounts/{found['id']}/follow"
        )
    posted: list[str] = []
    for n in range(POSTS):
        author = AUTHORS[n % len(AUTHORS)]
        body: dict[str, Any] = {
            "status": f"Update {n} from the {author} office: #citycouncil meets "
            f"on Tuesday at 6 pm in the library; agenda and minutes at "
            f"https://city.example/agenda/{n}. @{READER} you asked about this."
        }
        if n % 4 == 1:
            form = aiohttp.FormData()
            form.add_field("file", _png(n), filename="a.png", content_type="image/png")
            form.add_field("description", f"Photo {n}: a street with new bike lanes")
            media = await _api(
                client, tokens[author], "POST", "/api/v2/media", data=form
            )
            body["media_ids"] = [media["id"]]
        if n % 5 == 2:
            body["poll"] = {"options": ["Yes", "No", "Later"], "expires_in": 86400}
        if n % 7 == 3:
            body["spoiler_text"] = "Road works"
        if n % 6 == 5 and posted:
            body["in_reply_to_id"] = posted[-1]
        status = await _api(
            client, tokens[author], "POST", "/api/v1/statuses", json=body
        )
        posted.append(status["id"])
        if n % 8 == 0 and n:
            booster = AUTHORS[(n + 1) % len(AUTHORS)]
            await _api(
                client, tokens[booster], "POST", f"/api/v1/statuses/{posted[-2]}/reblog"
            )
        if n % 3 == 0:
            await _api(
                client,
                tokens[READER],
                "POST",
                f"/api/v1/statuses/{status['id']}/favourite",
            )
    async with app[DB].session() as session:
        reader = await actor_q.get_local_actor(session, READER)
        assert reader is not None
        return await start_session(session, reader, "bench", None)


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(db_url: str, root: Path, requests: int) -> None:
    db = Database(db_url)
    await upgrade_to_head(db)
    await db.dispose()
    port = common.free_port()
    settings = Settings(
        instance=InstanceSettings(domain=f"127.0.0.1:{port}", scheme="http"),
        server=ServerSettings(host="127.0.0.1", port=port),
        database=DatabaseSettings(url=db_url),
        worker=WorkerSettings(in_process=False),
        media=MediaSettings(root=str(root / "media")),
    )
    app = create_app(settings, run_worker=False)
    app.middlewares.insert(0, _timed)
    app[SERVER_TIMES] = []
    app[SERVER_CPU] = []
    async with TestClient(TestServer(app, host="127.0.0.1", port=port)) as client:
        token = await _seed(app, client)
        client.session.cookie_jar.update_cookies({SESSION_COOKIE: token})
        size = 0
        for _ in range(10):  # warm up: templates compiled, caches filled
            async with client.get(PAGE) as reply:
                page = await reply.text()
                assert reply.status == 200, page[:500]
        assert page.count('<article class="post"') == 40, "a full page of 40 posts"
        assert page.count('class="media') >= 5
        assert page.count('class="poll"') >= 5
        size = len(page.encode())
        app[SERVER_TIMES].clear()
        app[SERVER_CPU].clear()
        round_trips = []
        for _ in range(requests):
            started = time.perf_counter()
            async with client.get(PAGE) as reply:
                await reply.read()
                assert reply.status == 200
            round_trips.append(time.perf_counter() - started)
    server, cpu = app[SERVER_TIMES], app[SERVER_CPU]
    print(
        f"GET {PAGE}, signed in, {requests} requests one at a time; page {size / 1024:.0f} KiB"
    )
    print("                 p50 (ms)  p95 (ms)  max (ms)")
    rows = (("in the app", server), ("  CPU time", cpu), ("round trip", round_trips))
    for label, values in rows:
        print(
            f"  {label:<12} {statistics.median(values) * 1000:>9.1f} "
            f"{_quantile(values, 0.95) * 1000:>9.1f} {max(values) * 1000:>9.1f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.bench_arguments(__doc__)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    if not args.no_pin:
        common.pin_self(common.SERVER_CORE)
    with (
        common.temp_root("fedcity-bench-pages-") as root,
        common.scratch_database(root, args.database_url) as db_url,
    ):
        common.print_machine(db_url, pinned=not args.no_pin and common.can_pin())
        asyncio.run(run(db_url, root, args.requests))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
