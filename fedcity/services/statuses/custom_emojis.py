"""Custom emoji: the instance's own (added by an admin), and those of the posts and
profiles that use them, local or remote.

As in Mastodon, an emoji shows where its `:shortcode:` appears in a text: a post's
content and content warning, or a profile's name, bio and fields. When a post or a
profile is written here, or received from its server (`Emoji` tags), the emoji its
text uses are kept on it as small JSON references (`Post.emojis`, `Actor.emojis`);
serialising a timeline then needs no look-up. A reference is either local
(`{"shortcode", "id", "path", "static_path", …}`, files under the media root) or
remote (`{"shortcode", "uri", "url", …}`, the image linked where it lives, as remote
avatars are).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import NotFound, Unprocessable
from fedcity.ids import new_id
from fedcity.services.statuses import imaging
from fedcity.services.statuses.media import IncomingFile, MediaLimits, MediaStorage
from fedcity.storage.models import CustomEmoji
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

EmojiRef = dict[str, Any]

# Mastodon's CustomEmoji::SHORTCODE_RE_FRAGMENT, and its SCAN_RE: a shortcode
# between colons, with no letter, digit or colon right before or after it.
SHORTCODE = re.compile(r"[a-zA-Z0-9_]{2,}")
_IN_TEXT = re.compile(r"(?<![^\W_])(?<!:):([a-zA-Z0-9_]{2,}):(?![^\W_])(?!:)")
MAX_BYTES = 256 * 1024  # Mastodon's limit for a local emoji
MAX_PIXELS = 1024 * 1024
ACCEPTED = frozenset({"image/png", "image/gif", "image/webp"})
MAX_REMOTE = 100  # emoji kept from one remote object
MAX_CATEGORY = 64  # CustomEmoji.category's column


@dataclass(frozen=True)
class RemoteEmoji:
    """An `Emoji` tag of a remote post or actor, as federation.parse read it."""

    shortcode: str
    url: str
    uri: str | None = None
    media_type: str | None = None
    updated: str | None = None


def shortcodes_in(texts: Iterable[str | None]) -> set[str]:
    return {m for t in texts if t for m in _IN_TEXT.findall(t)}


# --- references kept on posts and profiles -------------------------------------------


async def local_refs(
    session: AsyncSession, texts: Iterable[str | None]
) -> list[EmojiRef] | None:
    """References to the instance's emoji that `texts` use; None when there are none."""
    return await refs_for_shortcodes(session, shortcodes_in(texts)) or None


async def refs_for_shortcodes(
    session: AsyncSession, codes: Iterable[str]
) -> list[EmojiRef]:
    """References to the instance's emoji among `codes`, by shortcode."""
    wanted = {code for code in codes if SHORTCODE.fullmatch(code)}
    if not wanted:
        return []
    rows = await session.scalars(
        select(CustomEmoji)
        .where(CustomEmoji.shortcode.in_(wanted))
        .order_by(CustomEmoji.shortcode)
    )
    return [local_ref(row) for row in rows]


