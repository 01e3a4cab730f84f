"""The default avatar and header images (Account entities always carry image URLs)."""

from __future__ import annotations

import struct
import zlib
from functools import cache

from aiohttp import web

from fedcity.errors import NotFound


@cache
def _png(width: int, height: int, grey: int) -> bytes:
    """A plain grey PNG, built once: no image files to ship."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes([grey]) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


IMAGES = {"avatar.png": (120, 120, 0xB0), "header.png": (600, 200, 0xD8)}


async def image(request: web.Request) -> web.Response:
    spec = IMAGES.get(request.match_info["name"])
    if spec is None:
        raise NotFound()
    return web.Response(
        body=_png(*spec),
        content_type="image/png",
        headers={"Cache-Control": "public, max-age=604800"},
    )
