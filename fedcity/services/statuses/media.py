"""Media attachments: receiving uploads, describing them, attaching them to posts.

Files live under the media root as YYYY/MM/<id>.<ext> (thumbnails <id>-small.<ext>).
An upload is written to a temporary file as it arrives; its type is decided from its
first bytes and its size limit follows from that type. Images are re-encoded (see
`imaging`); video and audio are kept as they came. Files are put in place with a
rename, so a reader never sees half a file.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import FedcityError, NotFound, PayloadTooLarge, Unprocessable
from fedcity.i18n import N_
from fedcity.ids import new_id
from fedcity.services.limits import (
    MAX_MEDIA_DESCRIPTION,
    check_length,
)
from fedcity.services.ownership import require_own
from fedcity.services.statuses import imaging
from fedcity.storage.models import Actor, MediaAttachment, MediaType, Post
from fedcity.storage.queries import media as q
from fedcity.storage.types import utcnow

# A stored file's path relative to the root: YYYY/MM/<id>[-small].<ext>
STORED_PATH = re.compile(r"\d{4}/\d{2}/\d{1,20}(?:-small)?\.([a-z0-9]{2,5})")


# By the kind of file, once its first bytes are in (None before).
TOO_LARGE = {
    None: N_("Validation failed: File is too large (the limit for files is {limit})"),
    "image": N_(
        "Validation failed: File is too large (the limit for images is {limit})"
    ),
    "video": N_(
        "Validation failed: File is too large (the limit for video and audio is {limit})"
    ),
    "audio": N_(
        "Validation failed: File is too large (the limit for video and audio is {limit})"
    ),
}


@dataclass(frozen=True)
class MediaLimits:
    max_image_bytes: int = 16 * 1024 * 1024
    max_video_bytes: int = 99 * 1024 * 1024
    image_max_pixels: int = 8_294_400


class MediaStorage:
    """The folder that holds the files; every path handed out is checked."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def stored_file(self, relative: str) -> tuple[Path, str] | None:
        """The file for a served path and its content type; None if the path is not
        one this instance writes (no traversal, no other names)."""
        match = STORED_PATH.fullmatch(relative)
        if match is None:
            return None
        content_type = imaging.CONTENT_TYPES.get(match.group(1))
        if content_type is None:
            return None
        return self.root / relative, content_type

    def incoming_path(self) -> Path:
        return self.root / ".incoming" / f"{uuid.uuid4().hex}.part"


class IncomingFile:
    """An upload being received. Use as `async with`: the temporary file is removed
    when the block ends, whatever happened."""

    def __init__(self, storage: MediaStorage, limits: MediaLimits) -> None:
        self.path = storage.incoming_path()
        self.limits = limits
        self.size = 0
        self.kind: imaging.Sniffed | None = None
        self.filename = ""  # as the sender named it, if it did
        self._head = b""
        self._fh: IO[bytes] | None = None

    async def __aenter__(self) -> IncomingFile:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._close()
        await asyncio.to_thread(self.path.unlink, missing_ok=True)

    async def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        if self._fh is None:
            self._fh = await asyncio.to_thread(_open_for_writing, self.path)
        if self.kind is None:
            self._head += chunk[: imaging.SNIFF_BYTES - len(self._head)]
            if len(self._head) >= imaging.SNIFF_BYTES:
                self._decide()
        self.size += len(chunk)
        self._check_size()
        await asyncio.to_thread(self._fh.write, chunk)

    async def finish(self) -> imaging.Sniffed:
        await self._close()
        if self.size == 0:
            raise Unprocessable("Validation failed: File can't be blank")
        if self.kind is None:
            self._decide()
        assert self.kind is not None
        return self.kind

    def _decide(self) -> None:
        self.kind = imaging.sniff(self._head)
        if self.kind is None:
            raise Unprocessable(imaging.INVALID_TYPE)

    def _check_size(self) -> None:
        kind = None if self.kind is None else self.kind.kind
        if kind is None:
            limit = max(self.limits.max_image_bytes, self.limits.max_video_bytes)
        elif kind == "image":
            limit = self.limits.max_image_bytes
        else:
            limit = self.limits.max_video_bytes
        if self.size > limit:
            raise PayloadTooLarge(TOO_LARGE[kind], limit=_mebibytes(limit))

    async def _close(self) -> None:
        if self._fh is not None:
            await asyncio.to_thread(self._fh.close)
            self._fh = None


