"""Starting real fedcity instances for tests on loopback ports, each on a database
already at the head revision (`make_migrated_db_url`)."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.test_utils import TestServer

from fedcity.app import create_app
from fedcity.appkeys import DB, FEDERATION, VAPID, WORKER
from fedcity.config import (
    DatabaseSettings,
    FederationSettings,
    InstanceSettings,
    MailSettings,
    MediaSettings,
    OAuthSettings,
    RegistrationSettings,
    ServerSettings,
    Settings,
    TrustSettings,
    WorkerSettings,
)
from fedcity.federation.context import Federation
from fedcity.push.crypto import VapidKey
from fedcity.runtime.worker import Worker
from fedcity.services.accounts.accounts import (
    NewLocalAccount,
    create_local_account,
    create_token,
)
from fedcity.storage.db import Database
from fedcity.storage.models import Actor
from tests.support.keys import premade_keypair

T = TypeVar("T")


def free_port() -> int:
    """A loopback port free now, for a server whose settings must name its port
    before it listens.

    A port the kernel picks (port 0) is one of its ephemeral ports, which it
    also gives the outgoing connections of every process (to PostgreSQL, to the
    other servers): between this call and the server's bind one of them could
    take it. So the ports come from below the ephemeral range, each test
    process (pytest-xdist worker) counting through a block of its own."""
    global _last_port
    low, span = _port_block()
    for _ in range(span):
        _last_port = low + (_last_port - low + 1) % span
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", _last_port))
            except OSError:
                continue
        return _last_port
    raise RuntimeError(f"no free port in {low}..{low + span - 1}")


PORT_BLOCKS = 8  # xdist workers gw0..gw6, and the process without xdist
FIRST_PORT = 10_000


def _port_block() -> tuple[int, int]:
    """This process's block of ports: (first, how many)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ranges:
            ephemeral = int(ranges.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral = 32_768  # Linux's default
    span = max((ephemeral - FIRST_PORT) // PORT_BLOCKS, 64)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker[2:]) % (PORT_BLOCKS - 1) if worker[2:].isdigit() else 7
    return FIRST_PORT + index * span, span


_last_port = -1


def make_settings(
    port: int,
    db_url: str,
    name: str = "city",
    password_grant: bool = False,
    media: MediaSettings | None = None,
    instance: dict[str, Any] | None = None,
    trust: TrustSettings | None = None,
    registration: RegistrationSettings | None = None,
    mail: MailSettings | None = None,
    **federation: Any,
) -> Settings:
    fed = replace(
        FederationSettings(allow_private_addresses=True, retry_backoff_scale=0.01),
        **federation,
    )
    # `instance` may override the scheme too ("https": HSTS, Secure cookies).
    fields: dict[str, Any] = {"domain": f"127.0.0.1:{port}", "scheme": "http"}
    return Settings(
        instance=InstanceSettings(**{**fields, "name": name, **(instance or {})}),
        server=ServerSettings(host="127.0.0.1", port=port),
        database=DatabaseSettings(url=db_url),
        federation=fed,
        worker=WorkerSettings(poll_interval_seconds=0.1),
        oauth=OAuthSettings(password_grant=password_grant),
        media=media or MediaSettings(),
        trust=trust or TrustSettings(),
        registration=registration or RegistrationSettings(),
        # No mail unless a test gives its loopback SMTP server (tests/support/mail.py).
        mail=mail or MailSettings(host=""),
    )


@dataclass
class LiveInstance:
    settings: Settings
    app: web.Application

    @property
    def base_url(self) -> str:
        return self.settings.instance.base_url

    @property
    def domain(self) -> str:
        return self.settings.instance.domain

    @property
    def db(self) -> Database:
        return self.app[DB]

    @property
    def fed(self) -> Federation:
        return self.app[FEDERATION]

    @property
    def vapid(self) -> VapidKey:
        return self.app[VAPID]

    @property
    def worker(self) -> Worker:
        return self.app[WORKER]

    async def create_account(self, name: str, **kw: Any) -> Actor:
        async with self.db.session() as session:
            return await create_local_account(
                session,
                self.fed.urls,
                NewLocalAccount(name, "correct horse battery", **kw),
                premade_keypair(),
            )

    async def token(self, name: str, scopes: str = "read write follow push") -> str:
        async with self.db.session() as session:
            return await create_token(session, name, scopes)

    async def run_jobs(self) -> int:
        return await self.worker.run_until_idle()


async def start_instance(
    aiohttp_server: Any,
    db_url: str,
    name: str = "city",
    media: MediaSettings | None = None,
    instance: dict[str, Any] | None = None,
    trust: TrustSettings | None = None,
    registration: RegistrationSettings | None = None,
    mail: MailSettings | None = None,
    **federation: Any,
) -> LiveInstance:
    port = free_port()
    settings = make_settings(
        port,
        db_url,
        name,
        media=media,
        instance=instance,
        trust=trust,
        registration=registration,
        mail=mail,
        **federation,
    )
    app = create_app(settings, run_worker=False, keypairs=premade_keypair)
    await aiohttp_server(app, host="127.0.0.1", port=port)
    return LiveInstance(settings, app)


async def run_both(*instances: LiveInstance) -> None:
    """Step the instances' workers until none has anything left (a delivery to
    one makes work for the other)."""
    for _ in range(4):
        done = [await instance.run_jobs() for instance in instances]
        if not any(done):
            return


class ThreadedInstances:
    """Live instances served from an event loop of their own, in a thread, for
    synchronous tests (the browser tests: Playwright's sync API runs outside any
    event loop). `run(coro)` runs a coroutine on the instances' loop and returns
    its result, e.g. `threaded.run(live.create_account("ana"))`."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="fedcity-instances", daemon=True
        )
        self._thread.start()
        self._servers: list[TestServer] = []

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def serve(self, app: web.Application, host: str, port: int) -> TestServer:
        server = TestServer(app, host=host, port=port)
        await server.start_server()
        self._servers.append(server)
        return server

    def start(
        self,
        db_url: str,
        name: str = "city",
        media: MediaSettings | None = None,
        instance: dict[str, Any] | None = None,
        **federation: Any,
    ) -> LiveInstance:
        return self.run(
            start_instance(
                self.serve, db_url, name, media, instance=instance, **federation
            )
        )

    def close(self) -> None:
        async def stop_all() -> None:
            while self._servers:
                await self._servers.pop().close()

        try:
            self.run(stop_all())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=30)
            self.loop.close()
