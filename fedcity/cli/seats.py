"""`official holder|holders|handover|export`: seat accounts and succession (issue
11). The parsers hang under `official` (cli/offices.py); the rules live in
services.offices.seats and seat_records."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys

from fedcity.cli.runner import require_schema, run, with_db
from fedcity.config import Settings
from fedcity.storage.db import Database

ACTIONS = ("holder", "holders", "handover", "export")
FLUSH_SECONDS = 5.0


def add_parsers(official: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    holder = official.add_parser(
        "holder", help="record who holds a seat account now (its first holder)"
    )
    holder.add_argument("seat", help="a local account of capacity official")
    holder.add_argument("name", help="the holder's name, as posts will show it")
    listing = official.add_parser("holders", help="list a seat's holder periods")
    listing.add_argument("seat")
    handover = official.add_parser(
        "handover",
        help="hand a seat over: prints a one-time sign-in link for the successor",
    )
    handover.add_argument("seat")
    handover.add_argument(
        "--successor",
        default=None,
        help="the new holder's name (else asked at sign-in)",
    )
    handover.add_argument(
        "--archive-as",
        default=None,
        help="the outgoing holder's archive: /archives/NAME",
    )
    export = official.add_parser(
        "export", help="the posts of one holder period, for a public-records request"
    )
    export.add_argument("seat")
    export.add_argument("--holder", type=int, default=None, help="default: the latest")
    export.add_argument("--format", choices=("json", "html"), default="json")
    export.add_argument("--lang", default="en", help="the HTML's language")


def cmd_seat(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.offices import seat_records, seats
    from fedcity.urls import Urls

    base = settings.instance.base_url.rstrip("/")
    domain = settings.instance.domain

    async def apply(db: Database) -> list[str]:
        await require_schema(db)
        if args.action == "handover":
            return await _handover(db, args, base)
        async with db.session() as session:
            seat = await seats.find_seat(session, args.seat)
            if args.action == "holder":
                made = await seats.set_holder(session, seat, args.name)
                return [str(made.id)]
            if args.action == "holders":
                return [_line(h, base) for h in await seats.holders(session, seat)]
            found = await seat_records.records(session, seat, args.holder)
            document = seat_records.document(found, Urls(base), domain)
        if args.format == "json":
            return [json.dumps(document, ensure_ascii=False, indent=2)]
        from fedcity.web.offices.records import render_records

        return [render_records(document, args.lang)]

    for line in run(lambda: with_db(settings, apply)):
        print(line)
    return 0


async def _handover(db: Database, args: argparse.Namespace, base: str) -> list[str]:
    """The handover, with the event bus wired as `serve` wires it: on PostgreSQL
    the serve processes hear that the seat's access is revoked and end the
    streams its apps hold open (on SQLite, one process: see docs/offices.md)."""
    from fedcity.services.offices import seats
    from fedcity.streaming.bus import open_event_bus, publish_after_commit

    bus = open_event_bus(db.url)
    publish_after_commit(db.sessionmaker, bus)
    await bus.start()
    try:
        async with db.session() as session:
            seat = await seats.find_seat(session, args.seat)
            done = await seats.handover(
                session,
                seat,
                by=None,
                successor=args.successor,
                archive_as=args.archive_as,
            )
        # Told or not within seconds, the handover stands: the tokens are revoked.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(FLUSH_SECONDS):
                await bus.flush()
    finally:
        await bus.close()
    _report(done, base)
    return [base + seats.link_path(done.token)]


def _line(holder: object, base: str) -> str:
    from fedcity.storage.models import SeatHolder

    assert isinstance(holder, SeatHolder)
    return "\t".join(
        [
            str(holder.id),
            holder.name,
            holder.title or "",
            holder.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            holder.ended_at.strftime("%Y-%m-%dT%H:%M:%SZ") if holder.ended_at else "",
            f"{base}/archives/{holder.archive_name}" if holder.archive_name else "",
        ]
    )


def _report(done: object, base: str) -> None:
    from fedcity.services.offices.seats import Handover

    assert isinstance(done, Handover)
    seat = done.seat.username
    if done.closed is not None:
        print(
            f"fedcity: closed {done.closed.name}'s period at @{seat}", file=sys.stderr
        )
        if done.closed.archive_name:
            print(
                f"fedcity: archive at {base}/archives/{done.closed.archive_name}",
                file=sys.stderr,
            )
    print(
        f"fedcity: signed out {done.ended_sessions} browser(s), revoked "
        f"{done.revoked_tokens} token(s), cancelled {done.cancelled_scheduled} "
        "scheduled status(es); the password and two-factor sign-in are reset",
        file=sys.stderr,
    )
    if done.opened is not None:
        print(f"fedcity: {done.opened.name} holds @{seat} now", file=sys.stderr)
    print(
        f"fedcity: the link works once, until {done.expires_at:%Y-%m-%d %H:%M} UTC",
        file=sys.stderr,
    )
