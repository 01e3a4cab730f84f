"""/api/v1/media, /api/v2/media: uploads and their descriptions; serving the files.

An upload is read as a stream (`request.multipart()`), not through the app-wide
1 MiB body limit: the media service checks the size for the file's real type as the
bytes arrive. Stored files are served at /system/media/YYYY/MM/NAME, and remote
attachments through /media_proxy/ID: apps are given those URLs when `[media]
remote = "proxy"`, and the web pages always (their CSP loads images only from this
instance), as they are the remote accounts' avatars and headers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from aiohttp import BodyPartReader, web
from multidict import MultiDict

from fedcity.api import params
from fedcity.api.auth import api_session, require_account
from fedcity.api.entities.statuses import serialize_media
from fedcity.api.multipart import CHUNK, stream_parts
from fedcity.appkeys import DB, FEDERATION, SETTINGS
from fedcity.errors import BadGateway, FetchError, Unprocessable
from fedcity.ids import require_id
from fedcity.services import limits
from fedcity.services.statuses import imaging, media
from fedcity.storage.models import Actor, Post, PreviewCard

MAX_FIELD_BYTES = 8_192  # description (1,500 characters) and focus
FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "public, max-age=31536000, immutable",
}


def storage_of(request: web.Request) -> media.MediaStorage:
    return media.MediaStorage(request.app[SETTINGS].media.root)


def limits_of(request: web.Request) -> media.MediaLimits:
    settings = request.app[SETTINGS].media
    return media.MediaLimits(
        max_image_bytes=settings.max_image_bytes,
        max_video_bytes=settings.max_video_bytes,
        image_max_pixels=settings.image_max_pixels,
    )


async def upload(request: web.Request) -> web.Response:
    """POST /api/v1/media and /api/v2/media. Processing is synchronous, so both
    answer 200 with the file's URL (Mastodon's v2 answers 202 only while a file is
    still being processed). A `thumbnail` image becomes the preview."""
    urls = request.app[FEDERATION].urls
    storage, limits = storage_of(request), limits_of(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:media")
    async with (
        media.IncomingFile(storage, limits) as incoming,
        media.IncomingFile(storage, _thumbnail_limits(limits)) as thumbnail,
    ):
        fields = await _receive(request, {"file": incoming, "thumbnail": thumbnail})
        async with api_session(request) as session:
            row = await media.create_media(
                session,
                storage,
                me,
                incoming,
                description=fields.get("description"),
                focus=fields.get("focus"),
                thumbnail=thumbnail if thumbnail.size else None,
            )
            body = serialize_media(row, urls)
    return web.json_response(body)


def _thumbnail_limits(limits: media.MediaLimits) -> media.MediaLimits:
    """A thumbnail is an image: the image limit holds before its type is known."""
    return replace(limits, max_video_bytes=limits.max_image_bytes)


async def _receive(
    request: web.Request, files: Mapping[str, media.IncomingFile]
) -> MultiDict[str]:
    """Stream the file parts into `files`; return the small text fields."""
    return await receive_multipart(
        request,
        files,
        keep=("description", "focus").__contains__,
        discard_limit=max(f.limits.max_video_bytes for f in files.values()),
    )


async def receive_multipart(
    request: web.Request,
    files: Mapping[str, media.IncomingFile],
    *,
    keep: Callable[[str], bool],
    discard_limit: int,
) -> MultiDict[str]:
    """Read a multipart/form-data body as it arrives: the first part of each name
    in `files` is streamed into its IncomingFile, text parts whose name `keep`
    accepts are returned (each at most MAX_FIELD_BYTES), the rest are read and
    dropped, up to `discard_limit` bytes each."""
    if not request.content_type.startswith("multipart/"):
        raise Unprocessable("Validation failed: File can't be blank")

    async def text(part: BodyPartReader, fields: MultiDict[str]) -> str | None:
        name = part.name or ""
        if name not in files and keep(name):
            return await _small_field(part)
        await _discard(part, discard_limit)
        return None

    return await stream_parts(request, files, text)


async def _small_field(part: BodyPartReader) -> str:
    data = bytearray()
    while chunk := await part.read_chunk(CHUNK):
        data += chunk
        if len(data) > MAX_FIELD_BYTES:
            raise Unprocessable(
                "Validation failed: {field} is too long", field=part.name
            )
    return data.decode("utf-8", errors="replace")


async def _discard(part: BodyPartReader, limit: int) -> None:
    size = 0
    while chunk := await part.read_chunk(CHUNK):
        size += len(chunk)
        if size > limit:
            raise Unprocessable(
                "Validation failed: {field} is too large", field=part.name
            )


async def show(request: web.Request) -> web.Response:
    urls = request.app[FEDERATION].urls
    async with api_session(request) as session:
        me = await require_account(request, session, "write:media")
        row = await media.get_own_media(session, me, params.path_id(request))
        body = serialize_media(row, urls)
    return web.json_response(body)


async def update(request: web.Request) -> web.Response:
    """PUT /api/v1/media/:id: `description`, `focus`, and a `thumbnail` image (in a
    multipart body) as the new preview; the former preview's file is removed."""
    urls = request.app[FEDERATION].urls
    storage = storage_of(request)
    async with api_session(request) as session:
        me = await require_account(request, session, "write:media")
    async with media.IncomingFile(
        storage, _thumbnail_limits(limits_of(request))
    ) as thumbnail:
        if request.content_type.startswith("multipart/"):
            p: MultiDict[Any] = await _receive(request, {"thumbnail": thumbnail})
        else:
            p = await params.read_params(request)
        description, focus = p.get("description"), p.get("focus")
        async with api_session(request) as session:
            row = await media.update_media(
                session,
                me,
                params.path_id(request),
                description=None if description is None else str(description),
                focus=None if focus is None else str(focus),
            )
            replaced = None
            if thumbnail.size:
                replaced = await media.set_thumbnail(storage, row, thumbnail)
            body = serialize_media(row, urls)
    await media.discard_files(storage, [replaced])
    return web.json_response(body)


