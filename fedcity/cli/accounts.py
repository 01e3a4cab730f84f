"""`account create|capacity|approve|reject` and `token create`: local accounts, the capacity they
speak in, and their API tokens."""

from __future__ import annotations

import argparse
import sys

from fedcity.cli import moderation, sign_ups
from fedcity.cli.runner import Command, require_schema, run, with_db
from fedcity.config import Settings
from fedcity.storage.db import Database


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    account = sub.add_parser("account", help="manage local accounts").add_subparsers(
        dest="action", required=True
    )
    create = account.add_parser("create", help="create a local account")
    create.add_argument("name")
    create.add_argument("--password", required=True)
    create.add_argument("--role", default="user")
    create.add_argument("--display-name", default="")
    capacity = account.add_parser(
        "capacity", help="set the capacity an account speaks in"
    )
    capacity.add_argument("name")
    capacity.add_argument("capacity", choices=("official", "personal", "campaign"))
    moderation.add_account_parsers(account)
    sign_ups.add_account_parsers(account)
    token = sub.add_parser("token", help="manage API tokens").add_subparsers(
        dest="action", required=True
    )
    token_create = token.add_parser(
        "create", help="create a bearer token; prints it alone"
    )
    token_create.add_argument("name")
    token_create.add_argument("--scopes", default="read write follow push")


def cmd_account(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "capacity":
        return _set_capacity(settings, args)
    if args.action in moderation.ACCOUNT_ACTIONS:
        return moderation.cmd_account_action(settings, args)
    if args.action in ("approve", "reject"):
        return sign_ups.decide(settings, args)
    from fedcity.federation.signatures.keys import generate_private_key_pem
    from fedcity.services.accounts.accounts import NewLocalAccount, create_local_account
    from fedcity.urls import Urls

    async def create(db: Database) -> None:
        await require_schema(db)
        cmd = NewLocalAccount(args.name, args.password, args.role, args.display_name)
        async with db.session() as session:
            await create_local_account(
                session,
                Urls(settings.instance.base_url),
                cmd,
                generate_private_key_pem(),
            )

    run(lambda: with_db(settings, create))
    print(
        f"fedcity: created @{args.name}@{settings.instance.domain} ({args.role})",
        file=sys.stderr,
    )
    return 0


def _set_capacity(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.offices import attestations as offices

    async def apply(db: Database) -> None:
        await require_schema(db)
        async with db.session() as session:
            actor = await offices.find_account(
                session, args.name, settings.instance.domain
            )
            if not actor.is_local:
                from fedcity.errors import Unprocessable

                raise Unprocessable("Only a local account's capacity can be set")
            await offices.set_capacity(session, actor, args.capacity)

    run(lambda: with_db(settings, apply))
    print(f"fedcity: @{args.name} speaks as {args.capacity}", file=sys.stderr)
    return 0


def cmd_token(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.accounts.accounts import create_token

    async def create(db: Database) -> str:
        await require_schema(db)
        async with db.session() as session:
            return await create_token(session, args.name, args.scopes)

    print(run(lambda: with_db(settings, create)))
    return 0


COMMANDS: dict[str, Command] = {"account": cmd_account, "token": cmd_token}
