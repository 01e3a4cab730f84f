"""Bulk loading (`fedcity case-study import ACCOUNT PATH...`, `funding import`):
files of case studies or funding opportunities become items of one local
account, as if that account had posted each through the API.

Every file is one item. Its import key is its path relative to the folder it
was found in (or its own name, for a file named on the command line), without
its extension, in Unicode NFC: `ojai/potholes.md` → `ojai/potholes`. An item
keeps the key of the file it came from (`library_items.import_key`, unique per
author and kind), so importing the same file again updates that item (a new
version, an Update federated) or, when nothing changed, leaves it alone; a file
whose item its author has withdrawn is refused, since importing it again would
undo the withdrawal. A JSON file and a Markdown file of the same name are the
same item (a library moved from one format to the other stays one library).

A file that cannot be read or whose document is invalid is refused with every
reason; the others are imported all the same. Reading happens before any
write, so a refusal never leaves half an item."""

from __future__ import annotations

import enum
import os
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import DocumentInvalid, Gone, NotFound, Problem, Unprocessable
from fedcity.i18n import N_
from fedcity.services.library import formats, items
from fedcity.services.library.validation import validate_document
from fedcity.storage.models import Actor, LibraryItem, LibraryKind
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import library as q
from fedcity.urls import Urls

# What each extension (in any case) is read as.
EXTENSIONS: Final = {".json": "json", ".md": "markdown", ".markdown": "markdown"}
MAX_KEY: Final = 512  # library_items.import_key

NOT_FOUND: Final = N_("no such file or folder")
NOT_A_DOCUMENT: Final = N_("not a JSON (.json) or Markdown (.md) file")
UNREADABLE: Final = N_("cannot be read: {reason}")
NOT_UTF8: Final = N_("is not UTF-8 text")
SAME_ITEM: Final = N_(
    "is the same item as {other} (the same path but for its extension): "
    "import one of them"
)
NAME_NOT_UTF8: Final = N_("its name is not UTF-8")
KEY_TOO_LONG: Final = N_("its path is too long: at most 512 characters")


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Source:
    """A file to import: where it is, how the operator named it, its key."""

    path: Path
    shown: str
    key: str


@dataclass(frozen=True)
class Refusal:
    """A file left out, and why."""

    shown: str
    problems: tuple[Problem, ...]

    def line(self) -> str:
        """`path: field: what is wrong; …`, as the command prints it."""
        return f"{self.shown}: " + "; ".join(p.line() for p in self.problems)


@dataclass
class Plan:
    """What a run of the command will read, and what it refused already."""

    sources: list[Source] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    """Where the files go: `author`'s items of `kind`, on the instance `urls`."""

    author_name: str
    kind: LibraryKind
    urls: Urls
    default_license: str


def plan_sources(paths: Sequence[str]) -> Plan:
    """The files the command's PATHs name, in order: a file as named, a folder's
    files (and its folders', but not hidden ones) by path. Paths that name
    nothing, files of other kinds and a second file of the same key are refused
    here, before anything is read."""
    plan = Plan()
    seen: dict[str, str] = {}
    for given in paths:
        root = Path(given)
        if root.is_dir():
            found = sorted(
                ((path, path.relative_to(root)) for path in _files_in(root)),
                key=lambda pair: pair[1].parts,
            )
        elif root.is_file():
            found = [(root, Path(root.name))]
        else:
            plan.refused.append(Refusal(given, (Problem("", NOT_FOUND),)))
            continue
        for path, relative in found:
            shown = _printable(given if path == root else str(Path(given) / relative))
            _add(plan, seen, path, shown, relative)
    return plan


