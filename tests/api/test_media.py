"""Media through the client API (Mastodon.py and raw multipart), the stored files
as served, and attachments crossing the federation boundary both ways."""

from __future__ import annotations

import asyncio
import io

import aiohttp
import pytest
from aiohttp import web
from mastodon import Mastodon, MastodonAPIError
from PIL import Image

from fedcity.config import MediaSettings
from tests.support.images import jpeg_with_exif, mp4_bytes, noisy_jpeg, png, png_bomb

pytestmark = pytest.mark.usefixtures("backend")
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def raw_upload(
    instance, token, data, content_type="image/png", *, thumbnail=None, **fields
):
    form = aiohttp.FormData()
    form.add_field(
        "file", io.BytesIO(data), filename="upload.png", content_type=content_type
    )
    if thumbnail is not None:
        form.add_field("thumbnail", io.BytesIO(thumbnail), content_type="image/png")
    for key, value in fields.items():
        form.add_field(key, value)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{instance.base_url}/api/v2/media",
            data=form,
            headers={"Authorization": f"Bearer {token}"},
        ) as resp,
    ):
        return resp.status, await resp.json()


async def fetch(url):
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return resp.status, resp.headers, await resp.read()


async def test_photo_upload_is_cleaned_and_served(instance):
    # Given a mayor with a sideways phone photo carrying GPS in its EXIF
    await instance.create_account("mayor")
    client = api(instance, await instance.token("mayor"))
    photo = jpeg_with_exif(400, 200)
    # When it is uploaded with Mastodon.py
    entity = await asyncio.to_thread(
        client.media_post,
        io.BytesIO(photo),
        mime_type="image/jpeg",
        description="Main street",
        focus=(0.5, -0.25),
    )
    # Then the entity has Mastodon's shape, upright dimensions and a blurhash
    assert entity["type"] == "image"
    assert entity["description"] == "Main street"
    assert entity["meta"]["original"]["width"] == 200
    assert entity["meta"]["original"]["height"] == 400
    assert entity["meta"]["original"]["size"] == "200x400"
    assert entity["meta"]["original"]["aspect"] == 0.5
    assert entity["meta"]["small"]["size"] == "200x400"
    assert entity["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    assert entity["remote_url"] is None
    assert entity["text_url"] is None
    assert entity["blurhash"]
    # And the file is served as a JPEG without metadata, not to be sniffed
    status, headers, body = await fetch(entity["url"])
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in headers["Cache-Control"]
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (200, 400)
        assert not image.getexif()
    assert b"Exif" not in body
    # And the thumbnail is served too
    status, headers, _ = await fetch(entity["preview_url"])
    assert (status, headers["Content-Type"]) == (200, "image/jpeg")
    # And GET /api/v1/media/:id returns the same entity
    again = await asyncio.to_thread(client.media, entity["id"])
    assert again["url"] == entity["url"]


async def test_v1_upload_and_video_larger_than_the_api_body_limit(instance):
    # Given a 3 MiB video, larger than the 1 MiB limit on other API bodies
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    video = mp4_bytes(3 * 1024 * 1024)
    # When it is uploaded through POST /api/v1/media
    form = aiohttp.FormData()
    form.add_field(
        "file", io.BytesIO(video), filename="clip.mp4", content_type="video/mp4"
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{instance.base_url}/api/v1/media",
            data=form,
            headers={"Authorization": f"Bearer {token}"},
        ) as resp,
    ):
        status, entity = resp.status, await resp.json()
    # Then it is accepted as a video, without dimensions, and served byte for byte
    assert status == 200, entity
    assert entity["type"] == "video"
    assert "original" not in entity["meta"]
    status, headers, body = await fetch(entity["url"])
    assert (status, headers["Content-Type"]) == (200, "video/mp4")
    assert body == video