async def delete(request: web.Request) -> web.Response:
    """DELETE /api/v1/media/:id: own media that no status uses (422 otherwise)."""
    async with api_session(request) as session:
        me = await require_account(request, session, "write:media")
        await media.delete_media(
            session, storage_of(request), me, params.path_id(request)
        )
    return web.json_response({})


# --- files ---------------------------------------------------------------------


async def serve_file(request: web.Request) -> web.StreamResponse:
    """GET /system/media/YYYY/MM/NAME: only names this instance writes are served,
    with the content type of their (checked) extension."""
    found = storage_of(request).stored_file(request.match_info["path"])
    if found is None:
        raise web.HTTPNotFound()
    path, content_type = found
    if not await asyncio.to_thread(path.is_file):
        raise web.HTTPNotFound()
    return web.FileResponse(
        path, headers={"Content-Type": content_type, **FILE_HEADERS}
    )


async def proxy(request: web.Request) -> web.Response:
    """GET /media_proxy/ID: a remote post's attachment, fetched through the guarded
    transport. The ID is the attachment's entity id (post id and index)."""
    # The entity id is post id * 100 + index, which can pass 64 bits: split it.
    raw = request.match_info["id"]
    post_id, index = require_id(raw[:-2]), require_id(raw[-2:])
    async with request.app[DB].session() as session:
        post = await session.get(Post, post_id)
    if (
        post is None
        or post.local
        or post.deleted_at is not None
        or index >= len(post.attachments)
    ):
        raise web.HTTPNotFound()
    url = str(post.attachments[index].get("url") or "")
    return await _proxied(request, url, owner=post.uri)


async def card_image(request: web.Request) -> web.Response:
    """GET /media_proxy/cards/ID: a link preview card's image, proxied like remote
    attachments."""
    async with request.app[DB].session() as session:
        card = await session.get(PreviewCard, params.path_id(request))
    if card is None or not card.image_url:
        raise web.HTTPNotFound()
    return await _proxied(request, card.image_url)


async def avatar(request: web.Request) -> web.Response:
    """GET /media_proxy/avatars/ACTOR_ID: a remote account's avatar."""
    return await _actor_image(request, header=False)


async def header(request: web.Request) -> web.Response:
    """GET /media_proxy/headers/ACTOR_ID: a remote account's header image."""
    return await _actor_image(request, header=True)


async def _actor_image(request: web.Request, *, header: bool) -> web.Response:
    async with request.app[DB].session() as session:
        actor = await session.get(Actor, params.path_id(request))
    url = None if actor is None else actor.header_url if header else actor.avatar_url
    if actor is None or actor.is_local or actor.deleted_at is not None or not url:
        raise web.HTTPNotFound()
    return await _proxied(request, url, owner=actor.uri)


async def _proxied(
    request: web.Request, url: str, *, owner: str | None = None
) -> web.Response:
    """The remote file at `url` if it is an image, video or audio file, unless
    the domain of `owner` (the post or account it belongs to) or of the file is
    under a `reject-media` block or suspended (issue 12)."""
    policy = request.app[FEDERATION].policy.current
    if policy.rejects_media(url) or (owner and policy.rejects_media(owner)):
        raise web.HTTPNotFound()
    settings = request.app[SETTINGS].media
    try:
        response = await request.app[FEDERATION].transport.get(
            url,
            {"Accept": "image/*, video/*, audio/*"},
            max_bytes=max(settings.max_image_bytes, settings.max_video_bytes),
        )
    except FetchError as exc:
        raise BadGateway(detail=str(exc)) from None
    kind = imaging.sniff(response.body[: imaging.SNIFF_BYTES])
    if response.status != 200 or kind is None:
        raise web.HTTPNotFound()
    headers = {**FILE_HEADERS, "Cache-Control": "public, max-age=86400"}
    return web.Response(
        body=response.body, content_type=kind.content_type, headers=headers
    )


def media_configuration(request: web.Request, *, v2: bool = True) -> dict[str, object]:
    """`configuration.media_attachments` of the Instance entity, from `[media]`."""
    settings = request.app[SETTINGS].media
    config: dict[str, object] = {
        "supported_mime_types": sorted(set(imaging.CONTENT_TYPES.values())),
        "image_size_limit": settings.max_image_bytes,
        "image_matrix_limit": settings.image_max_pixels,
        "video_size_limit": settings.max_video_bytes,
        "video_frame_rate_limit": 120,
        "video_matrix_limit": imaging.MAX_SOURCE_PIXELS,
    }
    if v2:
        config["description_limit"] = limits.MAX_MEDIA_DESCRIPTION
    return config
