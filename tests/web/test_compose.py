"""/compose: posting from the browser with text, media and alt text, a poll, a
content warning, a reply; errors come back as 422 with the form kept."""

from __future__ import annotations

import io
import os
import re

import aiohttp
from PIL import Image

from tests.support.images import png
from tests.support.web import csrf_of, signed_in_client

POST_PAGE = re.compile(r"/@alice/(\d+)$")


def _form(token: str, **fields: str) -> aiohttp.FormData:
    data = aiohttp.FormData()
    data.add_field("csrf_token", token)
    data.add_field("visibility", "public")
    for name, value in fields.items():
        data.add_field(name, value)
    return data


async def _post(
    client: aiohttp.ClientSession, data: aiohttp.FormData
) -> aiohttp.ClientResponse:
    response = await client.post("/compose", data=data, allow_redirects=False)
    await response.read()
    return response


async def _status(client: aiohttp.ClientSession, response: aiohttp.ClientResponse):
    """The API's Status entity of the post a 303 from /compose points at."""
    found = POST_PAGE.search(response.headers["Location"])
    assert found, response.headers["Location"]
    async with client.get(f"/api/v1/statuses/{found.group(1)}") as reply:
        assert reply.status == 200
        return await reply.json()


async def test_compose_posts_text_that_appears_in_the_outbox(instance):
    # Given alice signed in, with the compose page's token
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/compose")
        # When she posts some text
        data = _form(token, status="Street sweeping moves to Tuesdays")
        data.add_field(
            "file_1", b"", filename="", content_type="application/octet-stream"
        )
        response = await _post(client, data)
        # Then she is sent to the new post's page, and it is public in her outbox
        assert response.status == 303
        status = await _status(client, response)
        assert "Street sweeping moves to Tuesdays" in status["content"]
        async with client.get(
            "/users/alice/outbox?page=true",
            headers={"Accept": "application/activity+json"},
        ) as reply:
            assert status["uri"] in await reply.text()


async def test_compose_with_an_image_keeps_its_alt_text(instance):
    # Given alice signed in
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/compose")
        # When she posts an image with a description
        data = _form(token, status="New bike lanes")
        data.add_field(
            "file_1", png(64, 48), filename="lane.png", content_type="image/png"
        )
        data.add_field("description_1", "A green bike lane beside parked cars")
        response = await _post(client, data)
        # Then the post carries the image with that description
        assert response.status == 303
        status = await _status(client, response)
        (attachment,) = status["media_attachments"]
        assert attachment["type"] == "image"
        assert attachment["description"] == "A green bike lane beside parked cars"


async def test_compose_with_a_poll(instance):
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/compose")
        # When alice posts a poll with two choices, several allowed
        data = _form(
            token,
            status="Which park first?",
            poll_option_1="Elm Park",
            poll_option_2="Riverside",
            poll_expires_in="3600",
            poll_multiple="1",
        )
        response = await _post(client, data)
        # Then the post has that poll
        assert response.status == 303
        poll = (await _status(client, response))["poll"]
        assert [o["title"] for o in poll["options"]] == ["Elm Park", "Riverside"]
        assert poll["multiple"] is True


async def test_compose_with_a_content_warning(instance):
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/compose")
        data = _form(token, status="Details of the crash", spoiler_text="Road accident")
        response = await _post(client, data)
        assert response.status == 303
        assert (await _status(client, response))["spoiler_text"] == "Road accident"


async def test_reply_page_shows_the_post_and_mentions_its_author(instance):
    # Given a post by bob
    async with await signed_in_client(instance, "bob") as bob:
        token = await csrf_of(bob, "/compose")
        posted = await _post(bob, _form(token, status="Council meets at 6"))
        parent_id = posted.headers["Location"].rsplit("/", 1)[1]
    async with await signed_in_client(instance, "alice") as client:
        # When alice opens the reply form
        async with client.get(f"/compose?in_reply_to={parent_id}") as page:
            html = await page.text()
        # Then it shows bob's post and starts with his handle
        assert "Council meets at 6" in html
        assert ">@bob </textarea>" in html
        # And posting it makes a reply
        token = await csrf_of(client, "/compose")
        data = _form(token, status="@bob Thanks!", in_reply_to_id=parent_id)
        response = await _post(client, data)
        assert response.status == 303
        status = await _status(client, response)
        assert status["in_reply_to_id"] == parent_id