def _files_in(root: Path) -> Iterator[Path]:
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def _add(
    plan: Plan, seen: dict[str, str], path: Path, shown: str, relative: Path
) -> None:
    problem: Problem | None = None
    key = import_key(relative)
    if path.suffix.lower() not in EXTENSIONS:
        problem = Problem("", NOT_A_DOCUMENT)
    elif _printable(key) != key:
        problem = Problem("", NAME_NOT_UTF8)
    elif len(key) > MAX_KEY:
        problem = Problem("", KEY_TOO_LONG)
    elif key in seen:
        problem = Problem("", SAME_ITEM, {"other": seen[key]})
    if problem is not None:
        plan.refused.append(Refusal(shown, (problem,)))
        return
    seen[key] = shown
    plan.sources.append(Source(path, shown, key))


def _printable(name: str) -> str:
    """A file name as it can be printed and stored: bytes that are not UTF-8
    (which Python keeps as lone surrogates) shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def import_key(relative: Path) -> str:
    """The key of a file found at `relative` (to its folder): the path in `/`
    form without the extension, in NFC (macOS writes names decomposed)."""
    stem = PurePosixPath(*relative.parts).with_suffix("")
    return unicodedata.normalize("NFC", str(stem))


def read_source(kind: LibraryKind, source: Source) -> object:
    """The document in a file, not yet validated.

    Raises:
        DocumentInvalid: unreadable, not UTF-8, or not JSON or Markdown as the
            formats module reads them.
    """
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DocumentInvalid(
            problems=[Problem("", UNREADABLE, {"reason": reason})]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentInvalid(problems=[Problem("", NOT_UTF8)]) from None
    if EXTENSIONS[source.path.suffix.lower()] == "json":
        return formats.read_json(text)
    return formats.read_markdown(kind, text)


async def find_author(
    session: AsyncSession, name: str, *, writing: bool = True
) -> Actor:
    """The local account the items are imported as (a person, not suspended
    when `writing`), or whose items are exported.

    Raises:
        NotFound: no such local account. Unprocessable: suspended.
    """
    actor = await actor_q.get_local_actor(session, name.lstrip("@"))
    if actor is None or actor.actor_type in ("Group", "Application"):
        raise NotFound("No account {account} is known here", account=name)
    if writing and actor.suspended_at is not None:
        raise Unprocessable("This account is suspended")
    return actor


async def import_batch(
    session: AsyncSession, target: Target, sources: Sequence[Source]
) -> list[Outcome | Refusal]:
    """Import `sources` in the caller's transaction: what became of each, in
    order. The caller commits (a batch at a time: a commit per item costs more
    than the item on PostgreSQL)."""
    author = await find_author(session, target.author_name)
    before = await q.get_items_by_import_keys(
        session, author.id, target.kind, [source.key for source in sources]
    )
    done: list[Outcome | Refusal] = []
    for source in sources:
        try:
            doc = read_source(target.kind, source)
            done.append(
                await import_document(
                    session, target, author, source.key, doc, before.get(source.key)
                )
            )
        except DocumentInvalid as exc:
            done.append(Refusal(source.shown, exc.problems))
        except Gone as exc:
            done.append(Refusal(source.shown, (Problem("", exc.template, exc.params),)))
    return done


async def import_document(
    session: AsyncSession,
    target: Target,
    author: Actor,
    key: str,
    doc: object,
    item: LibraryItem | None,
) -> Outcome:
    """Create `author`'s item of the file `key`, or update `item`, the one
    made from that file before (nothing when the document is the same).

    Raises:
        DocumentInvalid: the document is invalid (nothing was written).
        Gone: the item of that file was withdrawn by its author.
    """
    license_ = target.default_license
    if item is None:
        await items.create_item(
            session,
            target.urls,
            author,
            target.kind,
            doc,
            default_license=license_,
            import_key=key,
        )
        return Outcome.CREATED
    if item.withdrawn_at is not None:
        raise Gone(items.WITHDRAWN)
    stored = validate_document(target.kind, doc, default_license=license_)
    if stored == item.document:
        return Outcome.UNCHANGED
    await items.update_item(
        session, target.urls, author, item, stored, default_license=license_
    )
    return Outcome.UPDATED
