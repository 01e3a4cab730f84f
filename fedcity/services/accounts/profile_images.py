"""Avatars and headers of local accounts.

An upload goes through the media pipeline (its type sniffed from its bytes, its
size checked as it arrives) and is re-encoded without metadata at Mastodon's sizes:
an avatar is cropped to 400x400, a header scaled down to at most 750,000 pixels
(1500x500's area). The file is stored beside the media and served under the media
route; the actor's `icon`/`image` point at it. A replaced or removed file is deleted
once the change is committed (`media.discard_files`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from fedcity.errors import Unprocessable
from fedcity.ids import new_id
from fedcity.services.statuses import imaging
from fedcity.services.statuses.media import IncomingFile, MediaLimits, MediaStorage
from fedcity.storage.models import Actor
from fedcity.storage.types import utcnow
from fedcity.urls import Urls

MAX_BYTES = 8 * 1024 * 1024  # Mastodon's limit for avatars and headers


@dataclass(frozen=True)
class ProfileImage:
    name: str  # the form field, and the word in error messages
    attribute: str  # the Actor column holding its URL
    crop: tuple[int, int] | None = None
    max_pixels: int | None = None


AVATAR = ProfileImage("avatar", "avatar_url", crop=(400, 400))
HEADER = ProfileImage("header", "header_url", max_pixels=750_000)


def limits(media: MediaLimits) -> MediaLimits:
    """The media limits, capped at Mastodon's 8 MB for any profile upload (a video
    is refused once sniffed, but not before its bytes count against the cap)."""
    cap = min(media.max_image_bytes, MAX_BYTES)
    return MediaLimits(
        max_image_bytes=cap,
        max_video_bytes=cap,
        image_max_pixels=media.image_max_pixels,
    )


async def set_image(
    storage: MediaStorage,
    urls: Urls,
    actor: Actor,
    which: ProfileImage,
    incoming: IncomingFile,
) -> str | None:
    """Store the uploaded image as `actor`'s avatar or header; the caller announces
    the change. Returns the stored path of the file it replaces, if any.

    Raises:
        Unprocessable: the upload is empty, not an image, or not a usable one.
    """
    kind = await incoming.finish()
    if kind.kind != "image" and which is AVATAR:
        raise Unprocessable("Validation failed: Avatar content type is invalid")
    if kind.kind != "image":
        raise Unprocessable("Validation failed: Header content type is invalid")
    now = utcnow()
    folder = f"{now:%Y}/{now:%m}"
    done = await asyncio.to_thread(
        imaging.process_profile_image,
        incoming.path,
        kind,
        storage.root / folder,
        str(new_id()),
        crop=which.crop,
        max_pixels=which.max_pixels,
    )
    replaced = stored_path(urls, getattr(actor, which.attribute))
    setattr(actor, which.attribute, urls.media(f"{folder}/{done.file_name}"))
    return replaced


async def remove_image(
    session: AsyncSession, urls: Urls, actor: Actor, which: ProfileImage
) -> str | None:
    """Go back to the default image; returns the stored path to delete, if any."""
    replaced = stored_path(urls, getattr(actor, which.attribute))
    setattr(actor, which.attribute, None)
    await session.flush()
    return replaced


def stored_path(urls: Urls, url: str | None) -> str | None:
    """The path under the media root of a file this instance serves, else None."""
    prefix = urls.media("")
    if url is None or not url.startswith(prefix):
        return None
    return url[len(prefix) :]
