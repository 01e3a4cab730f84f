"""`fedcity case-study export [--out DIR]` (and `funding export`): the local
items of a kind, one file each, in the form `import` reads (formats), so that
importing an export gives back the same documents.

A file is named by the item's import key, the path of the file it was imported
from (`ojai/potholes` → `ojai/potholes.json`), or else by a slug of its title
(`pothole-blitz.json`, `pothole-blitz-2.json` for the next of that title). An
item written on the web or through the API takes the name it is exported under
as its import key, so that importing the export again as the same account
updates the items instead of copying them. The document written is the one
stored (`LibraryItem.document`, defaults applied), its fields in the schema's
order."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.services.library import formats
from fedcity.storage.models import LibraryItem, LibraryKind
from fedcity.storage.queries import library as q

Writer = Callable[[LibraryKind, Mapping[str, Any]], str]
FORMATS: Final[dict[str, tuple[str, Writer]]] = {
    "json": (".json", formats.write_json),
    "markdown": (".md", formats.write_markdown),
}
_NOT_SLUG: Final = re.compile(r"[^a-z0-9]+")
SLUG_LENGTH: Final = 60


@dataclass(frozen=True)
class ExportedFile:
    """One item's file: its path under the export folder, and its text."""

    name: str
    text: str


async def export_items(
    session: AsyncSession,
    kind: LibraryKind,
    format_name: str,
    *,
    author_id: int | None = None,
) -> list[ExportedFile]:
    """The files of the local items of `kind` that are not withdrawn (only
    `author_id`'s when given), oldest first. Items without an import key take
    their file's name as one (the caller commits)."""
    extension, write = FORMATS[format_name]
    rows = await q.list_local_items(session, kind, author_id)
    names = file_names(rows, await q.list_import_keys(session, kind))
    return [
        ExportedFile(names[item.id] + extension, write(kind, item.document))
        for item in rows
    ]


def file_names(
    rows: Sequence[LibraryItem], keys: Iterable[tuple[int, str]]
) -> dict[int, str]:
    """Each item's file name without its extension: its import key where that
    is a safe relative path no earlier item took, else a free slug of its
    title, which becomes its key if it had none. Names are compared without
    case, for file systems that ignore it."""
    claimed = {(author, key.casefold()) for author, key in keys}
    taken: set[str] = set()
    names: dict[int, str] = {}
    for item in rows:
        key = item.import_key
        if key is not None and _safe(key) and key.casefold() not in taken:
            names[item.id] = key
            taken.add(key.casefold())
    for item in rows:
        if item.id in names:
            continue
        base = slug(item.title, LibraryKind(item.kind))
        name, number = base, 1
        while name.casefold() in taken or (
            item.import_key is None and (item.actor_id, name.casefold()) in claimed
        ):
            number += 1
            name = f"{base}-{number}"
        names[item.id] = name
        taken.add(name.casefold())
        if item.import_key is None:
            item.import_key = name
            claimed.add((item.actor_id, name.casefold()))
    return names


def _safe(key: str) -> bool:
    """Whether a key can be a file's path under the export folder (relative, no
    `..`, nothing hidden, which an import would skip)."""
    parts = key.split("/")
    return (
        all(
            part and not part.startswith(".") and "\\" not in part and "\0" not in part
            for part in parts
        )
        and not PurePosixPath(key).is_absolute()
    )


def slug(title: str, kind: LibraryKind) -> str:
    """`Pothole blitz: 9 → 2 days` → `pothole-blitz-9-2-days` (ASCII, at most 60
    characters; the kind's name when nothing is left)."""
    ascii_title = (
        unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    )
    made = _NOT_SLUG.sub("-", ascii_title.lower()).strip("-")
    made = made[:SLUG_LENGTH].rstrip("-")
    return made or kind.value.replace("_", "-")


def write_files(out: Path, files: Sequence[ExportedFile]) -> None:
    """Write the files under `out` (made if missing), replacing files of the
    same names; other files there are left alone."""
    for exported in files:
        path = out.joinpath(*exported.name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(exported.text.encode("utf-8"))