def _open_for_writing(path: Path) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("wb")


def _mebibytes(size: int) -> str:
    return f"{size / 1_048_576:g} MiB"


# --- uploads -------------------------------------------------------------------


async def create_media(
    session: AsyncSession,
    storage: MediaStorage,
    actor: Actor,
    incoming: IncomingFile,
    *,
    description: str | None = None,
    focus: str | None = None,
    thumbnail: IncomingFile | None = None,
) -> MediaAttachment:
    """Store an upload (an image re-encoded, video and audio as sent) as media not
    yet in a status; a `thumbnail` image becomes its preview, as in Mastodon (a
    video has none otherwise: no frame is extracted)."""
    kind = await incoming.finish()
    text = _description(description)
    focus_x, focus_y = parse_focus(focus)
    media_id, now = new_id(), utcnow()
    folder = f"{now:%Y}/{now:%m}"
    row = MediaAttachment(
        id=media_id,
        actor_id=actor.id,
        description=text,
        focus_x=focus_x,
        focus_y=focus_y,
        content_type=kind.content_type,
        created_at=now,
    )
    if kind.kind == "image":
        done = await asyncio.to_thread(
            imaging.process_image,
            incoming.path,
            kind,
            incoming.limits.image_max_pixels,
            storage.root / folder,
            str(media_id),
        )
        row.type = MediaType.IMAGE
        row.file_path = f"{folder}/{done.file_name}"
        row.thumbnail_path = f"{folder}/{done.thumbnail_name}"
        row.file_size = done.size
        row.width, row.height = done.width, done.height
        row.thumbnail_width = done.thumbnail_width
        row.thumbnail_height = done.thumbnail_height
        row.blurhash = done.blurhash
    else:
        name = f"{media_id}.{kind.extension}"
        await asyncio.to_thread(_move, incoming.path, storage.root / folder / name)
        row.type = MediaType.VIDEO if kind.kind == "video" else MediaType.AUDIO
        row.file_path = f"{folder}/{name}"
        row.file_size = incoming.size
    if thumbnail is not None:
        await _with_thumbnail(storage, row, thumbnail)
    session.add(row)
    await session.flush()
    return row


async def set_thumbnail(
    storage: MediaStorage, row: MediaAttachment, incoming: IncomingFile
) -> str | None:
    """Make the uploaded image `incoming` the media's preview (Mastodon's custom
    `thumbnail`, served as `preview_url`, its blurhash and `meta.small`). Returns
    the stored path of the preview it replaces, to discard after the commit.

    Raises:
        Unprocessable: the upload is empty, not an image, or not a usable one.
    """
    kind = await incoming.finish()
    if kind.kind != "image":
        raise Unprocessable("Validation failed: Thumbnail content type is invalid")
    folder = f"{utcnow():%Y/%m}"
    done = await asyncio.to_thread(
        imaging.process_thumbnail,
        incoming.path,
        kind,
        storage.root / folder,
        str(new_id()),  # a new name: files are served as immutable
    )
    replaced = row.thumbnail_path
    row.thumbnail_path = f"{folder}/{done.file_name}"
    row.thumbnail_width, row.thumbnail_height = done.width, done.height
    row.blurhash = done.blurhash
    return replaced


