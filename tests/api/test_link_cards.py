"""Link preview cards: a loopback web site with OpenGraph tags (and an oEmbed
endpoint), posts that link it, the `fetch_card` job, and where cards show up."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from fedcity.config import MediaSettings
from tests.support.http import Http, post_status
from tests.support.images import png
from tests.support.instances import free_port

pytestmark = pytest.mark.usefixtures("backend")

ARTICLE = """<!doctype html><html lang="en"><head>
<title>Fallback title</title>
<meta property="og:title" content="Council approves bike lanes">
<meta property="og:description" content="Five new routes by spring.">
<meta property="og:image" content="/lanes.png">
<meta property="og:site_name" content="City Gazette">
<meta name="author" content="Gazette Staff">
</head><body>News</body></html>"""

VIDEO = """<html><head><meta property="og:title" content="Meeting video">
<link rel="alternate" type="application/json+oembed" href="/oembed.json">
</head></html>"""


class Site:
    """A web site on its own loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.hits: list[str] = []

    async def start(self, aiohttp_server) -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._get)
        await aiohttp_server(app, host="127.0.0.1", port=self.port)

    async def _get(self, request: web.Request) -> web.Response:
        self.hits.append(request.path)
        match request.path:
            case "/article":
                return web.Response(text=ARTICLE, content_type="text/html")
            case "/video":
                return web.Response(text=VIDEO, content_type="text/html")
            case "/oembed.json":
                return web.json_response(
                    {
                        "type": "video",
                        "title": "Council meeting",
                        "provider_name": "CityTube",
                        "width": 640,
                        "height": 360,
                        "html": '<iframe src="https://tube.example/embed/1" '
                        'width="640" height="360"></iframe><script>evil()</script>',
                    }
                )
            case "/lanes.png":
                return web.Response(body=png(60, 30), content_type="image/png")
            case "/data.json":
                return web.json_response({"title": "not a page"})
        raise web.HTTPNotFound()


@pytest.fixture
async def site(aiohttp_server) -> Site:
    server = Site()
    await server.start(aiohttp_server)
    return server


@pytest.fixture
async def mayor(instance):
    await instance.create_account("mayor")
    return await instance.token("mayor")


async def test_linked_page_becomes_the_statuss_card(instance, http, site, mayor):
    # Given a post linking an article with OpenGraph tags
    status = await post_status(
        instance, http, "mayor", f"Read this: {site.base}/article #bikes"
    )
    # When the worker runs the card job
    await instance.run_jobs()
    # Then the status's card describes the article
    card = (await http.get(f"/api/v1/statuses/{status['id']}")).json()["card"]
    assert card["url"] == f"{site.base}/article"
    assert card["title"] == "Council approves bike lanes"
    assert card["description"] == "Five new routes by spring."
    assert card["image"] == f"{site.base}/lanes.png"
    assert (card["type"], card["provider_name"], card["author_name"]) == (
        "link",
        "City Gazette",
        "Gazette Staff",
    )
    assert card["html"] == ""
    assert card["language"] == "en"


async def test_one_card_serves_every_post_linking_the_url(instance, http, site, mayor):
    # Given two posts linking the same article
    first = await post_status(instance, http, "mayor", f"{site.base}/article")
    await instance.run_jobs()
    second = await post_status(instance, http, "mayor", f"again {site.base}/article")
    # When the worker runs again
    await instance.run_jobs()
    # Then the page was fetched once and both show the card
    assert site.hits.count("/article") == 1
    for status in (first, second):
        card = (await http.get(f"/api/v1/statuses/{status['id']}")).json()["card"]
        assert card["title"] == "Council approves bike lanes"


async def test_video_card_keeps_only_the_oembed_iframe(instance, http, site, mayor):
    # Given a post linking a page whose oEmbed is a video with a script
    status = await post_status(instance, http, "mayor", f"{site.base}/video")
    # When the card is fetched
    await instance.run_jobs()
    # Then the card is a video with a bare iframe
    card = (await http.get(f"/api/v1/statuses/{status['id']}")).json()["card"]
    assert card["type"] == "video"
    assert card["title"] == "Council meeting"
    assert card["html"] == (
        '<iframe src="https://tube.example/embed/1" width="640" height="360" '
        'frameborder="0" allowfullscreen="true"></iframe>'
    )
    assert (card["width"], card["height"]) == (640, 360)