async def test_video_thumbnail_becomes_its_preview(instance):
    # Given a mayor with a short video and a PNG still of it
    await instance.create_account("mayor")
    client = api(instance, await instance.token("mayor"))
    # When both are uploaded with Mastodon.py, the still as `thumbnail`
    entity = await asyncio.to_thread(
        client.media_post,
        io.BytesIO(mp4_bytes(50_000)),
        mime_type="video/mp4",
        thumbnail=io.BytesIO(png(320, 180)),
        thumbnail_mime_type="image/png",
    )
    # Then the still, re-encoded, is the preview, with its size and a blurhash
    assert entity["type"] == "video"
    assert entity["preview_url"]
    assert entity["meta"]["small"]["size"] == "320x180"
    assert entity["blurhash"]
    status, headers, body = await fetch(entity["preview_url"])
    assert (status, headers["Content-Type"]) == (200, "image/jpeg")
    with Image.open(io.BytesIO(body)) as still:
        assert still.size == (320, 180)


async def test_media_update_replaces_the_thumbnail(instance):
    # Given a video uploaded without a thumbnail (no frame is extracted)
    await instance.create_account("mayor")
    client = api(instance, await instance.token("mayor"))
    video = await asyncio.to_thread(
        client.media_post, io.BytesIO(mp4_bytes(50_000)), mime_type="video/mp4"
    )
    assert video["preview_url"] is None
    # When a thumbnail is set with PUT /api/v1/media/:id, then set again
    first = await asyncio.to_thread(
        client.media_update,
        video["id"],
        description="Ribbon cutting",
        thumbnail=io.BytesIO(png(200, 100)),
        thumbnail_mime_type="image/png",
    )
    second = await asyncio.to_thread(
        client.media_update,
        video["id"],
        thumbnail=io.BytesIO(png(100, 100)),
        thumbnail_mime_type="image/png",
    )
    # Then each becomes the preview in turn, and the former one's file is gone
    assert first["description"] == "Ribbon cutting"
    assert first["meta"]["small"]["size"] == "200x100"
    assert second["meta"]["small"]["size"] == "100x100"
    assert second["preview_url"] != first["preview_url"]
    assert (await fetch(second["preview_url"]))[0] == 200
    assert (await fetch(first["preview_url"]))[0] == 404


async def test_a_thumbnail_that_is_not_an_image_is_refused(instance):
    # Given a mayor
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When a video is sent with another video as its thumbnail
    status, body = await raw_upload(
        instance, token, mp4_bytes(20_000), "video/mp4", thumbnail=mp4_bytes(20_000)
    )
    # Then it is refused as Mastodon refuses it
    assert (status, body) == (
        422,
        {"error": "Validation failed: Thumbnail content type is invalid"},
    )


async def test_refused_uploads_say_why(make_instance):
    # Given an instance that takes images up to 50 kB
    instance = await make_instance(media=MediaSettings(max_image_bytes=50_000))
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When text claiming to be a PNG is uploaded, Then it is refused with 422
    status, body = await raw_upload(instance, token, b"not an image at all " * 20)
    assert status == 422
    assert "content type is invalid" in body["error"]
    # When a decompression bomb is uploaded, Then it is refused with 422
    status, body = await raw_upload(instance, token, png_bomb())
    assert status == 422
    assert "too many pixels" in body["error"]
    # When an image over the limit is uploaded, Then it is refused with 413
    status, body = await raw_upload(
        instance, token, noisy_jpeg(400, 400), content_type="image/jpeg"
    )
    assert status == 413
    assert "limit for images is" in body["error"]
    # When the request has no file, Then it is refused with 422
    status, body = await raw_upload(
        instance, token, b"", description="nothing", content_type="text/plain"
    )
    assert status == 422


async def test_upload_needs_the_write_media_scope(instance):
    # Given a token without write scopes
    await instance.create_account("mayor")
    token = await instance.token("mayor", scopes="read")
    # When it uploads, Then it is forbidden
    status, body = await raw_upload(instance, token, png(10, 10))
    assert status == 403
    assert "error" in body


