"""Files as bytes: what an upload is (by its first bytes), and image processing.

Pure, synchronous functions; the media service runs them in a thread. The type of a
file is decided from its content, never from the client's filename or Content-Type.
Images are decoded and re-encoded with Pillow, which drops every piece of metadata
(EXIF with GPS, XMP, comments); the EXIF orientation is applied to the pixels first.
"""

from __future__ import annotations

import io
import math
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import blurhash
from PIL import Image, ImageCms, ImageOps

from fedcity.errors import Unprocessable
from fedcity.i18n import N_

# Refused before decoding: a small file can declare a huge canvas (a decompression
# bomb). 8192 x 8192; larger sources than the pixel limit are downscaled anyway.
MAX_SOURCE_PIXELS = 67_108_864
MAX_FRAMES = 1000
THUMBNAIL_SIDE = 640
BLURHASH_SIDE = 32  # blurhash is computed from a tiny copy: it is blurred anyway
JPEG_QUALITY = 85

INVALID_TYPE = N_("Validation failed: File content type is invalid")
SNIFF_BYTES = 64  # enough for every signature below


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "image" | "video" | "audio"
    content_type: str
    extension: str
    pil_format: str | None = None  # the only decoder Pillow may use, for images


_JPEG = Sniffed("image", "image/jpeg", "jpg", "JPEG")
_PNG = Sniffed("image", "image/png", "png", "PNG")
_GIF = Sniffed("image", "image/gif", "gif", "GIF")
_WEBP = Sniffed("image", "image/webp", "webp", "WEBP")

# Every content type this instance stores or serves, by file extension.
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "flac": "audio/flac",
}


