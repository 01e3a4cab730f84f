"""The command line: migrate | serve | worker | account create/capacity | token create
| official verify/revoke/list | report list | announcement create/list/delete |
emoji add/list/remove | account suspend/unsuspend/silence/unsilence | admin log |
domain block/unblock/allow/disallow/list/subscribe/unsubscribe | invite
create/list/revoke | mail test | group create/list/moderator/delete | instance
follow/unfollow/list | case-study import/export | funding import/export.

Every failure an operator can cause (bad configuration, unreachable or missing
database, wrong credentials) ends in one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from fedcity.cli import (
    accounts,
    domains,
    groups,
    instance,
    library,
    moderation,
    offices,
    server,
    sign_ups,
)
from fedcity.cli.runner import Command
from fedcity.config import load_settings
from fedcity.errors import ConfigError, FedcityError

# In this order in `fedcity --help`.
COMMAND_GROUPS = (
    server,
    accounts,
    offices,
    groups,
    library,
    instance,
    moderation,
    domains,
    sign_ups,
)

COMMANDS: dict[str, Command] = {
    name: command
    for group in COMMAND_GROUPS
    for name, command in group.COMMANDS.items()
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fedcity", description="fedcity server")
    parser.add_argument(
        "-c",
        "--config",
        default=os.environ.get("FEDCITY_CONFIG"),
        help="TOML configuration file (default: $FEDCITY_CONFIG, else defaults)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.add_parsers(sub)
    return parser


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