async def test_links_that_get_no_card(instance, http, site, mayor):
    # Given posts linking JSON, a missing page, and mentioning an account only
    await instance.create_account("clerk")
    statuses = [
        await post_status(instance, http, "mayor", f"{site.base}/data.json"),
        await post_status(instance, http, "mayor", f"{site.base}/missing"),
        await post_status(instance, http, "mayor", "Thanks @clerk #roads"),
    ]
    # When the worker runs
    await instance.run_jobs()
    # Then none has a card
    for status in statuses:
        shown = (await http.get(f"/api/v1/statuses/{status['id']}")).json()
        assert shown["card"] is None


async def test_card_image_is_proxied_when_remote_media_is(make_instance, site):
    # Given an instance that proxies remote media
    instance = await make_instance(media=MediaSettings(remote="proxy"))
    await instance.create_account("mayor")
    async with aiohttp.ClientSession() as session:
        http = Http(session, instance.base_url)
        status = await post_status(instance, http, "mayor", f"{site.base}/article")
        await instance.run_jobs()
        card = (await http.get(f"/api/v1/statuses/{status['id']}")).json()["card"]
        # When the card's image is fetched
        async with session.get(card["image"]) as image:
            status, kind = image.status, image.content_type
    # Then it comes from this instance, which fetched it from the site
    assert card["image"].startswith(f"{instance.base_url}/media_proxy/cards/")
    assert (status, kind) == (200, "image/png")


async def test_trending_links_and_the_link_timeline(instance, http, site, mayor):
    # Given two accounts sharing the article publicly, one privately
    await instance.create_account("clerk")
    shared = [
        await post_status(instance, http, "mayor", f"{site.base}/article"),
        await post_status(instance, http, "clerk", f"see {site.base}/article"),
    ]
    await post_status(
        instance, http, "clerk", f"{site.base}/article", visibility="private"
    )
    await instance.run_jobs()
    # When the trending links and the link's timeline are read
    trends = (await http.get("/api/v1/trends/links")).json()
    timeline = await http.get(
        "/api/v1/timelines/link", params={"url": f"{site.base}/article"}
    )
    unknown = await http.get(
        "/api/v1/timelines/link", params={"url": "http://nowhere.example/"}
    )
    # Then the link trends with today's two accounts, and its timeline holds the
    # public posts, newest first
    assert [t["url"] for t in trends] == [f"{site.base}/article"]
    assert trends[0]["history"][0] | {"day": "x"} == {
        "day": "x",
        "accounts": "2",
        "uses": "2",
    }
    assert [s["id"] for s in timeline.json()] == [s["id"] for s in reversed(shared)]
    assert unknown.status == 404


async def test_edit_that_removes_the_link_removes_the_card(instance, http, site, mayor):
    # Given a post with a card
    status = await post_status(instance, http, "mayor", f"{site.base}/article")
    await instance.run_jobs()
    # When it is edited to have no link
    await http.request(
        "PUT", f"/api/v1/statuses/{status['id']}", token=mayor, json={"status": "Gone"}
    )
    await instance.run_jobs()
    # Then it has no card
    shown = (await http.get(f"/api/v1/statuses/{status['id']}")).json()
    assert shown["card"] is None


async def test_remote_post_gets_a_card_too(instance, http, site, remote):
    # Given a remote post that links the article (and mentions nobody)
    actor = remote.add_actor("reporter")
    note = {
        "id": f"{actor.uri}/statuses/1",
        "type": "Note",
        "attributedTo": actor.uri,
        "content": f'<p><a href="{site.base}/article">article</a></p>',
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "published": "2026-01-01T00:00:00Z",
    }
    await remote.send(
        f"{instance.base_url}/inbox",
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{note['id']}/activity",
            "type": "Create",
            "actor": actor.uri,
            "object": note,
            "to": note["to"],
        },
    )
    # When the worker runs (the Create, then the card job)
    await instance.run_jobs()
    # Then the public timeline shows it with the card
    timeline = (await http.get("/api/v1/timelines/public")).json()
    assert timeline[0]["card"]["title"] == "Council approves bike lanes"
