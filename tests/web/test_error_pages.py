"""Error pages for browsers (404, 403, 410, 429, 500) in the site's layout and
language, never a stack trace; the client API keeps answering `{"error": …}`."""

from __future__ import annotations

import re

import pytest
from aiohttp import web

from fedcity.app import create_app
from fedcity.config import MediaSettings
from tests.support.http import Http, post_status
from tests.support.instances import free_port, make_settings
from tests.support.keys import premade_keypair
from tests.support.web import signed_in_client

SECRET = "boom: password=hunter2"
HTML = "text/html"


def assert_error_page(status: int, expected: int, page: str) -> None:
    assert status == expected
    assert re.search(r'<html lang="en">', page)
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert f"Error code: {expected}" in page
    assert "Traceback" not in page
    assert SECRET not in page


async def boom(request: web.Request) -> web.Response:
    raise RuntimeError(SECRET)


async def busy(request: web.Request) -> web.Response:
    raise web.HTTPTooManyRequests()


@pytest.fixture
async def failing_http(make_migrated_db_url, aiohttp_server, tmp_path, http):
    """An instance with routes that fail: a page and an API path that raise, and a
    page that answers 429."""
    port = free_port()
    settings = make_settings(
        port,
        await make_migrated_db_url(),
        media=MediaSettings(root=str(tmp_path / "media")),
    )
    app = create_app(settings, run_worker=False, keypairs=premade_keypair)
    app.router.add_get("/broken", boom)
    app.router.add_get("/api/v1/broken", boom)
    app.router.add_get("/busy", busy)
    await aiohttp_server(app, host="127.0.0.1", port=port)
    return Http(http.session, settings.instance.base_url, contract=False)


async def test_unknown_page_is_the_404_page(instance, http):
    # Given a browser
    # When it asks for a page that does not exist
    reply = await http.get("/no/such/page", accept=HTML)
    # Then it gets the 404 page in the layout
    assert_error_page(reply.status, 404, reply.text)
    assert reply.content_type == HTML
    assert "Page not found" in reply.text


async def test_unknown_api_path_is_json(instance, http):
    # Given an app
    # When it calls an API path that does not exist
    reply = await http.get("/api/v1/no_such_thing")
    # Then it gets Mastodon's JSON error, no page
    assert reply.status == 404
    assert reply.content_type == "application/json"
    assert set(reply.json()) == {"error"}


async def test_admin_page_for_a_resident_is_the_403_page(instance):
    # Given a signed-in account that is no administrator
    await instance.create_account("resident")
    client = await signed_in_client(instance, "resident")
    # When it opens the administration dashboard
    async with client, client.get("/admin") as reply:
        page = await reply.text()
    # Then it gets the 403 page in the layout
    assert_error_page(reply.status, 403, page)
    assert "You may not do that" in page


async def test_deleted_post_page_is_the_410_page(instance, http):
    # Given a public post that its author deleted
    await instance.create_account("alice")
    status = await post_status(instance, http, "alice", "withdrawn notice")
    token = await instance.token("alice")
    await http.request("DELETE", f"/api/v1/statuses/{status['id']}", token=token)
    # When a browser opens its page
    reply = await http.get(f"/@alice/{status['id']}", accept=HTML)
    # Then it is Gone, as a page that does not show what it said
    assert_error_page(reply.status, 410, reply.text)
    assert reply.content_type == HTML
    assert "withdrawn notice" not in reply.text


async def test_failing_page_is_the_500_page_without_a_trace(failing_http):
    # Given a page whose handler raises
    # When a browser opens it
    reply = await failing_http.get("/broken", accept=HTML)
    # Then it gets the 500 page, with none of the error's text
    assert_error_page(reply.status, 500, reply.text)
    assert "Something went wrong" in reply.text
    assert "Content-Security-Policy" in reply.headers


async def test_failing_api_path_is_json(failing_http):
    # Given an API path whose handler raises
    # When an app calls it
    reply = await failing_http.get("/api/v1/broken")
    # Then it gets `{"error": …}`, with none of the error's text
    assert reply.status == 500
    assert reply.json() == {"error": "Internal server error"}


async def test_too_many_requests_is_the_429_page(failing_http):
    # Given a page that answers 429
    # When a browser opens it
    reply = await failing_http.get("/busy", accept=HTML)
    # Then it gets the 429 page in the layout
    assert_error_page(reply.status, 429, reply.text)
    assert "Too many requests" in reply.text


async def test_error_page_follows_the_visitors_language(instance, http):
    # Given a browser that prefers Spanish
    # When it asks for a page that does not exist
    reply = await http.get(
        "/no/such/page", accept=HTML, headers={"Accept-Language": "es"}
    )
    # Then the page says so in Spanish
    assert reply.status == 404
    assert '<html lang="es">' in reply.text
