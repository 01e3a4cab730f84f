"""`group create|list|delete` and `group moderator add|remove NAME USER`: discussion
groups (docs/groups.md)."""

from __future__ import annotations

import argparse
import sys

from fedcity.cli.runner import Command, require_schema, run, with_db
from fedcity.config import Settings
from fedcity.storage.db import Database

VISIBILITIES = ("public", "members")
POLICIES = ("open", "approval", "officials")
QUORUM_GUARDS = ("warn", "restrict", "off")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("group", help="manage discussion groups").add_subparsers(
        dest="action", required=True
    )
    create = group.add_parser("create", help="create a group")
    create.add_argument("name")
    create.add_argument("--display-name", default="")
    create.add_argument("--description", default="")
    create.add_argument("--visibility", choices=VISIBILITIES, default="public")
    create.add_argument("--policy", choices=POLICIES, default="open")
    create.add_argument(
        "--quorum-guard",
        choices=QUORUM_GUARDS,
        default="",
        help="default: [groups] quorum_guard, else warn for members groups, "
        "off for public ones",
    )
    create.add_argument(
        "--moderator", action="append", default=[], help="a local account (repeat)"
    )
    group.add_parser("list", help="list the groups, one a line")
    moderator = group.add_parser(
        "moderator", help="add or remove a moderator"
    ).add_subparsers(dest="moderator_action", required=True)
    for action in ("add", "remove"):
        parser = moderator.add_parser(action, help=f"{action} a moderator")
        parser.add_argument("name")
        parser.add_argument("user")
    delete = group.add_parser("delete", help="delete a group")
    delete.add_argument("name")


def cmd_group(settings: Settings, args: argparse.Namespace) -> int:
    handlers = {
        "create": _create,
        "list": _list,
        "moderator": _moderator,
        "delete": _delete,
    }
    return handlers[args.action](settings, args)


def _create(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.federation.signatures.keys import generate_private_key_pem
    from fedcity.services.groups.groups import NewGroup, create_group
    from fedcity.urls import Urls

    cmd = NewGroup(
        name=args.name,
        display_name=args.display_name,
        description=args.description,
        visibility=args.visibility,
        policy=args.policy,
        quorum_guard=args.quorum_guard,
        moderators=tuple(args.moderator),
    )

    async def create(db: Database) -> str:
        await require_schema(db)
        async with db.session() as session:
            view = await create_group(
                session,
                Urls(settings.instance.base_url),
                cmd,
                generate_private_key_pem(),
                configured_guard=settings.groups.quorum_guard,
            )
            return view.group.quorum_guard

    guard = run(lambda: with_db(settings, create))
    print(
        f"fedcity: created group @{args.name}@{settings.instance.domain} "
        f"({args.visibility}, {args.policy}, quorum guard {guard})",
        file=sys.stderr,
    )
    return 0


def _list(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.groups.groups import GroupView, list_groups

    async def listing(db: Database) -> list[GroupView]:
        await require_schema(db)
        async with db.session() as session:
            return await list_groups(session)

    for view in run(lambda: with_db(settings, listing)):
        moderators = ",".join(m.username for m in view.moderators) or "-"
        print(
            f"{view.actor.username}\t{view.group.visibility}\t{view.group.policy}\t"
            f"{view.group.quorum_guard}\t{view.actor.followers_count}\t{moderators}\t"
            f"{view.actor.display_name}"
        )
    return 0


def _moderator(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.groups import groups

    change = (
        groups.add_moderator
        if args.moderator_action == "add"
        else groups.remove_moderator
    )

    async def apply(db: Database) -> None:
        await require_schema(db)
        async with db.session() as session:
            await change(session, args.name, args.user)

    run(lambda: with_db(settings, apply))
    done = "is" if args.moderator_action == "add" else "is no longer"
    print(f"fedcity: @{args.user} {done} a moderator of {args.name}", file=sys.stderr)
    return 0


def _delete(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.groups.groups import delete_group

    async def apply(db: Database) -> None:
        await require_schema(db)
        async with db.session() as session:
            await delete_group(session, args.name)

    run(lambda: with_db(settings, apply))
    print(f"fedcity: deleted group {args.name}", file=sys.stderr)
    return 0


COMMANDS: dict[str, Command] = {"group": cmd_group}
