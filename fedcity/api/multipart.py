"""Reading a multipart/form-data body as it arrives, for the client API's uploads
(`api.statuses.media`) and the web front's forms with files (`web.uploads`): the
first part of each file field is streamed into its IncomingFile, never held in
memory; each caller decides which text fields it keeps, and within what bound."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from aiohttp import BodyPartReader, web
from multidict import MultiDict

from fedcity.api import params
from fedcity.errors import BadRequest
from fedcity.services.statuses import media

CHUNK = 65_536
# The text of a part that is not streamed to a file, or None to drop it (having
# read it); it sees the fields kept so far.
TextReader = Callable[[BodyPartReader, MultiDict[str]], Awaitable[str | None]]


async def stream_parts(
    request: web.Request,
    files: Mapping[str, media.IncomingFile],
    text: TextReader,
    before_files: Callable[[MultiDict[str]], Awaitable[None]] | None = None,
) -> MultiDict[str]:
    """The text fields `text` keeps; `before_files` sees those sent before the
    first file, and may refuse before any file is written.

    Raises:
        BadRequest: a malformed or nested multipart body, or text with NUL.
    """
    fields: MultiDict[str] = MultiDict()
    seen: set[str] = set()
    with params.malformed_body("multipart"):
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise BadRequest("Nested multipart bodies are not accepted")
            name = part.name or ""
            if name in files and name not in seen:
                if not seen and before_files is not None:
                    await before_files(fields)
                seen.add(name)
                files[name].filename = part.filename or ""
                while chunk := await part.read_chunk(CHUNK):
                    await files[name].write(chunk)
            elif (value := await text(part, fields)) is not None:
                fields.add(name, value)
    params.refuse_nul(list(fields.items()))
    return fields
