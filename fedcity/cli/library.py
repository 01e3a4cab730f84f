"""`case-study import|export` and `funding import|export`: bulk loading the
library's case studies and funding opportunities from files, and writing them
out as files again (docs/library.md, "Import and export")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Final

from fedcity.cli.progress import ProgressBar
from fedcity.cli.runner import Command, require_schema, run, with_db
from fedcity.config import Settings
from fedcity.storage.db import Database
from fedcity.storage.models import LibraryKind

# command → (kind, what its items are called, the export's default folder)
KINDS: Final = {
    "case-study": (LibraryKind.CASE_STUDY, "case studies", "case-studies"),
    "funding": (
        LibraryKind.FUNDING_OPPORTUNITY,
        "funding opportunities",
        "funding-opportunities",
    ),
}
# Files imported per transaction: a commit per item costs more than the item on
# PostgreSQL, and a batch is small enough that an interruption loses little (a
# re-run picks up where it stopped, by the files' keys).
BATCH: Final = 100


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for command, (_, items, folder) in KINDS.items():
        actions = sub.add_parser(
            command, help=f"import and export {items}"
        ).add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "import",
            help=f"import {items} from JSON or Markdown files, or folders of them, "
            "as ACCOUNT's; a file imported before updates its item",
        )
        load.add_argument("account", help="a local account")
        load.add_argument("paths", nargs="+", metavar="PATH")
        dump = actions.add_parser(
            "export", help=f"write the local {items} as files, one each"
        )
        dump.add_argument("--out", default=folder, help=f"default: ./{folder}")
        dump.add_argument("--format", choices=("json", "markdown"), default="json")
        dump.add_argument("--account", default=None, help="only this account's")


def cmd_library(settings: Settings, args: argparse.Namespace) -> int:
    kind, items, _ = KINDS[args.command]
    if args.action == "import":
        return _import(settings, args, kind)
    return _export(settings, args, kind, items)


def _import(settings: Settings, args: argparse.Namespace, kind: LibraryKind) -> int:
    from fedcity.services.library.importing import (
        Outcome,
        Refusal,
        Target,
        find_author,
        import_batch,
        plan_sources,
    )
    from fedcity.urls import Urls

    target = Target(
        args.account, kind, Urls(settings.instance.base_url), settings.library.license
    )
    plan = plan_sources(args.paths)
    bar = ProgressBar(len(plan.sources), sys.stderr, "importing")

    async def load(db: Database) -> list[Outcome | Refusal]:
        await require_schema(db)
        async with db.session() as session:
            await find_author(session, args.account)  # before reading any file
        done: list[Outcome | Refusal] = []
        for start in range(0, len(plan.sources), BATCH):
            batch = plan.sources[start : start + BATCH]
            async with db.session() as session:
                done += await import_batch(session, target, batch)
            bar.advance(len(batch))
        return done

    try:
        done = run(lambda: with_db(settings, load))
    finally:
        bar.close()
    refused = sorted(
        [*plan.refused, *(r for r in done if isinstance(r, Refusal))],
        key=lambda r: r.shown,
    )
    outcomes = [o for o in done if isinstance(o, Outcome)]
    print(f"imported {len(outcomes)}, refused {len(refused)}")
    for refusal in refused:
        print(refusal.line())
    counts = ", ".join(f"{outcomes.count(o)} {o.value}" for o in Outcome)
    print(f"fedcity: {counts}", file=sys.stderr)
    return 1 if refused else 0


def _export(
    settings: Settings, args: argparse.Namespace, kind: LibraryKind, items: str
) -> int:
    from fedcity.services.library.exporting import (
        ExportedFile,
        export_items,
        write_files,
    )
    from fedcity.services.library.importing import find_author

    async def dump(db: Database) -> list[ExportedFile]:
        await require_schema(db)
        async with db.session() as session:
            author = None
            if args.account is not None:
                author = await find_author(session, args.account, writing=False)
            return await export_items(
                session, kind, args.format, author_id=author.id if author else None
            )

    files = run(lambda: with_db(settings, dump))
    write_files(Path(args.out), files)
    print(f"exported {len(files)} to {args.out}")
    print(f"fedcity: wrote {len(files)} {items} as {args.format}", file=sys.stderr)
    return 0


COMMANDS: dict[str, Command] = {"case-study": cmd_library, "funding": cmd_library}
