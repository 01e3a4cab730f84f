"""Reading a form's multipart body as a stream (the compose box, the profile's
avatar and header), as POST /api/v2/media reads an upload (`api.statuses.media`):
files go to temporary files as they arrive, checked by the same media service, so
that images larger than the app-wide 1 MiB body limit can be sent from a browser.
A handler that reads its form this way is marked `sessions.streams_its_form`.

A file the media service refuses for its type does not end the request: the
form comes back with the error next to that file (a file too large does: 413).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from aiohttp import BodyPartReader, web
from multidict import MultiDict

from fedcity.api.multipart import CHUNK, stream_parts
from fedcity.errors import PayloadTooLarge, Unprocessable
from fedcity.services import limits
from fedcity.services.statuses import media
from fedcity.web.forms import read_form

# Text fields: the status (5,000 characters of up to 4 bytes) is the largest.
MAX_FIELD_BYTES = 4 * limits.MAX_STATUS_CHARACTERS + 1024
MAX_FIELDS = 64


class Upload(media.IncomingFile):
    """One file field; a refused type is kept as `error` and the rest dropped."""

    def __init__(self, storage: media.MediaStorage, limit: media.MediaLimits) -> None:
        super().__init__(storage, limit)
        self.error: Unprocessable | None = None
        self._dropped = 0

    async def write(self, chunk: bytes) -> None:
        if self.error is None:
            try:
                await super().write(chunk)
            except Unprocessable as exc:
                self.error = exc
            return
        self._dropped += len(chunk)
        if self._dropped > self.limits.max_video_bytes:
            raise PayloadTooLarge()


async def receive_form(
    request: web.Request,
    files: Mapping[str, Upload],
    before_files: Callable[[MultiDict[str]], Awaitable[None]] | None = None,
) -> MultiDict[str]:
    """The text fields; the first part of each name in `files` is streamed into
    it. `before_files` sees the fields sent before the first file (a form's CSRF
    token comes first), and may refuse before any file is written. A form sent
    without files (urlencoded) is read as usual."""
    if not request.content_type.startswith("multipart/"):
        return await read_form(request)
    return await stream_parts(request, files, _field, before_files)


async def _field(part: BodyPartReader, fields: MultiDict[str]) -> str | None:
    value = await _text(part)
    if part.filename is None and len(fields) < MAX_FIELDS:
        return value
    return None  # read and dropped, within the same bound


async def _text(part: BodyPartReader) -> str:
    data = bytearray()
    while chunk := await part.read_chunk(CHUNK):
        data += chunk
        if len(data) > MAX_FIELD_BYTES:
            raise PayloadTooLarge()
    return data.decode("utf-8", errors="replace")