def sniff(head: bytes) -> Sniffed | None:
    """The kind of file `head` (its first bytes) starts, or None if not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio", "audio/wav", "wav")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return Sniffed("audio", "audio/mp4", "m4a")
        if brand == b"qt  ":
            return Sniffed("video", "video/quicktime", "mov")
        return Sniffed("video", "video/mp4", "mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed("video", "video/webm", "webm")
    if head.startswith(b"OggS"):
        return Sniffed("audio", "audio/ogg", "ogg")
    if head.startswith(b"fLaC"):
        return Sniffed("audio", "audio/flac", "flac")
    if head.startswith(b"ID3") or (
        len(head) > 2 and head[0] == 0xFF and head[1] & 0xE6 in (0xE2, 0xE4, 0xE6)
    ):
        # an MPEG audio frame header: sync bits, then layer bits not "reserved"
        return Sniffed("audio", "audio/mpeg", "mp3")
    return None


@dataclass(frozen=True)
class ProcessedImage:
    file_name: str
    thumbnail_name: str
    content_type: str
    size: int
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    blurhash: str


def process_image(
    source: Path, kind: Sniffed, max_pixels: int, folder: Path, stem: str
) -> ProcessedImage:
    """Decode `source`, clean and downscale it, and write `stem.EXT` and
    `stem-small.EXT` into `folder` atomically. Raises Unprocessable if it is not a
    usable image of the sniffed format."""
    assert kind.pil_format is not None
    try:
        with Image.open(source, formats=[kind.pil_format]) as original:
            _refuse_bombs(original, kind, max_pixels)
            # A JPEG with several pictures (MPO) is kept as its first picture.
            animated = kind is not _JPEG and getattr(original, "n_frames", 1) > 1
            if animated:
                image = _clean_animation(original)
            else:
                image = _clean_still(original, kind, max_pixels)
            thumb = _thumbnail(image)
            hash_ = _blurhash(thumb)
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{stem}.{kind.extension}"
            _save_atomically(folder / name, image, kind, animated=animated)
            thumb_name = _save_thumbnail(thumb, folder, stem)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Unprocessable("Validation failed: Image has too many pixels") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise Unprocessable(INVALID_TYPE, detail=repr(exc)) from None
    return ProcessedImage(
        file_name=name,
        thumbnail_name=thumb_name,
        content_type=kind.content_type,
        size=(folder / name).stat().st_size,
        width=image.width,
        height=image.height,
        thumbnail_width=thumb.width,
        thumbnail_height=thumb.height,
        blurhash=hash_,
    )


@dataclass(frozen=True)
class ProcessedThumbnail:
    file_name: str
    width: int
    height: int
    blurhash: str


def process_thumbnail(
    source: Path, kind: Sniffed, folder: Path, stem: str
) -> ProcessedThumbnail:
    """A custom preview sent as `thumbnail` with a video or audio file (Mastodon
    keeps it as the media's preview): a still image without metadata, at most
    THUMBNAIL_SIDE a side, written as `stem-small.EXT` into `folder`.

    Raises:
        Unprocessable: not a usable image of the sniffed format, or too many pixels.
    """
    assert kind.pil_format is not None
    try:
        with Image.open(source, formats=[kind.pil_format]) as original:
            if original.width * original.height > MAX_SOURCE_PIXELS:
                raise Unprocessable("Validation failed: Image has too many pixels")
            thumb = _thumbnail(_clean_still(original, kind, MAX_SOURCE_PIXELS))
            folder.mkdir(parents=True, exist_ok=True)
            name = _save_thumbnail(thumb, folder, stem)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Unprocessable("Validation failed: Image has too many pixels") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise Unprocessable(INVALID_TYPE, detail=repr(exc)) from None
    return ProcessedThumbnail(name, thumb.width, thumb.height, _blurhash(thumb))


@dataclass(frozen=True)
class ProfileImageFile:
    file_name: str
    content_type: str
    width: int
    height: int


def process_profile_image(
    source: Path,
    kind: Sniffed,
    folder: Path,
    stem: str,
    *,
    crop: tuple[int, int] | None = None,
    max_pixels: int | None = None,
) -> ProfileImageFile:
    """An avatar or header, as Mastodon sizes them: cropped to fill `crop` (scaled up
    if smaller), or scaled down to at most `max_pixels` keeping its shape. It is a
    still image (an animation keeps its first frame) without any metadata, written
    as `stem.EXT` into `folder`: JPEG and WebP stay so, PNG and GIF become PNG.

    Raises:
        Unprocessable: not a usable image of the sniffed format, or too many pixels.
    """
    assert kind.pil_format is not None
    out = kind if kind in (_JPEG, _WEBP) else _PNG
    try:
        with Image.open(source, formats=[kind.pil_format]) as original:
            if original.width * original.height > MAX_SOURCE_PIXELS:
                raise Unprocessable("Validation failed: Image has too many pixels")
            image = _clean_still(original, kind, MAX_SOURCE_PIXELS)
            image = image.convert(
                "RGBA" if _has_alpha(image) and out is not _JPEG else "RGB"
            )
            image = _fit_profile(image, crop, max_pixels)
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{stem}.{out.extension}"
            _save_atomically(folder / name, image, out)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Unprocessable("Validation failed: Image has too many pixels") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise Unprocessable(INVALID_TYPE, detail=repr(exc)) from None
    return ProfileImageFile(name, out.content_type, image.width, image.height)


def _fit_profile(
    image: Image.Image, crop: tuple[int, int] | None, max_pixels: int | None
) -> Image.Image:
    if crop is not None:
        return ImageOps.fit(image, crop, Image.Resampling.LANCZOS)
    if max_pixels is not None and image.width * image.height > max_pixels:
        scale = math.sqrt(max_pixels / (image.width * image.height))
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        return image.resize(size, Image.Resampling.LANCZOS)
    return image


def _refuse_bombs(image: Image.Image, kind: Sniffed, max_pixels: int) -> None:
    pixels = image.width * image.height
    if image.width < 1 or image.height < 1 or pixels > MAX_SOURCE_PIXELS:
        raise Unprocessable("Validation failed: Image has too many pixels")
    frames = 1 if kind is _JPEG else getattr(image, "n_frames", 1)
    if frames > 1 and (frames > MAX_FRAMES or pixels > max_pixels):
        raise Unprocessable("Validation failed: Animated image is too large")


def _clean_still(original: Image.Image, kind: Sniffed, max_pixels: int) -> Image.Image:
    original.load()
    icc = original.info.get("icc_profile")
    image = ImageOps.exif_transpose(original) or original
    image = _to_srgb(image, icc)
    if kind is _JPEG and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if image.width * image.height > max_pixels:
        scale = math.sqrt(max_pixels / (image.width * image.height))
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if _has_alpha(image) else "RGB")
        image = image.resize(size, Image.Resampling.LANCZOS)
    # A fresh copy carries pixels only: no EXIF, XMP, ICC, text chunks or comments.
    clean = image.copy()
    clean.info = {k: v for k, v in image.info.items() if k == "transparency"}
    return clean


def _clean_animation(original: Image.Image) -> Image.Image:
    """Animated GIF/WebP/PNG keep their frames (no resize); metadata is dropped when
    they are re-encoded with only the timing keys."""
    keep = {"duration", "loop", "transparency", "background", "disposal"}
    original.info = {k: v for k, v in original.info.items() if k in keep}
    return original


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Colours in an embedded profile (Display P3 photos) are converted to sRGB, so
    that dropping the profile does not change how the image looks."""
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        converted = ImageCms.profileToProfile(
            image,
            io.BytesIO(icc),
            ImageCms.createProfile("sRGB"),
            outputMode=image.mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted or image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _thumbnail(image: Image.Image) -> Image.Image:
    thumb = image.convert("RGBA" if _has_alpha(image) else "RGB")
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    thumb.info = {}
    return thumb


def _save_thumbnail(thumb: Image.Image, folder: Path, stem: str) -> str:
    """Write a thumbnail as `stem-small.jpg` (PNG when it has an alpha channel)."""
    kind = _PNG if thumb.mode == "RGBA" else _JPEG
    name = f"{stem}-small.{kind.extension}"
    _save_atomically(folder / name, thumb, kind)
    return name


def _blurhash(thumb: Image.Image) -> str:
    small = thumb.convert("RGB")
    small.thumbnail((BLURHASH_SIDE, BLURHASH_SIDE), Image.Resampling.BILINEAR)
    data, width = small.tobytes(), small.width
    rows = [
        [
            list(data[i : i + 3])
            for i in range(row * width * 3, (row + 1) * width * 3, 3)
        ]
        for row in range(small.height)
    ]
    return str(blurhash.encode(rows, components_x=4, components_y=4))


def _save_atomically(
    path: Path, image: Image.Image, kind: Sniffed, *, animated: bool = False
) -> None:
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    options: dict[str, object] = {}
    if kind is _JPEG:
        options = {"quality": JPEG_QUALITY, "optimize": True}
    elif kind is _WEBP:
        options = {"quality": JPEG_QUALITY}
    if animated:
        options["save_all"] = True
    try:
        image.save(temp, format=kind.pil_format, **options)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
