"""The command line: migrate | serve | worker | account create | token create |
report list | announcement create/list/delete | emoji add/list/remove.

Every failure an operator can cause (bad configuration, unreachable or missing
database, wrong credentials) ends in one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from fedcity.config import Settings, load_settings
from fedcity.errors import ConfigError, FedcityError
from fedcity.storage.db import Database
from fedcity.storage.migrate import is_up_to_date, upgrade_to_head

log = logging.getLogger("fedcity")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fedcity", description="fedcity server")
    parser.add_argument(
        "-c",
        "--config",
        default=os.environ.get("FEDCITY_CONFIG"),
        help="TOML configuration file (default: $FEDCITY_CONFIG, else defaults)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the database schema")
    sub.add_parser("serve", help="run the web server with an in-process worker")
    worker = sub.add_parser("worker", help="run a delivery worker alone")
    worker.add_argument("--once", action="store_true", help="run until idle, then exit")
    account = sub.add_parser("account", help="manage local accounts").add_subparsers(
        dest="action", required=True
    )
    create = account.add_parser("create", help="create a local account")
    create.add_argument("name")
    create.add_argument("--password", required=True)
    create.add_argument("--role", default="user")
    create.add_argument("--display-name", default="")
    token = sub.add_parser("token", help="manage API tokens").add_subparsers(
        dest="action", required=True
    )
    token_create = token.add_parser(
        "create", help="create a bearer token; prints it alone"
    )
    token_create.add_argument("name")
    token_create.add_argument("--scopes", default="read write follow push")
    report = sub.add_parser("report", help="read reports").add_subparsers(
        dest="action", required=True
    )
    report.add_parser("list", help="list reports, newest first, one per line")
    notice = sub.add_parser(
        "announcement", help="manage announcements shown in apps"
    ).add_subparsers(dest="action", required=True)
    notice_create = notice.add_parser(
        "create", help="publish an announcement; prints its id"
    )
    notice_create.add_argument("text")
    notice_create.add_argument("--starts-at", type=_moment, default=None)
    notice_create.add_argument("--ends-at", type=_moment, default=None)
    notice_create.add_argument("--all-day", action="store_true")
    notice.add_parser("list", help="list announcements, one per line")
    notice_delete = notice.add_parser("delete", help="withdraw an announcement")
    notice_delete.add_argument("id", type=int)
    emoji = sub.add_parser("emoji", help="manage custom emoji").add_subparsers(
        dest="action", required=True
    )
    emoji_add = emoji.add_parser(
        "add", help="add a custom emoji from a PNG, GIF or WebP file (≤ 256 KiB)"
    )
    emoji_add.add_argument("shortcode", type=_shortcode)
    emoji_add.add_argument("file")
    emoji_add.add_argument("--category", default=None)
    emoji_add.add_argument(
        "--hidden", action="store_true", help="usable, but not offered in pickers"
    )
    emoji.add_parser("list", help="list custom emoji, one per line")
    emoji_remove = emoji.add_parser("remove", help="remove a custom emoji")
    emoji_remove.add_argument("shortcode", type=_shortcode)
    return parser


def _shortcode(value: str) -> str:
    """`city_flag` or `:city_flag:`, as it is typed in a post."""
    return value.strip(":")


def _moment(value: str) -> datetime:
    """An ISO 8601 date or date and time; UTC when no offset is given."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 date or time: {value!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("FEDCITY_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = load_settings(args.config)
        command = COMMANDS[args.command]
        return command(settings, args)
    except KeyboardInterrupt:
        return 130
    except (FedcityError, SQLAlchemyError, OSError) as exc:
        print(f"fedcity: error: {_one_line(exc)}", file=sys.stderr)
        return 1


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, FedcityError):
        return exc.message if not isinstance(exc, ConfigError) else str(exc.message)
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return f"database: {str(exc.orig).strip().splitlines()[0]}"
    if isinstance(exc, SQLAlchemyError):
        return f"database: {str(exc).strip().splitlines()[0]}"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _run(coro_fn: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(_wrap(coro_fn))


async def _wrap(coro_fn: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return await coro_fn()
    except Exception as exc:
        # asyncpg raises its own errors outside SQLAlchemy's hierarchy on connect.
        if type(exc).__module__.startswith("asyncpg"):
            raise ConfigError(f"database: {exc}") from exc
        raise


async def _with_db(settings: Settings, fn: Callable[[Database], Awaitable[Any]]) -> Any:
    where = _database_location(settings.database.url)
    try:
        db = Database(settings.database.url)
    except OSError as exc:
        raise ConfigError(f"database: cannot create {where}: {_reason(exc)}") from exc
    try:
        return await fn(db)
    except OSError as exc:  # refused, unreachable host, DNS failure
        raise ConfigError(
            f"database: cannot connect to {where}: {_reason(exc)}"
        ) from exc
    finally:
        await db.dispose()


def _database_location(url: str) -> str:
    """host:port/name or the SQLite path, never the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite database {parsed.database}"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.host or 'localhost'}{port}/{parsed.database or ''}"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


async def _require_schema(db: Database) -> None:
    if not await is_up_to_date(db):
        raise ConfigError(
            "the database schema is not up to date: run `fedcity migrate` first"
        )


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


# --- commands ----------------------------------------------------------------


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    _run(lambda: _with_db(settings, upgrade_to_head))
    print("fedcity: database schema is up to date", file=sys.stderr)
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.app import create_app

    _run(lambda: _with_db(settings, _migrate_if_needed))
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
    _run(lambda: _worker(settings, once=args.once))
    return 0


async def _worker(settings: Settings, *, once: bool) -> None:
    from fedcity.app import build_federation, instance_vapid_key, open_transport
    from fedcity.runtime.registry import job_handlers
    from fedcity.runtime.worker import Worker
    from fedcity.streaming.bus import open_event_bus, publish_after_commit

    db = Database(settings.database.url)
    transport = open_transport(settings)
    # Posts and notifications this worker stores must reach the streams that the
    # `serve` processes hold open (on PostgreSQL, through LISTEN/NOTIFY).
    bus = open_event_bus(settings.database.url)
    publish_after_commit(db.sessionmaker, bus)
    try:
        await _require_schema(db)
        await bus.start()
        fed = await build_federation(settings, db, transport)
        worker = Worker(fed, job_handlers(await instance_vapid_key(db)))
        if once:
            await worker.run_until_idle()
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info("worker started")
        await worker.run_forever(stop)
    finally:
        await bus.close()
        await transport.close()
        await db.dispose()


def cmd_account(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.federation.signatures.keys import generate_private_key_pem
    from fedcity.services.accounts.accounts import NewLocalAccount, create_local_account
    from fedcity.urls import Urls

    async def create(db: Database) -> None:
        await _require_schema(db)
        cmd = NewLocalAccount(args.name, args.password, args.role, args.display_name)
        async with db.session() as session:
            await create_local_account(
                session,
                Urls(settings.instance.base_url),
                cmd,
                generate_private_key_pem(),
            )

    _run(lambda: _with_db(settings, create))
    print(
        f"fedcity: created @{args.name}@{settings.instance.domain} ({args.role})",
        file=sys.stderr,
    )
    return 0


def cmd_token(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.accounts.accounts import create_token

    async def create(db: Database) -> str:
        await _require_schema(db)
        async with db.session() as session:
            return await create_token(session, args.name, args.scopes)

    print(_run(lambda: _with_db(settings, create)))
    return 0


def _one_line_text(value: str, width: int = 60) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    """`report list`: id, date, reporter, reported account, category, forwarded,
    reported status ids, cited rules and comment, tab-separated."""
    from fedcity.api.entities.statuses import acct_of
    from fedcity.services.moderation.reports import list_reports

    async def run(db: Database) -> list[str]:
        await _require_schema(db)
        async with db.session() as session:
            rows = await list_reports(session)
        return [
            "\t".join(
                [
                    str(r.id),
                    r.created_at.strftime("%Y-%m-%d %H:%M"),
                    acct_of(reporter),
                    acct_of(target),
                    r.category,
                    "forwarded" if r.forwarded else "-",
                    ",".join(map(str, r.status_ids)) or "-",
                    ",".join(r.rule_ids or []) or "-",
                    _one_line_text(r.comment) or "-",
                ]
            )
            for r, reporter, target in rows
        ]

    for line in _run(lambda: _with_db(settings, run)):
        print(line)
    return 0


def cmd_announcement(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.instance import announcements
    from fedcity.urls import Urls

    async def run(db: Database) -> list[str]:
        await _require_schema(db)
        async with db.session() as session:
            if args.action == "create":
                cmd = announcements.NewAnnouncement(
                    args.text, args.starts_at, args.ends_at, args.all_day
                )
                row = await announcements.create(
                    session, Urls(settings.instance.base_url), cmd
                )
                return [str(row.id)]
            if args.action == "delete":
                await announcements.delete(session, args.id)
                return []
            return [
                f"{row.id}\t{row.published_at:%Y-%m-%d %H:%M}\t"
                f"{_one_line_text(row.text)}"
                for row in await announcements.list_all(session)
            ]

    for line in _run(lambda: _with_db(settings, run)):
        print(line)
    return 0


def cmd_emoji(settings: Settings, args: argparse.Namespace) -> int:
    """`emoji add|list|remove`: the instance's custom emoji, shown in apps' pickers
    and wherever a post or profile written here uses `:shortcode:`."""
    from pathlib import Path

    from fedcity.services.statuses import custom_emojis
    from fedcity.services.statuses.media import MediaStorage
    from fedcity.urls import Urls

    storage = MediaStorage(settings.media.root)
    urls = Urls(settings.instance.base_url)

    async def run(db: Database) -> list[str]:
        await _require_schema(db)
        async with db.session() as session:
            if args.action == "add":
                row = await custom_emojis.add_local(
                    session,
                    storage,
                    args.shortcode,
                    Path(args.file),
                    category=args.category,
                    visible_in_picker=not args.hidden,
                )
                lines = [f":{row.shortcode}:\t{urls.media(row.file_path)}"]
            elif args.action == "remove":
                await custom_emojis.remove_local(session, args.shortcode)
                lines = []
            else:
                lines = [
                    f":{row.shortcode}:\t{row.category or '-'}\t"
                    f"{'shown' if row.visible_in_picker else 'hidden'}\t"
                    f"{urls.media(row.file_path)}"
                    for row in await custom_emojis.list_local(session)
                ]
        return lines

    for line in _run(lambda: _with_db(settings, run)):
        print(line)
    return 0


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "migrate": cmd_migrate,
    "serve": cmd_serve,
    "worker": cmd_worker,
    "account": cmd_account,
    "token": cmd_token,
    "report": cmd_report,
    "announcement": cmd_announcement,
    "emoji": cmd_emoji,
}