def local_ref(row: CustomEmoji) -> EmojiRef:
    return {
        "shortcode": row.shortcode,
        "id": row.id,
        "path": row.file_path,
        "static_path": row.static_path,
        "media_type": row.content_type,
        "visible_in_picker": row.visible_in_picker,
        "category": row.category,
        "updated": row.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def remote_refs(
    tags: Sequence[RemoteEmoji], texts: Iterable[str | None]
) -> list[EmojiRef] | None:
    """References to the remote emoji among `tags` that `texts` use; None if none."""
    used = shortcodes_in(texts)
    refs: dict[str, EmojiRef] = {}
    for tag in tags[:MAX_REMOTE]:
        if tag.shortcode in used and tag.shortcode not in refs:
            refs[tag.shortcode] = {
                "shortcode": tag.shortcode,
                "uri": tag.uri,
                "url": tag.url,
                "media_type": tag.media_type,
                "updated": tag.updated,
            }
    return [refs[code] for code in sorted(refs)] or None


def image_urls(ref: EmojiRef, urls: Urls) -> tuple[str, str]:
    """The image of a reference and its still copy (the same file for remote ones)."""
    if "path" in ref:
        return urls.media(ref["path"]), urls.media(ref["static_path"])
    return ref["url"], ref["url"]


# --- the instance's own emoji ---------------------------------------------------------


async def list_local(session: AsyncSession) -> list[CustomEmoji]:
    rows = await session.scalars(select(CustomEmoji).order_by(CustomEmoji.shortcode))
    return list(rows)


async def get_local(session: AsyncSession, emoji_id: int) -> CustomEmoji | None:
    return await session.get(CustomEmoji, emoji_id)


async def add_local(
    session: AsyncSession,
    storage: MediaStorage,
    shortcode: str,
    source: Path | BinaryIO,
    *,
    category: str | None = None,
    visible_in_picker: bool = True,
) -> CustomEmoji:
    """Add an emoji from an image file (a path, or an open upload): PNG, GIF or
    WebP of at most 256 KiB, as Mastodon accepts. It is re-encoded without metadata
    (an animation keeps its frames) beside a still copy for `static_url`.

    Raises:
        Unprocessable: a bad shortcode, one already taken, or an unusable file.
    """
    if not SHORTCODE.fullmatch(shortcode) or len(shortcode) > 64:
        raise Unprocessable(
            "Validation failed: Shortcode must be at least 2 characters, "
            "alphanumeric characters and underscores only"
        )
    if await _by_shortcode(session, shortcode) is not None:
        raise Unprocessable("Validation failed: Shortcode has already been taken")
    category = _category(category)
    limits = MediaLimits(max_image_bytes=MAX_BYTES, max_video_bytes=MAX_BYTES)
    async with IncomingFile(storage, limits) as incoming:
        await _read_into(source, incoming)
        kind = await incoming.finish()
        if kind.content_type not in ACCEPTED:
            raise Unprocessable("Validation failed: Image content type is invalid")
        now = utcnow()
        folder = f"{now:%Y}/{now:%m}"
        emoji_id = new_id()
        done = await asyncio.to_thread(
            imaging.process_image,
            incoming.path,
            kind,
            MAX_PIXELS,
            storage.root / folder,
            str(emoji_id),
        )
    row = CustomEmoji(
        id=emoji_id,
        shortcode=shortcode,
        file_path=f"{folder}/{done.file_name}",
        static_path=f"{folder}/{done.thumbnail_name}",
        content_type=done.content_type,
        category=category,
        visible_in_picker=visible_in_picker,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row


def _category(category: str | None) -> str | None:
    category = (category or "").strip() or None
    if category is not None and len(category) > MAX_CATEGORY:
        raise Unprocessable(
            "Validation failed: Category is too long (maximum is {count} characters)",
            count=MAX_CATEGORY,
        )
    return category


async def _read_into(source: Path | BinaryIO, incoming: IncomingFile) -> None:
    """Read the admin's file through the upload checks (type sniffed, size capped)."""
    if not isinstance(source, Path):
        while chunk := await asyncio.to_thread(source.read, 64 * 1024):
            await incoming.write(chunk)
        return
    fh = await asyncio.to_thread(source.open, "rb")
    try:
        while chunk := await asyncio.to_thread(fh.read, 64 * 1024):
            await incoming.write(chunk)
    finally:
        fh.close()


async def update_local(
    session: AsyncSession,
    emoji_id: int,
    *,
    category: str | None,
    visible_in_picker: bool,
) -> CustomEmoji:
    """Change an emoji's picker category (None: uncategorised) and whether apps
    offer it in their pickers.

    Raises:
        NotFound: no such emoji.
        Unprocessable: a category longer than 64 characters.
    """
    row = await get_local(session, emoji_id)
    if row is None:
        raise NotFound("No such emoji")
    row.category = _category(category)
    row.visible_in_picker = visible_in_picker
    row.updated_at = utcnow()
    await session.flush()
    return row


async def remove_local(session: AsyncSession, shortcode: str) -> None:
    """Take an emoji out of the instance's list: apps stop offering it, and new
    posts and profiles no longer use it. Its files stay, because the posts and
    profiles written with it keep showing it (and other servers may link them).

    Raises:
        NotFound: no emoji has that shortcode.
    """
    row = await _by_shortcode(session, shortcode)
    if row is None:
        raise NotFound("No custom emoji :{shortcode}:", shortcode=shortcode)
    await session.delete(row)
    await session.flush()


async def _by_shortcode(session: AsyncSession, shortcode: str) -> CustomEmoji | None:
    return await session.scalar(
        select(CustomEmoji).where(CustomEmoji.shortcode == shortcode)
    )