async def test_description_and_focus_are_updated(instance):
    # Given an uploaded image
    await instance.create_account("mayor")
    client = api(instance, await instance.token("mayor"))
    entity = await asyncio.to_thread(
        client.media_post, io.BytesIO(png(40, 30)), mime_type="image/png"
    )
    # When its description and focus are changed
    updated = await asyncio.to_thread(
        client.media_update, entity["id"], description="Budget chart", focus=(-1, 1)
    )
    # Then the entity shows them
    assert updated["description"] == "Budget chart"
    assert updated["meta"]["focus"] == {"x": -1.0, "y": 1.0}
    # And someone else cannot see or change it
    await instance.create_account("clerk")
    other = api(instance, await instance.token("clerk"))
    with pytest.raises(MastodonAPIError):
        await asyncio.to_thread(other.media, entity["id"])
    with pytest.raises(MastodonAPIError):
        await asyncio.to_thread(other.media_update, entity["id"], description="x")


async def test_status_with_media_and_edits(instance):
    # Given two uploads
    await instance.create_account("mayor")
    client = api(instance, await instance.token("mayor"))
    first, second = [
        await asyncio.to_thread(
            client.media_post, io.BytesIO(png(60, 40)), mime_type="image/png"
        )
        for _ in range(2)
    ]
    # When a status is posted with the first and no text
    status = await asyncio.to_thread(client.status_post, "", media_ids=[first["id"]])
    # Then it shows the attachment
    assert [m["id"] for m in status["media_attachments"]] == [first["id"]]
    assert status["media_attachments"][0]["url"] == first["url"]
    # When it is edited with the text only, Then the media stay
    edited = await asyncio.to_thread(client.status_update, status["id"], "Potholes")
    assert [m["id"] for m in edited["media_attachments"]] == [first["id"]]
    # When it is edited with other media, Then they replace the first
    edited = await asyncio.to_thread(
        client.status_update, status["id"], "Potholes", media_ids=[second["id"]]
    )
    assert [m["id"] for m in edited["media_attachments"]] == [second["id"]]
    shown = await asyncio.to_thread(client.status, status["id"])
    assert [m["id"] for m in shown["media_attachments"]] == [second["id"]]


async def test_someone_elses_media_cannot_be_posted(instance):
    # Given the clerk's upload
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    clerk = api(instance, await instance.token("clerk"))
    mayor = api(instance, await instance.token("mayor"))
    theirs = await asyncio.to_thread(
        clerk.media_post, io.BytesIO(png(10, 10)), mime_type="image/png"
    )
    # When the mayor posts with it, Then it is refused and nothing is posted
    with pytest.raises(MastodonAPIError, match="not found"):
        await asyncio.to_thread(mayor.status_post, "mine", media_ids=[theirs["id"]])
    me = await asyncio.to_thread(mayor.me)
    assert me["statuses_count"] == 0


async def test_served_paths_are_only_stored_files(instance, http):
    # Given an instance, When paths outside the stored names are asked for
    for path in (
        "/system/media/../../pyproject.toml",
        "/system/media/2026/11/..%2F..%2Fpyproject.toml",
        "/system/media/2026/11/1.html",
        "/system/media/2026/11/99.jpg",
    ):
        # Then none is served
        assert (await http.get(path)).status == 404, path


async def remote_follows(instance, remote, actor, name):
    follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id("follow-1"),
        "type": "Follow",
        "actor": actor.uri,
        "object": instance.fed.urls.actor(name),
    }
    status, _ = await remote.send(f"{instance.base_url}/users/{name}/inbox", follow)
    assert status == 202
    await instance.run_jobs()


