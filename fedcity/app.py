"""create_app(settings): wiring only: keys, middlewares, routes, background tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from fedcity import api
from fedcity.api import streaming
from fedcity.appkeys import (
    DB,
    FEDERATION,
    INBOX_WRITER,
    KEYPAIRS,
    RUN_WORKER,
    SETTINGS,
    TRANSPORT_OVERRIDE,
    VAPID,
    WEB_SECRETS,
    WORKER,
)
from fedcity.config import Settings
from fedcity.errors import ConfigError
from fedcity.federation.attestations import jobs as attestation_jobs
from fedcity.federation.context import Federation, SigningKey
from fedcity.federation.delivery import load_unavailable
from fedcity.federation.inbox import InboxWriter
from fedcity.federation.integrity.keys import ensure_instance_assertion_key
from fedcity.federation.policy import PolicyHolder
from fedcity.federation.signatures.keys import (
    generate_private_key_pem,
    load_private_key,
)
from fedcity.federation.transport import AiohttpTransport, HttpTransport
from fedcity.push.crypto import VapidKey, generate_vapid_key, load_vapid_key
from fedcity.runtime.registry import job_handlers
from fedcity.runtime.worker import Worker
from fedcity.services.accounts.accounts import ensure_instance_actor
from fedcity.services.notifications.push import ensure_vapid_key
from fedcity.storage.db import Database, open_database
from fedcity.storage.migrate import is_up_to_date
from fedcity.urls import Urls
from fedcity.web import activitypub, contexts, front, groups, instance_actor, wellknown
from fedcity.web.federation_gate import federation_gate
from fedcity.web.feeds import syndication
from fedcity.web.middlewares import cors, errors, refuse_nul, same_origin_forms
from fedcity.web.security import security_headers
from fedcity.web.sessions import web_session

log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    *,
    transport: HttpTransport | None = None,
    run_worker: bool = True,
    keypairs: Callable[[], tuple[str, str]] = generate_private_key_pem,
) -> web.Application:
    app = web.Application(
        client_max_size=settings.server.max_body_bytes,
        middlewares=[
            security_headers,
            cors,
            errors,
            refuse_nul,
            federation_gate,
            same_origin_forms,
            web_session,
        ],
    )
    app[WEB_SECRETS] = {}
    app[SETTINGS] = settings
    app[RUN_WORKER] = run_worker
    app[KEYPAIRS] = keypairs
    if transport is not None:
        app[TRANSPORT_OVERRIDE] = transport
    app.cleanup_ctx.append(_resources)
    streaming.setup(app)  # after _resources: it needs the database
    wellknown.add_routes(app)
    # Before activitypub's /@{username}, which would take /@{username}.rss too.
    syndication.add_routes(app)
    activitypub.add_routes(app)
    groups.add_routes(app)
    instance_actor.add_routes(app)
    contexts.add_routes(app)
    front.add_routes(app)
    api.add_routes(app)
    return app


async def build_federation(
    settings: Settings,
    db: Database,
    transport: HttpTransport,
    keypairs: Callable[[], tuple[str, str]] = generate_private_key_pem,
) -> Federation:
    urls = Urls(
        settings.instance.base_url,
        proxy_remote_media=settings.media.remote == "proxy",
    )
    async with db.session() as session:
        instance_actor = await ensure_instance_actor(
            session, urls, settings.instance.domain, keypairs, settings.instance.name
        )
        assertion_key = await ensure_instance_assertion_key(session, urls)
        unavailable = await load_unavailable(session)
    assert instance_actor.key_id
    assert instance_actor.private_key_pem
    key = SigningKey(
        instance_actor.key_id, load_private_key(instance_actor.private_key_pem)
    )
    policy = PolicyHolder(settings)
    await policy.load(db)
    if isinstance(transport, AiohttpTransport):
        transport.policy = policy
    fed = Federation(
        settings=settings,
        urls=urls,
        db=db,
        transport=transport,
        instance_key=key,
        assertion_key=assertion_key,
        policy=policy,
    )
    fed.unavailable_origins.update(unavailable)
    return fed


async def instance_vapid_key(db: Database) -> VapidKey:
    """The instance's Web Push key, made on first start and kept in the database."""
    async with db.session() as session:
        row = await ensure_vapid_key(session, generate_vapid_key)
    return load_vapid_key(row.private_key_pem)


def open_transport(settings: Settings) -> HttpTransport:
    return AiohttpTransport(
        allow_private_addresses=settings.federation.allow_private_addresses,
        timeout_seconds=settings.federation.fetch_timeout_seconds,
        max_connections=max(10, settings.federation.max_concurrent_deliveries),
    )


async def _resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    db = open_database(settings.database)
    if not await is_up_to_date(db):
        await db.dispose()
        raise ConfigError(
            "the database schema is not up to date: run `fedcity migrate`"
        )
    transport = app.get(TRANSPORT_OVERRIDE) or open_transport(settings)
    fed = await build_federation(settings, db, transport, app[KEYPAIRS])
    vapid = await instance_vapid_key(db)
    await attestation_jobs.at_start(fed)
    worker = Worker(fed, job_handlers(vapid))
    fed.wake_worker = worker.wake
    app[DB], app[FEDERATION], app[WORKER], app[VAPID] = db, fed, worker, vapid
    app[INBOX_WRITER] = InboxWriter(db, on_stored=worker.wake)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(stop)) if app[RUN_WORKER] else None
    refresher = asyncio.create_task(fed.policy.run_refresher(db, stop))
    yield
    stop.set()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(refresher, timeout=10)
    if task is not None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)
    await app[INBOX_WRITER].close()
    if TRANSPORT_OVERRIDE not in app:
        await transport.close()
    await db.dispose()
