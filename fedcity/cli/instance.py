"""`report list`, `announcement create|list|delete` and `emoji add|list|remove`: what
the instance's admins read and curate. `instance follow|unfollow|list`: the other
instances whose whole library (case studies, funding opportunities) this one
subscribes to, through their instance actors (issue 14)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fedcity.cli.runner import Command, federation, require_schema, run, with_db
from fedcity.config import Settings
from fedcity.storage.db import Database


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help="read reports").add_subparsers(
        dest="action", required=True
    )
    report.add_parser("list", help="list reports, newest first, one per line")
    _add_announcement_parsers(sub)
    _add_emoji_parsers(sub)
    _add_instance_parsers(sub)


def _add_instance_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    instance = sub.add_parser(
        "instance", help="subscribe to other instances' libraries"
    ).add_subparsers(dest="action", required=True)
    for name, text in (
        ("follow", "follow DOMAIN's instance actor: its library, earlier items too"),
        ("unfollow", "stop following DOMAIN's instance actor"),
    ):
        instance.add_parser(name, help=text).add_argument("domain")
    instance.add_parser(
        "list", help="the instances followed: domain, state, items held from there"
    )


def _add_announcement_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
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


def _add_emoji_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
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


def _one_line_text(value: str, width: int = 60) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _print_lines(
    settings: Settings, output: Callable[[Database], Awaitable[list[str]]]
) -> int:
    """Check the schema, compute the output lines, print them."""

    async def checked(db: Database) -> list[str]:
        await require_schema(db)
        return await output(db)

    for line in run(lambda: with_db(settings, checked)):
        print(line)
    return 0


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    """`report list`: id, date, reporter, reported account, category, forwarded,
    reported status ids, cited rules and comment, tab-separated."""
    from fedcity.api.entities.statuses import acct_of
    from fedcity.services.moderation.reports import list_reports

    async def output(db: Database) -> list[str]:
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

    return _print_lines(settings, output)


def cmd_announcement(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.instance import announcements
    from fedcity.services.moderation import action_log
    from fedcity.urls import Urls

    async def output(db: Database) -> list[str]:
        async with db.session() as session:
            if args.action == "create":
                cmd = announcements.NewAnnouncement(
                    args.text, args.starts_at, args.ends_at, args.all_day
                )
                row = await announcements.create(
                    session, Urls(settings.instance.base_url), cmd
                )
                await action_log.record_announcement(session, None, "create", row)
                return [str(row.id)]
            if args.action == "delete":
                row = await announcements.get(session, args.id)
                await action_log.record_announcement(session, None, "destroy", row)
                await announcements.delete(session, args.id)
                return []
            return [
                f"{row.id}\t{row.published_at:%Y-%m-%d %H:%M}\t"
                f"{_one_line_text(row.text)}"
                for row in await announcements.list_all(session)
            ]

    return _print_lines(settings, output)


def cmd_emoji(settings: Settings, args: argparse.Namespace) -> int:
    """`emoji add|list|remove`: the instance's custom emoji, shown in apps' pickers
    and wherever a post or profile written here uses `:shortcode:`."""
    from pathlib import Path

    from fedcity.services.moderation import action_log
    from fedcity.services.statuses import custom_emojis
    from fedcity.services.statuses.media import MediaStorage
    from fedcity.urls import Urls

    storage = MediaStorage(settings.media.root)
    urls = Urls(settings.instance.base_url)

    async def output(db: Database) -> list[str]:
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
                await action_log.record_emoji(session, None, "create", row)
                lines = [f":{row.shortcode}:\t{urls.media(row.file_path)}"]
            elif args.action == "remove":
                for row in await custom_emojis.list_local(session):
                    if row.shortcode == args.shortcode:
                        await action_log.record_emoji(session, None, "destroy", row)
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

    return _print_lines(settings, output)


def cmd_instance(settings: Settings, args: argparse.Namespace) -> int:
    """`instance follow DOMAIN` and `unfollow DOMAIN` print the instance actor
    followed or left; `instance list` one tab-separated line per instance:
    domain, accepted or pending, library items held from there."""
    from fedcity.federation.library import subscriptions

    async def output(db: Database) -> list[str]:
        async with federation(settings, db) as fed:
            if args.action == "follow":
                return [(await subscriptions.subscribe(fed, args.domain)).uri]
            if args.action == "unfollow":
                return [(await subscriptions.unsubscribe(fed, args.domain)).uri]
            return [
                f"{s.domain}\t{'accepted' if s.accepted else 'pending'}\t{s.items}"
                for s in await subscriptions.subscriptions(fed)
            ]

    return _print_lines(settings, output)


COMMANDS: dict[str, Command] = {
    "report": cmd_report,
    "announcement": cmd_announcement,
    "emoji": cmd_emoji,
    "instance": cmd_instance,
}
