"""`migrate`, `serve` and `worker`: the commands that run the instance."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from dataclasses import replace

from aiohttp import web

from fedcity.cli.runner import Command, require_schema, run, with_db
from fedcity.config import Settings
from fedcity.storage.db import Database, open_database
from fedcity.storage.migrate import is_up_to_date, upgrade_to_head

log = logging.getLogger("fedcity")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("migrate", help="create or upgrade the database schema")
    sub.add_parser("serve", help="run the web server with an in-process worker")
    worker = sub.add_parser("worker", help="run a delivery worker alone")
    worker.add_argument("--once", action="store_true", help="run until idle, then exit")


async def _migrate_if_needed(db: Database) -> None:
    # A current schema is the common case; Alembic is only loaded to change it.
    if not await is_up_to_date(db):
        await upgrade_to_head(db)


def _use_uvloop() -> None:
    """uvloop's event loop cuts the server's HTTP overhead; plain asyncio otherwise."""
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def _for_migrations(settings: Settings) -> Settings:
    """No statement timeout: building an index on a large table may take minutes."""
    return replace(
        settings, database=replace(settings.database, statement_timeout_seconds=0)
    )


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    run(lambda: with_db(_for_migrations(settings), upgrade_to_head))
    print("fedcity: database schema is up to date", file=sys.stderr)
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.app import create_app

    run(lambda: with_db(_for_migrations(settings), _migrate_if_needed))
    app = create_app(settings, run_worker=settings.worker.in_process)
    base = settings.instance.base_url
    print(
        f"fedcity: {settings.instance.name} is serving at {base} "
        f"(listening on {settings.server.host}:{settings.server.port})\n"
        "fedcity: create the first account with:\n"
        f"  fedcity{_config_flag(args)} account create NAME --password PASSWORD"
        " --role admin\n"
        f"  fedcity{_config_flag(args)} token create NAME",
        file=sys.stderr,
        flush=True,
    )
    _use_uvloop()
    web.run_app(
        app,
        host=settings.server.host,
        port=settings.server.port,
        print=None,
        access_log=None,
        handle_signals=True,
    )
    return 0


def _config_flag(args: argparse.Namespace) -> str:
    return f" -c {args.config}" if args.config else ""


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    run(lambda: _worker(settings, once=args.once))
    return 0


async def _worker(settings: Settings, *, once: bool) -> None:
    from fedcity.app import build_federation, instance_vapid_key, open_transport
    from fedcity.federation.attestations import jobs as attestation_jobs
    from fedcity.runtime.registry import job_handlers
    from fedcity.runtime.worker import Worker
    from fedcity.streaming.bus import open_event_bus, publish_after_commit

    db = open_database(settings.database)
    transport = open_transport(settings)
    # Posts and notifications this worker stores must reach the streams that the
    # `serve` processes hold open (on PostgreSQL, through LISTEN/NOTIFY).
    bus = open_event_bus(settings.database.url)
    publish_after_commit(db.sessionmaker, bus)
    try:
        await require_schema(db)
        await bus.start()
        fed = await build_federation(settings, db, transport)
        await attestation_jobs.at_start(fed)
        worker = Worker(fed, job_handlers(await instance_vapid_key(db)))
        if once:
            await worker.run_until_idle()
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info("worker started")
        refresher = asyncio.create_task(fed.policy.run_refresher(db, stop))
        await worker.run_forever(stop)
        await refresher
    finally:
        await bus.close()
        await transport.close()
        await db.dispose()


COMMANDS: dict[str, Command] = {
    "migrate": cmd_migrate,
    "serve": cmd_serve,
    "worker": cmd_worker,
}
