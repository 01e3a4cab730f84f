"""The media service against a real database: uploads are cleaned, sized and
stored; descriptions and focus are checked; media attach to their owner's posts."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from fedcity.errors import NotFound, PayloadTooLarge, Unprocessable
from fedcity.services.statuses import media
from fedcity.services.statuses.posts import (
    NewPost,
    create_local_post,
    delete_local_post,
)
from fedcity.storage.models import MediaType
from fedcity.urls import Urls
from tests.support.accounts import local_account
from tests.support.images import (
    BLUE,
    RED,
    jpeg_with_exif,
    mp4_bytes,
    noisy_jpeg,
    png,
    png_bomb,
)

URLS = Urls("http://city.example")


@pytest.fixture
def storage(tmp_path):
    return media.MediaStorage(tmp_path / "media")


async def account(db, name):
    return await local_account(db, URLS, name)


async def upload(db, storage, actor, data, limits=None, **fields):
    async with (
        media.IncomingFile(storage, limits or media.MediaLimits()) as incoming,
        db.session() as session,
    ):
        for start in range(0, len(data), 4096):
            await incoming.write(data[start : start + 4096])
        return await media.create_media(session, storage, actor, incoming, **fields)


def close_to(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


async def test_jpeg_is_rotated_and_stripped_of_exif(db, storage):
    # Given a sideways photo whose EXIF holds a GPS position and orientation 6
    me = await account(db, "mayor")
    original = jpeg_with_exif(400, 200)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    # When it is uploaded
    row = await upload(db, storage, me, original, description="  Main street  ")
    # Then the stored JPEG is upright (red on top), 200x400, with no metadata at all
    stored = storage.root / row.file_path
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (200, 400)
        assert not image.getexif()
        assert "exif" not in image.info
        assert close_to(image.getpixel((100, 20)), RED)
        assert close_to(image.getpixel((100, 380)), BLUE)
    assert b"Exif" not in stored.read_bytes()
    assert b"PhoneMaker" not in stored.read_bytes()
    # And the row records type, size, dimensions, a thumbnail and a blurhash
    assert row.type == MediaType.IMAGE
    assert row.content_type == "image/jpeg"
    assert (row.width, row.height) == (200, 400)
    assert row.file_size == stored.stat().st_size
    assert row.description == "Main street"
    assert row.file_path.endswith(f"{row.id}.jpg")
    with Image.open(storage.root / row.thumbnail_path) as thumb:
        assert max(thumb.size) <= 640
        assert not thumb.getexif()
    assert row.blurhash is not None
    assert len(row.blurhash) == 2 + 4 + 2 * (4 * 4 - 1)
    # And no temporary file is left behind
    assert not list((storage.root / ".incoming").glob("*"))


async def test_large_image_is_downscaled_and_thumbnailed(db, storage):
    # Given a pixel limit of 10,000 and a 400x300 PNG
    me = await account(db, "mayor")
    limits = media.MediaLimits(image_max_pixels=10_000)
    # When it is uploaded
    row = await upload(db, storage, me, png(400, 300), limits)
    # Then it is stored as a PNG within the limit, keeping its proportions
    with Image.open(storage.root / row.file_path) as image:
        assert image.format == "PNG"
        assert image.width * image.height <= 10_000
        assert abs(image.width / image.height - 4 / 3) < 0.05
    assert (row.width, row.height) == image.size
    assert (row.thumbnail_width, row.thumbnail_height) == image.size


async def test_png_with_alpha_keeps_a_png_thumbnail(db, storage):
    # Given a large transparent PNG
    me = await account(db, "mayor")
    # When it is uploaded
    row = await upload(db, storage, me, png(1280, 640, "RGBA"))
    # Then its thumbnail is a 640x320 PNG with its alpha channel
    assert row.thumbnail_path.endswith("-small.png")
    with Image.open(storage.root / row.thumbnail_path) as thumb:
        assert thumb.size == (640, 320)
        assert thumb.mode == "RGBA"


async def test_decompression_bomb_is_refused(db, storage):
    # Given a tiny PNG that announces 30,000 x 30,000 pixels
    me = await account(db, "mayor")
    # When it is uploaded, Then it is refused and nothing is stored
    with pytest.raises(Unprocessable, match="too many pixels"):
        await upload(db, storage, me, png_bomb())
    assert not [p for p in storage.root.rglob("*") if p.is_file()]


async def test_bytes_that_are_no_known_type_are_refused(db, storage):
    # Given text pretending to be a picture, and a truncated PNG
    me = await account(db, "mayor")
    # When they are uploaded, Then both are refused as an invalid type
    with pytest.raises(Unprocessable, match="content type is invalid"):
        await upload(db, storage, me, b"<svg onload=alert(1)>" * 10)
    with pytest.raises(Unprocessable, match="content type is invalid"):
        await upload(db, storage, me, png(50, 50)[:60])


async def test_too_large_files_are_refused_per_type(db, storage):
    # Given limits of 20 kB for images and 1 MB for video
    me = await account(db, "mayor")
    limits = media.MediaLimits(max_image_bytes=20_000, max_video_bytes=1_000_000)
    # When a 200 kB image is uploaded, Then it is refused as too large
    with pytest.raises(PayloadTooLarge, match="limit for images"):
        await upload(db, storage, me, noisy_jpeg(300, 300), limits)
    # When a 200 kB video is uploaded, Then it is stored as it came
    row = await upload(db, storage, me, mp4_bytes(200_000), limits)
    assert row.type == MediaType.VIDEO
    assert row.content_type == "video/mp4"
    assert (row.width, row.height, row.thumbnail_path) == (None, None, None)
    assert (storage.root / row.file_path).read_bytes() == mp4_bytes(200_000)


async def test_description_and_focus_are_validated(db, storage):
    # Given an uploaded image
    me = await account(db, "mayor")
    row = await upload(db, storage, me, png(20, 20))
    # When description and focus are updated
    async with db.session() as session:
        updated = await media.update_media(
            session, me, row.id, description="A pothole", focus="-0.5,0.25"
        )
    # Then they are stored
    assert (updated.description, updated.focus_x, updated.focus_y) == (
        "A pothole",
        -0.5,
        0.25,
    )
    # And an out-of-range focus or an overlong description is refused
    async with db.session() as session:
        with pytest.raises(Unprocessable, match=r"between -1\.0 and 1\.0"):
            await media.update_media(session, me, row.id, focus="2,0")
        with pytest.raises(Unprocessable, match="too long"):
            await media.update_media(session, me, row.id, description="x" * 1501)


async def test_media_attach_only_to_their_owners_posts(db, storage):
    # Given two accounts, each with an upload
    mayor, clerk = await account(db, "mayor"), await account(db, "clerk")
    mine = await upload(db, storage, mayor, png(20, 20))
    theirs = await upload(db, storage, clerk, png(20, 20))
    # When the mayor posts with the clerk's media, Then it is refused
    async with db.session() as session:
        with pytest.raises(Unprocessable, match="not found"):
            await create_local_post(
                session, URLS, mayor, NewPost("hi", media_ids=(theirs.id,))
            )
    # When the mayor posts with no text but own media, Then it is attached
    async with db.session() as session:
        post = await create_local_post(
            session, URLS, mayor, NewPost("", media_ids=(mine.id,))
        )
    async with db.session() as session:
        assert [m.id for m in await media.q.list_media_for_post(session, post.id)] == [
            mine.id
        ]
        # And it cannot go on a second post, nor be updated any more
        with pytest.raises(Unprocessable, match="already attached"):
            await create_local_post(
                session, URLS, mayor, NewPost("again", media_ids=(mine.id,))
            )
    async with db.session() as session:
        with pytest.raises(NotFound):
            await media.update_media(session, mayor, mine.id, description="late")


async def test_media_of_a_deleted_post_can_be_redrafted(db, storage):
    # Given a post with media, deleted
    me = await account(db, "mayor")
    row = await upload(db, storage, me, png(20, 20))
    async with db.session() as session:
        post = await create_local_post(
            session, URLS, me, NewPost("draft", media_ids=(row.id,))
        )
        await delete_local_post(session, me, post)
    # When a new post uses the same media (delete and redraft)
    async with db.session() as session:
        again = await create_local_post(
            session, URLS, me, NewPost("redraft", media_ids=(row.id,))
        )
        # Then they move to the new post
        assert (await media.get_own_media(session, me, row.id)).post_id == again.id


async def test_at_most_four_attachments(db, storage):
    # Given five uploads
    me = await account(db, "mayor")
    rows = [await upload(db, storage, me, png(10, 10)) for _ in range(5)]
    # When a post names all five, Then it is refused
    async with db.session() as session:
        with pytest.raises(Unprocessable, match="more than 4"):
            await create_local_post(
                session, URLS, me, NewPost("x", media_ids=tuple(r.id for r in rows))
            )


def test_sniffing_decides_by_content():
    assert media.imaging.sniff(b"\xff\xd8\xff\xe0" + b"\0" * 60).content_type == (
        "image/jpeg"
    )
    assert media.imaging.sniff(b"OggS" + b"\0" * 60).kind == "audio"
    assert media.imaging.sniff(b"ID3\x04" + b"\0" * 60).extension == "mp3"
    assert media.imaging.sniff(b"\x1a\x45\xdf\xa3" + b"\0" * 60).kind == "video"
    assert media.imaging.sniff(b"RIFF\0\0\0\0WAVEfmt ").content_type == "audio/wav"
    assert media.imaging.sniff(b"<html><script>") is None
    assert media.imaging.sniff(b"") is None


def test_stored_paths_are_only_those_written():
    storage = media.MediaStorage("/srv/media")
    assert storage.stored_file("2026/11/123.jpg") is not None
    assert storage.stored_file("2026/11/123-small.png")[1] == "image/png"
    for bad in ("../etc/passwd", "2026/11/../../x.jpg", "2026/11/1.html", "a.jpg"):
        assert storage.stored_file(bad) is None


async def test_animated_gif_keeps_its_frames_but_not_its_comment(db, storage):
    # Given a two-frame GIF with a comment
    me = await account(db, "mayor")
    frames = [Image.new("RGB", (40, 30), colour) for colour in (RED, BLUE)]
    out = io.BytesIO()
    frames[0].save(
        out, "GIF", save_all=True, append_images=frames[1:], comment=b"secret"
    )
    assert Image.open(io.BytesIO(out.getvalue())).n_frames == 2
    # When it is uploaded
    row = await upload(db, storage, me, out.getvalue())
    # Then it stays an animated GIF, without the comment, with a still thumbnail
    assert (row.type, row.content_type) == (MediaType.IMAGE, "image/gif")
    stored = storage.root / row.file_path
    with Image.open(stored) as image:
        assert image.n_frames == 2
        assert "comment" not in image.info
    assert b"secret" not in stored.read_bytes()
    assert row.thumbnail_path.endswith("-small.jpg")
