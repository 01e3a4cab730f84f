"""`invite create|list|revoke`, `mail test` and `account approve|reject` (issue 12):
invites to sign up, checking the SMTP settings, and the approval queue."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from fedcity.cli.runner import Command, require_schema, run, with_db
from fedcity.config import Settings
from fedcity.storage.db import Database

if TYPE_CHECKING:
    from fedcity.storage.models import Invite


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    invite = sub.add_parser("invite", help="invites to sign up").add_subparsers(
        dest="action", required=True
    )
    create = invite.add_parser("create", help="make an invite; prints its URL")
    create.add_argument("--uses", type=int, default=None, help="how many sign-ups")
    create.add_argument("--expires", default=None, help="30m, 12h, 7d or 2w")
    create.add_argument("--office-role", default=None, help="e.g. mayor")
    create.add_argument("--jurisdiction", default=None, help='e.g. "Ojai, CA"')
    listing = invite.add_parser("list", help="the usable invites")
    listing.add_argument("--all", action="store_true", help="spent ones too")
    revoke = invite.add_parser("revoke", help="revoke an invite")
    revoke.add_argument("code")
    mail = sub.add_parser("mail", help="mail settings").add_subparsers(
        dest="action", required=True
    )
    test = mail.add_parser("test", help="send a test message now")
    test.add_argument("address")


def add_account_parsers(
    account: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """`account approve|reject NAME`, beside the other `account` actions."""
    for action, text in (
        ("approve", "let a pending sign-up in (mails the applicant)"),
        ("reject", "refuse a pending sign-up and remove it (mails the applicant)"),
    ):
        account.add_parser(action, help=text).add_argument("name")


def _url(settings: Settings, code: str) -> str:
    return f"{settings.instance.base_url}/invite/{code}"


def cmd_invite(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.services.sign_ups import invites

    async def act(db: Database) -> list[str]:
        await require_schema(db)
        async with db.session() as session:
            if args.action == "create":
                made = await invites.create_invite(
                    session,
                    invites.NewInvite(
                        max_uses=args.uses,
                        expires_in=None
                        if args.expires is None
                        else invites.parse_duration(args.expires),
                        office_role=args.office_role,
                        jurisdiction=args.jurisdiction,
                    ),
                    by=None,
                )
                return [_url(settings, made.code)]
            if args.action == "revoke":
                gone = await invites.revoke_invite(session, args.code, by=None)
                return [f"revoked {gone.code}"]
            return [
                _line(settings, i)
                for i in await invites.list_invites(session, args.all)
            ]

    lines = run(lambda: with_db(settings, act))
    if lines:
        print("\n".join(lines))
    else:
        print("fedcity: no invites", file=sys.stderr)
    return 0


def _line(settings: Settings, invite: Invite) -> str:
    """Tab-separated: URL, uses (used/most), expiry, office, state ("-": none)."""
    fields = [
        _url(settings, invite.code),
        f"{invite.uses}/{invite.max_uses or '-'}",
        f"{invite.expires_at:%Y-%m-%dT%H:%MZ}" if invite.expires_at else "-",
        f"{invite.office_role}:{invite.jurisdiction}" if invite.office_role else "-",
        "revoked" if invite.revoked_at else "-",
    ]
    return "\t".join(fields)


def cmd_mail(settings: Settings, args: argparse.Namespace) -> int:
    """Sends at once, not through the job queue: the point is to see the answer."""
    from fedcity.mail.smtp import send

    run(
        lambda: send(
            settings.mail,
            args.address,
            f"A test message from {settings.instance.name}",
            f"This message shows that {settings.instance.name} can send mail.\n\n"
            f"{settings.instance.base_url}\n",
        )
    )
    print(f"fedcity: sent a test message to {args.address}", file=sys.stderr)
    return 0


def decide(settings: Settings, args: argparse.Namespace) -> int:
    """`account approve|reject NAME`."""
    from fedcity.services.sign_ups import approvals
    from fedcity.services.sign_ups.registrations import Policy

    async def act(db: Database) -> None:
        await require_schema(db)
        async with db.session() as session:
            actor, _ = await approvals.find_local_login(session, args.name)
            actor, user = await approvals.pending_login(session, actor.id)
            step = approvals.approve if args.action == "approve" else approvals.reject
            await step(session, Policy.of(settings), actor, user, by=None)

    run(lambda: with_db(settings, act))
    done = "approved" if args.action == "approve" else "rejected and removed"
    print(f"fedcity: @{args.name} {done}", file=sys.stderr)
    return 0


COMMANDS: dict[str, Command] = {"invite": cmd_invite, "mail": cmd_mail}
