"""GET /api/oembed for local public statuses, and its discovery link on the page."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")


async def test_public_status_is_embeddable(instance, http):
    # Given a public post
    await instance.create_account("mayor", display_name="Mayor Ruiz")
    status = await post_status(instance, http, "mayor", "Town hall at 6")
    # When its page URL is asked for by oEmbed, with a maximum width
    reply = await http.get(
        "/api/oembed", params={"url": status["url"], "maxwidth": 300}
    )
    # Then the answer is Mastodon's rich embed of that post's embed page
    body = reply.json()
    assert reply.status == 200
    assert (body["type"], body["version"], body["width"]) == ("rich", "1.0", 300)
    assert body["title"] == "New status by mayor"
    assert body["author_name"] == "Mayor Ruiz"
    assert f'src="{status["url"]}/embed"' in body["html"]


async def test_status_id_uri_works_too_and_private_posts_are_not_embedded(
    instance, http
):
    # Given a public and a followers-only post
    await instance.create_account("mayor")
    public = await post_status(instance, http, "mayor", "Open")
    private = await post_status(instance, http, "mayor", "Closed", visibility="private")
    # When each is asked for, and a URL of another site
    by_uri = await http.get("/api/oembed", params={"url": public["uri"]})
    hidden = await http.get("/api/oembed", params={"url": private["url"]})
    elsewhere = await http.get(
        "/api/oembed", params={"url": "https://elsewhere.example/@mayor/1"}
    )
    # Then only the public post is embedded
    assert by_uri.status == 200
    assert (hidden.status, elsewhere.status) == (404, 404)


async def test_status_page_links_its_oembed(instance, http):
    # Given a public post
    await instance.create_account("mayor")
    status = await post_status(instance, http, "mayor", "Town hall at 6")
    # When its HTML page is opened
    page = await http.get(status["url"], accept="text/html")
    # Then the page points at its oEmbed
    expected = f"{instance.base_url}/api/oembed?url={quote(status['url'], safe='')}"
    assert 'type="application/json+oembed"' in page.text
    assert expected.replace("&", "&amp;") in page.text
