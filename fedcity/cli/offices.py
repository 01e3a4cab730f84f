"""`official verify|revoke|list|audit`: the offices and candidacies this instance attests
(issue 11), and `account capacity`'s rules live in services.offices too. The seat
commands (`official holder|holders|handover|export`) are in cli/seats.py.
`league follow|unfollow|members`: the member instances whose actors this
instance's actor follows."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from fedcity.cli import seats
from fedcity.cli.runner import Command, federation, require_schema, run, with_db
from fedcity.config import Settings
from fedcity.storage.db import Database


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    official = sub.add_parser(
        "official", help="attest the offices and candidacies of accounts"
    ).add_subparsers(dest="action", required=True)
    verify = official.add_parser(
        "verify", help="attest an office (or with --role candidate, a candidacy)"
    )
    verify.add_argument(
        "account", help="a local name or a remote handle (name@city.example)"
    )
    verify.add_argument(
        "--role", required=True, help="mayor, vice_mayor, …, league_staff, candidate"
    )
    verify.add_argument("--jurisdiction", required=True, help='"Ojai, CA"')
    verify.add_argument("--title", default=None, help='default: "Mayor of Ojai"')
    verify.add_argument("--ocd-id", default=None, help="default: derived")
    verify.add_argument("--population", type=int, default=None)
    verify.add_argument("--seats", type=int, default=None)
    verify.add_argument("--term-start", type=_day, default=None)
    verify.add_argument("--term-end", type=_day, default=None)
    verify.add_argument("--seeking", default=None, help="the office a candidate seeks")
    verify.add_argument("--election-date", type=_day, default=None)
    revoke = official.add_parser("revoke", help="revoke what this instance attested")
    revoke.add_argument("account")
    revoke.add_argument("--role", default=None, help="only this role's (or candidate)")
    listing = official.add_parser("list", help="list attested offices, one per line")
    listing.add_argument(
        "--remote", action="store_true", help="those other verifiers attested"
    )
    listing.add_argument("--state", default=None)
    listing.add_argument("--role", default=None)
    audit = official.add_parser(
        "audit", help="an official-capacity account's blocks, mutes, removed replies"
    )
    audit.add_argument("account", help="a local name")
    audit.add_argument("--limit", type=int, default=100, help="newest first (100)")
    seats.add_parsers(official)
    league = sub.add_parser(
        "league", help="follow member cities' instance actors (their officials' news)"
    ).add_subparsers(dest="action", required=True)
    for action, text in (
        ("follow", "follow the instance actor of DOMAIN"),
        ("unfollow", "stop following the instance actor of DOMAIN"),
    ):
        league.add_parser(action, help=text).add_argument("domain")
    league.add_parser("members", help="the domains this instance's actor follows")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 date (YYYY-MM-DD): {value!r}"
        ) from None


def cmd_official(settings: Settings, args: argparse.Namespace) -> int:
    if args.action in seats.ACTIONS:
        return seats.cmd_seat(settings, args)
    from fedcity.federation.attestations.subjects import find_or_resolve
    from fedcity.services.moderation import action_log
    from fedcity.services.offices import attestations as offices
    from fedcity.urls import Urls

    issuer = offices.Issuer(Urls(settings.instance.base_url), settings.instance.name)
    domain = settings.instance.domain

    async def verify(db: Database) -> str:
        await require_schema(db)
        claim = offices.Claim(
            role=args.role,
            jurisdiction=args.jurisdiction,
            title=args.title,
            ocd_id=args.ocd_id,
            population=args.population,
            seats=args.seats,
            term_start=args.term_start,
            term_end=args.term_end,
            seeking=args.seeking,
            election_date=args.election_date,
        )
        async with federation(settings, db) as fed, db.session() as session:
            subject = await find_or_resolve(fed, session, args.account)
            attestation = await offices.verify(session, issuer, subject, claim)
            await action_log.record_attestation(
                session, None, "verify", attestation, subject
            )
            return attestation.uri

    async def revoke(db: Database) -> list[str]:
        await require_schema(db)
        async with db.session() as session:
            subject = await offices.find_account(session, args.account, domain)
            revoked = await offices.revoke(session, issuer, subject, args.role)
            for attestation in revoked:
                await action_log.record_attestation(
                    session, None, "revoke", attestation, subject
                )
            return [a.uri for a in revoked]

    async def listing(db: Database) -> list[str]:
        await require_schema(db)
        async with db.session() as session:
            found = await offices.list_offices(
                session, remote=args.remote, state=args.state, role=args.role
            )
        return [_line(item, domain) for item in found]

    if args.action == "audit":
        for line in run(lambda: with_db(settings, lambda db: _audit(db, args, domain))):
            print(line)
        return 0
    if args.action == "verify":
        print(run(lambda: with_db(settings, verify)))
        print(f"fedcity: attested {args.account} ({args.role})", file=sys.stderr)
    elif args.action == "revoke":
        for uri in run(lambda: with_db(settings, revoke)):
            print(uri)
    else:
        for line in run(lambda: with_db(settings, listing)):
            print(line)
    return 0


async def _audit(
    db: Database, args: argparse.Namespace, local_domain: str
) -> list[str]:
    """One tab-separated line per entry, newest first: when, action, target, its
    URL, reason."""
    from fedcity.services.moderation.audit import list_entries
    from fedcity.services.offices.attestations import find_account
    from fedcity.storage.queries.posts import Page

    await require_schema(db)
    async with db.session() as session:
        official = await find_account(session, args.account, local_domain)
        entries = await list_entries(
            session, Page(limit=max(1, args.limit)), actor_id=official.id
        )
    return [
        "\t".join(
            [
                e.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                e.action,
                e.target,
                e.target_url or "",
                e.reason or "",
            ]
        )
        for e in entries
    ]


def _line(item: object, local_domain: str) -> str:
    from fedcity.services.offices.attestations import Listed

    assert isinstance(item, Listed)
    a, s = item.attestation, item.subject
    handle = f"@{s.username}@{s.domain or local_domain}"
    reason = f" ({item.view.reason})" if item.view.reason else ""
    return "\t".join(
        [
            handle,
            item.view.status + reason,
            a.role if a.kind == "office" else f"candidate:{a.role}",
            item.view.label,
            f"{a.jurisdiction}, {a.state}",
            a.ocd_id,
            a.uri,
        ]
    )


def cmd_league(settings: Settings, args: argparse.Namespace) -> int:
    from fedcity.federation.attestations import trust

    async def act(db: Database) -> list[str]:
        await require_schema(db)
        async with federation(settings, db) as fed:
            if args.action == "members":
                return await trust.member_instances(fed)
            if args.action == "follow":
                return [(await trust.follow_instance(fed, args.domain)).uri]
            return [(await trust.unfollow_instance(fed, args.domain)).uri]

    for line in run(lambda: with_db(settings, act)):
        print(line)
    return 0


COMMANDS: dict[str, Command] = {"official": cmd_official, "league": cmd_league}