async def _with_thumbnail(
    storage: MediaStorage, row: MediaAttachment, thumbnail: IncomingFile
) -> None:
    """Set a new upload's preview; an image's own thumbnail gives way to it. The
    files written so far are removed if the thumbnail is refused."""
    try:
        replaced = await set_thumbnail(storage, row, thumbnail)
    except FedcityError:
        await discard_files(storage, stored_paths(row))
        raise
    await discard_files(storage, [replaced])


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def _description(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    check_length(N_("Description"), value, MAX_MEDIA_DESCRIPTION)
    return value or None


def parse_focus(value: str | None) -> tuple[float, float]:
    """Mastodon's focal point "x,y", each between -1.0 and 1.0; (0, 0) if absent."""
    if value is None or not value.strip():
        return 0.0, 0.0
    try:
        x, y = (float(part) for part in value.split(","))
    except ValueError:
        raise Unprocessable(
            'Validation failed: focus must be "x,y" with numbers'
        ) from None
    if not all(math.isfinite(v) and -1.0 <= v <= 1.0 for v in (x, y)):
        raise Unprocessable("Validation failed: focus must be between -1.0 and 1.0")
    return x, y


async def get_own_media(
    session: AsyncSession, actor: Actor, media_id: int
) -> MediaAttachment:
    return await require_own(session, MediaAttachment, media_id, actor)


async def update_media(
    session: AsyncSession,
    actor: Actor,
    media_id: int,
    *,
    description: str | None = None,
    focus: str | None = None,
) -> MediaAttachment:
    """Change description or focus of media not yet in a (live) status, as Mastodon
    does; a posted status changes its media by being edited."""
    row = await get_own_media(session, actor, media_id)
    if not await is_free(session, row, None):
        raise NotFound("Record not found")
    if description is not None:
        row.description = _description(description)
    if focus is not None:
        row.focus_x, row.focus_y = parse_focus(focus)
    await session.flush()
    return row


async def delete_media(
    session: AsyncSession, storage: MediaStorage, actor: Actor, media_id: int
) -> None:
    """Delete own media that no live status uses, and its files (Mastodon 4.4's
    DELETE /api/v1/media/:id).

    Raises: NotFound: not the actor's; Unprocessable: a status uses it.
    """
    row = await get_own_media(session, actor, media_id)
    if not await is_free(session, row, None):
        raise Unprocessable("Media attachment is currently used by a status")
    paths = stored_paths(row)
    await session.delete(row)
    await session.flush()
    await discard_files(storage, paths)


def stored_paths(row: MediaAttachment) -> list[str]:
    """The files a media row keeps under the media root: the file and its preview."""
    return [path for path in (row.file_path, row.thumbnail_path) if path]


@dataclass(frozen=True)
class MediaEdit:
    """One of a status edit's `media_attributes[]`: new description or focus of an
    attachment; None leaves that field as it is."""

    id: int
    description: str | None = None
    focus: str | None = None


async def apply_media_edits(
    session: AsyncSession, post: Post, edits: Sequence[MediaEdit]
) -> None:
    """Describe or refocus the post's own attachments; edits of media the post
    does not hold are ignored, as Mastodon ignores them."""
    rows = {row.id: row for row in await q.list_media_for_post(session, post.id)}
    for edit in edits:
        row = rows.get(edit.id)
        if row is None:
            continue
        if edit.description is not None:
            row.description = _description(edit.description)
        if edit.focus is not None:
            row.focus_x, row.focus_y = parse_focus(edit.focus)
    await session.flush()


async def is_free(
    session: AsyncSession, row: MediaAttachment, post_id: int | None
) -> bool:
    """Whether `row` may join `post_id` (None: no post): it is in no post, in
    that one, or in a deleted one (delete and redraft)."""
    if row.post_id is None or row.post_id == post_id:
        return True
    deleted_at = await session.scalar(
        select(Post.deleted_at).where(Post.id == row.post_id)
    )
    return deleted_at is not None


async def discard_files(storage: MediaStorage, paths: Iterable[str | None]) -> None:
    """Delete stored files no row refers to any more (after the change is
    committed); only names this instance writes are touched."""
    for relative in paths:
        found = storage.stored_file(relative) if relative else None
        if found is not None:
            await asyncio.to_thread(found[0].unlink, missing_ok=True)
