"""`domain block|unblock|allow|disallow|list|subscribe|unsubscribe`: who this
instance federates with (issue 12). Changes apply in every running process within
`[federation] policy_refresh_seconds`, without a restart."""

from __future__ import annotations

import argparse
from typing import Any

from fedcity.cli.runner import Command, require_schema, run, with_db
from fedcity.config import Settings
from fedcity.domains import authority_of
from fedcity.storage.db import Database

# `--severity` as operators type it → Mastodon's severity and its media flag.
SEVERITIES = {
    "suspend": ("suspend", False),
    "silence": ("silence", False),
    "reject-media": ("noop", True),
}


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    domain = sub.add_parser(
        "domain", help="choose which instances this one federates with"
    ).add_subparsers(dest="action", required=True)
    block = domain.add_parser(
        "block", help="block a domain and its subdomains (host:port: that port only)"
    )
    block.add_argument("domain")
    block.add_argument("--severity", choices=list(SEVERITIES), default="suspend")
    block.add_argument("--reason", default=None, help="private, for moderators")
    block.add_argument("--public-comment", default=None, help="shown to the public")
    for name, text in (
        ("unblock", "lift a domain's block"),
        ("allow", "allow a domain (allowlist mode)"),
        ("disallow", "remove a domain's allow"),
    ):
        domain.add_parser(name, help=text).add_argument("domain")
    domain.add_parser("list", help="list the mode, blocks, allows and subscriptions")
    domain.add_parser(
        "subscribe", help="allow the domains of a published allow list, daily"
    ).add_argument("url")
    domain.add_parser("unsubscribe", help="stop using an allow list").add_argument(
        "url"
    )


def cmd_domain(settings: Settings, args: argparse.Namespace) -> int:
    async def act(db: Database) -> list[str]:
        await require_schema(db)
        if args.action == "subscribe":
            return await _subscribe(settings, db, args.url)
        return await _change(settings, db, args)

    for line in run(lambda: with_db(settings, act)):
        print(line)
    return 0


async def _change(
    settings: Settings, db: Database, args: argparse.Namespace
) -> list[str]:
    from fedcity.services.instance import allow_list_subscriptions as subscriptions
    from fedcity.services.instance import domain_policies as policies

    own = authority_of(settings.instance.base_url)
    async with db.session() as session:
        await policies.seed_config_blocks(session, settings.federation.blocked_domains)
        if args.action == "block":
            severity, media = SEVERITIES[args.severity]
            changes = policies.BlockChanges(
                severity=severity,
                reject_media=media,
                private_comment=args.reason,
                public_comment=args.public_comment,
            )
            row: Any = await policies.block_domain(
                session, args.domain, changes, own=own, by=None
            )
            return [f"blocked {row.domain} ({args.severity})"]
        if args.action == "unblock":
            row = await policies.unblock_domain(session, by=None, domain=args.domain)
            return [f"unblocked {row.domain}"]
        if args.action == "allow":
            row = await policies.allow_domain(session, args.domain, own=own, by=None)
            return [f"allowed {row.domain}"]
        if args.action == "disallow":
            row = await policies.disallow_domain(session, by=None, domain=args.domain)
            return [f"disallowed {row.domain}"]
        if args.action == "unsubscribe":
            await subscriptions.unsubscribe(session, args.url, by=None)
            return [f"unsubscribed from {args.url}"]
        return await _listing(settings, session)


async def _listing(settings: Settings, session: Any) -> list[str]:
    """Tab-separated: the mode; each block (domain, severity, media, reason,
    public comment); each allow; each subscription (url, publisher, count,
    fetched, last error) followed by the domains it allows."""
    from fedcity.services.instance import allow_list_subscriptions as subscriptions
    from fedcity.services.instance import domain_policies as policies

    lines = [f"mode\t{settings.federation.mode}"]
    for b in await policies.list_blocks(session):
        severity = "reject-media" if b.severity == "noop" else b.severity
        lines.append(
            "\t".join(
                [
                    "block",
                    b.domain,
                    severity,
                    "reject-media" if b.reject_media else "-",
                    _flat(b.private_comment),
                    _flat(b.public_comment),
                ]
            )
        )
    lines += [f"allow\t{a.domain}" for a in await policies.list_allows(session)]
    for s in await subscriptions.list_subscriptions(session):
        fetched = f"{s.fetched_at:%Y-%m-%d %H:%M}" if s.fetched_at else "never"
        lines.append(
            f"subscription\t{s.url}\t{s.publisher or '-'}\t{len(s.domains)} domains"
            f"\t{fetched}\t{_flat(s.last_error)}"
        )
        lines += [f"allow\t{d}\tvia {s.url}" for d in s.domains]
    return lines


def _flat(value: str | None) -> str:
    return " ".join(value.split()) if value else "-"


async def _subscribe(settings: Settings, db: Database, url: str) -> list[str]:
    """Record the subscription, fetch and verify the list once now (a wrong URL
    or a bad proof fails here, and the subscription is not kept), then plan the
    daily refresh."""
    from fedcity.app import build_federation, open_transport
    from fedcity.errors import FetchError
    from fedcity.federation.allow_lists import refresh_subscription, schedule_refresh
    from fedcity.services.instance import allow_list_subscriptions as subscriptions

    async with db.session() as session:
        row = await subscriptions.subscribe(session, url, by=None)
    transport = open_transport(settings)
    try:
        fed = await build_federation(settings, db, transport)
        error = await refresh_subscription(fed, row.id)
        if error is not None:
            async with db.session() as session:
                await subscriptions.unsubscribe(
                    session, url, by=None, reason=f"refused: {error}"
                )
            raise FetchError(
                "The allow list at {url} was refused: {error}", url=url, error=error
            )
        await schedule_refresh(fed, row.id)
    finally:
        await transport.close()
    async with db.session() as session:
        found = [
            s for s in await subscriptions.list_subscriptions(session) if s.id == row.id
        ]
    return [f"subscribed to {url}: {len(found[0].domains)} domains allowed"]


COMMANDS: dict[str, Command] = {"domain": cmd_domain}
