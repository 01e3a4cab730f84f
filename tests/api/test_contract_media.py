"""Uploading media and editing its description, as raw multipart and form requests:
each MediaAttachment answered is checked here and against Mastodon's OpenAPI
description through the `http` fixture."""

from __future__ import annotations

import io

import aiohttp
import pytest

from tests.support.http import Http
from tests.support.images import png

pytestmark = pytest.mark.usefixtures("backend")


def photo_form(width: int, height: int, **fields: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field(
        "file",
        io.BytesIO(png(width, height)),
        filename="crossing.png",
        content_type="image/png",
    )
    for name, value in fields.items():
        form.add_field(name, value)
    return form


async def upload(http: Http, token: str, path: str = "/api/v2/media", **fields):
    reply = await http.post(path, token=token, data=photo_form(40, 20, **fields))
    assert reply.status == 200, reply.text
    return reply.json()


@pytest.mark.parametrize("path", ["/api/v2/media", "/api/v1/media"])
async def test_upload_answers_the_attachment_with_its_stored_file(instance, http, path):
    # Given a mayor with a photo of a crossing
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When it is uploaded with a description
    entity = await upload(http, token, path, description="New crossing")
    # Then the attachment describes the stored image, and the file is served
    assert entity["type"] == "image"
    assert entity["description"] == "New crossing"
    assert entity["meta"]["original"] == {
        "width": 40,
        "height": 20,
        "size": "40x20",
        "aspect": 2.0,
    }
    assert entity["remote_url"] is None
    async with http.session.get(entity["url"]) as served:  # bytes, not JSON
        assert served.status == 200
        assert served.content_type == "image/png"


async def test_description_and_focus_are_changed_and_read_back(instance, http):
    # Given an uploaded photo
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    entity = await upload(http, token)
    # When the description and focus point are changed
    changed = await http.request(
        "PUT",
        f"/api/v1/media/{entity['id']}",
        token=token,
        data={"description": "Crossing, north side", "focus": "0.5,-0.25"},
    )
    read_back = await http.get(f"/api/v1/media/{entity['id']}", token=token)
    # Then the answer and a later read both carry them
    for answer in (changed.json(), read_back.json()):
        assert answer["id"] == entity["id"]
        assert answer["description"] == "Crossing, north side"
        assert answer["meta"]["focus"] == {"x": 0.5, "y": -0.25}


async def test_someone_elses_upload_cannot_be_read(instance, http):
    # Given the mayor's upload
    for name in ("mayor", "clerk"):
        await instance.create_account(name)
    entity = await upload(http, await instance.token("mayor"))
    # When the clerk asks for it
    reply = await http.get(
        f"/api/v1/media/{entity['id']}", token=await instance.token("clerk")
    )
    # Then it does not exist for the clerk
    assert reply.status == 404
    assert reply.json() == {"error": "Record not found"}
