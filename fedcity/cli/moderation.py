"""`account suspend|unsuspend|silence|unsilence NAME` (the moderators' account
actions, logged as done from the command line) and `admin log [--format csv|json]`
(the admin action log, exported on stdout)."""

from __future__ import annotations

import argparse
import sys

from fedcity.cli.runner import Command, require_schema, run, with_db
from fedcity.config import Settings
from fedcity.storage.db import Database

ACCOUNT_ACTIONS = ("suspend", "unsuspend", "silence", "unsilence")


def add_account_parsers(
    account: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Under `account`: one subcommand per action, on a local name or a known
    remote `name@domain`."""
    for action in ACCOUNT_ACTIONS:
        parser = account.add_parser(action, help=f"{action} an account")
        parser.add_argument("name")
        parser.add_argument("--reason", default="", help="recorded in the log")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = sub.add_parser("admin", help="administration records").add_subparsers(
        dest="action", required=True
    )
    log = admin.add_parser("log", help="export the admin action log, oldest first")
    log.add_argument("--format", choices=("csv", "json"), default="csv")


def cmd_account_action(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.moderation import account_actions
    from fedcity.services.offices.attestations import find_account

    async def apply(db: Database) -> None:
        await require_schema(db)
        async with db.session() as session:
            target = await find_account(session, args.name, settings.instance.domain)
            if args.action in account_actions.UNDOING:
                await account_actions.undo_action(session, None, target, args.action)
                return
            cmd = account_actions.AccountAction(args.action, args.reason)
            await account_actions.take_action(session, None, target, cmd)

    run(lambda: with_db(settings, apply))
    print(f"fedcity: {args.action}: {args.name}", file=sys.stderr)
    return 0


def cmd_admin(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.moderation import action_log

    async def output(db: Database) -> str:
        await require_schema(db)
        async with db.session() as session:
            entries = await action_log.all_entries(session)
        return action_log.export(entries, args.format)

    sys.stdout.write(run(lambda: with_db(settings, output)))
    return 0


COMMANDS: dict[str, Command] = {"admin": cmd_admin}