async def test_invalid_form_answers_422_and_keeps_what_was_written(instance):
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/compose")
        # When alice sends a poll with a single choice
        data = _form(
            token, status="Pick one", spoiler_text="Survey", poll_option_1="Only"
        )
        response = await client.post("/compose", data=data, allow_redirects=False)
        html = await response.text()
        # Then the form comes back with the error and her text
        assert response.status == 422
        assert 'id="error-summary"' in html
        assert ">Pick one</textarea>" in html
        assert 'value="Survey"' in html
        assert 'value="Only"' in html
        async with client.get("/api/v1/accounts/lookup?acct=alice") as reply:
            assert (await reply.json())["statuses_count"] == 0


async def test_a_file_that_is_not_media_is_refused_and_the_text_kept(instance):
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/compose")
        data = _form(token, status="See attached")
        data.add_field("file_1", b"%PDF-1.4 " * 200, filename="a.pdf")
        response = await client.post("/compose", data=data, allow_redirects=False)
        html = await response.text()
        assert response.status == 422
        assert 'id="error-file_1"' in html
        assert ">See attached</textarea>" in html


async def test_an_empty_post_is_refused(instance):
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/compose")
        response = await client.post(
            "/compose", data=_form(token, status="  "), allow_redirects=False
        )
        assert response.status == 422
        assert 'id="error-status"' in await response.text()


async def test_uploads_are_kept_when_the_form_comes_back(instance):
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/compose")
        # Given a first try with an image but an invalid poll
        data = _form(token, status="Mural", poll_option_1="Only")
        data.add_field(
            "file_1", png(32, 32), filename="m.png", content_type="image/png"
        )
        first = await client.post("/compose", data=data, allow_redirects=False)
        html = await first.text()
        assert first.status == 422
        media_id = re.search(r'name="media_id" type="checkbox" value="(\d+)"', html)
        assert media_id, "the upload is offered again"
        assert "has no description yet" in html
        # When she fixes the poll and describes the kept image
        data = _form(token, status="Mural")
        data.add_field("media_id", media_id.group(1))
        data.add_field(f"media_description_{media_id.group(1)}", "A painted wall")
        second = await _post(client, data)
        # Then the post has the image with its description
        assert second.status == 303
        (attachment,) = (await _status(client, second))["media_attachments"]
        assert attachment["id"] == media_id.group(1)
        assert attachment["description"] == "A painted wall"


async def test_compose_without_the_csrf_token_is_refused(instance):
    async with await signed_in_client(instance, "alice") as client:
        await csrf_of(client, "/compose")
        data = aiohttp.FormData()
        data.add_field("status", "forged")
        data.add_field("file_1", png(8, 8), filename="x.png", content_type="image/png")
        response = await client.post("/compose", data=data, allow_redirects=False)
        assert response.status == 403


async def test_compose_needs_sign_in(instance):
    async with aiohttp.ClientSession(base_url=instance.base_url) as client:
        response = await client.get("/compose", allow_redirects=False)
        assert response.status == 303
        location = response.headers["Location"]
        assert location.startswith("/auth/sign_in?next=")
        assert location.endswith("compose")


async def test_a_reply_to_a_post_not_found_is_refused_and_nothing_is_posted(instance):
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/compose")
        # When alice replies to a post that does not exist
        data = _form(token, status="Answer", in_reply_to_id="12345")
        response = await client.post("/compose", data=data, allow_redirects=False)
        # Then the form comes back with the publishing use case's refusal
        assert response.status == 422
        assert "Record not found" in await response.text()
        async with client.get("/api/v1/accounts/lookup?acct=alice") as reply:
            assert (await reply.json())["statuses_count"] == 0


async def test_an_image_larger_than_the_body_limit_is_posted(instance):
    # Given a photo of more than the app-wide 1 MiB body limit
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    assert len(out.getvalue()) > instance.settings.server.max_body_bytes
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/compose")
        # When alice posts it
        data = _form(token, status="Static")
        data.add_field(
            "file_1",
            io.BytesIO(out.getvalue()),
            filename="n.png",
            content_type="image/png",
        )
        data.add_field("description_1", "Television static")
        response = await _post(client, data)
        # Then it is read as a stream, not refused for its size
        assert response.status == 303
        (attachment,) = (await _status(client, response))["media_attachments"]
        assert attachment["description"] == "Television static"