async def test_remote_follower_receives_the_attachment(instance, remote):
    # Given a mayor with a remote follower
    await instance.create_account("mayor")
    client = api(instance, await instance.token("mayor"))
    resident = remote.add_actor("resident")
    await remote_follows(instance, remote, resident, "mayor")
    # When the mayor posts a described photo
    entity = await asyncio.to_thread(
        client.media_post,
        io.BytesIO(jpeg_with_exif()),
        mime_type="image/jpeg",
        description="Flooded underpass",
        focus=(0.1, 0.2),
    )
    await asyncio.to_thread(client.status_post, "Avoid", media_ids=[entity["id"]])
    await instance.run_jobs()
    # Then the Create reaching the follower carries a Document attachment
    creates = [r.body for r in remote.received if r.body.get("type") == "Create"]
    assert creates
    [attachment] = creates[-1]["object"]["attachment"]
    assert attachment == {
        "type": "Document",
        "mediaType": "image/jpeg",
        "url": entity["url"],
        "name": "Flooded underpass",
        "blurhash": entity["blurhash"],
        "focalPoint": [0.1, 0.2],
        "width": 200,
        "height": 400,
    }
    # And that URL serves the image
    status, headers, _ = await fetch(attachment["url"])
    assert (status, headers["Content-Type"]) == (200, "image/jpeg")


async def deliver_note_with_image(instance, remote, image_url):
    actor = remote.add_actor("reporter")
    note = {
        "id": f"{actor.uri}/statuses/1",
        "type": "Note",
        "attributedTo": actor.uri,
        "content": "<p>Bridge open</p>",
        "to": [PUBLIC],
        "cc": [f"{actor.uri}/followers"],
        "attachment": [
            {
                "type": "Image",
                "mediaType": "image/png",
                "url": image_url,
                "name": "The bridge",
                "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                "focalPoint": [0.0, 0.5],
                "width": 30,
                "height": 20,
            }
        ],
    }
    create = {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            {"blurhash": "toot:blurhash", "toot": "http://joinmastodon.org/ns#"},
        ],
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": actor.uri,
        "object": note,
        "to": note["to"],
    }
    assert (await remote.send(f"{instance.base_url}/inbox", create))[0] == 202
    await instance.run_jobs()


async def test_remote_image_is_shown_with_its_remote_url(instance, remote, http):
    # Given a remote Note with an Image attachment
    image_url = f"{remote.base_url}/media/bridge.png"
    await deliver_note_with_image(instance, remote, image_url)
    # When the public timeline is read
    [status] = (await http.get("/api/v1/timelines/public")).json()
    # Then the attachment is an image linking to the remote file
    [attachment] = status["media_attachments"]
    assert attachment["type"] == "image"
    assert attachment["url"] == image_url
    assert attachment["remote_url"] == image_url
    assert attachment["description"] == "The bridge"
    assert attachment["blurhash"] == "LEHV6nWB2yk8pyo0adR*.7kCMdnj"
    assert attachment["meta"]["original"]["size"] == "30x20"
    assert attachment["meta"]["focus"] == {"x": 0.0, "y": 0.5}


async def test_remote_image_through_the_proxy(make_instance, remote, aiohttp_server):
    # Given an instance that proxies remote media, and a file server with a PNG
    instance = await make_instance(media=MediaSettings(remote="proxy"))
    picture = png(30, 20)

    async def serve(request):
        return web.Response(body=picture, content_type="text/html")

    files = web.Application()
    files.router.add_get("/bridge", serve)
    server = await aiohttp_server(files, host="127.0.0.1")
    image_url = f"http://127.0.0.1:{server.port}/bridge"
    await deliver_note_with_image(instance, remote, image_url)
    # When the status is read
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{instance.base_url}/api/v1/timelines/public") as r:
            [status] = await r.json()
        [attachment] = status["media_attachments"]
        # Then its url points at this instance, and serves the remote bytes as PNG
        assert attachment["url"].startswith(f"{instance.base_url}/media_proxy/")
        assert attachment["remote_url"] == image_url
        async with session.get(attachment["url"]) as r:
            assert r.status == 200
            assert r.headers["Content-Type"] == "image/png"
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert await r.read() == picture


async def test_a_malformed_multipart_upload_is_400_not_500(instance, http):
    # Given an account
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When it uploads a multipart body with a part header that is no header
    reply = await http.post(
        "/api/v2/media",
        token=token,
        data=b"--xx\r\nno colon here\r\n\r\nv\r\n--xx--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=xx"},
    )
    # Then it is refused as a bad request
    assert reply.status == 400, reply.text
