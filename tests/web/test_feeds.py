"""RSS 2.0 and Atom 1.0 feeds of profiles and hashtags, over real HTTP: valid
XML with the right root and namespaces, public posts only, HTML escaped as text,
images as enclosures, and routes that do not clash with the profile page."""

from __future__ import annotations

import io
from xml.etree import ElementTree

import aiohttp

from tests.support.http import post_status
from tests.support.images import png

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"


def _xml(text: str) -> ElementTree.Element:
    # Our own server's answer, in a test: no hostile XML to defuse.
    return ElementTree.fromstring(text.encode())  # noqa: S314


async def _image(instance, http, name: str, alt: str) -> str:
    form = aiohttp.FormData()
    form.add_field(
        "file", io.BytesIO(png(8, 8)), filename="map.png", content_type="image/png"
    )
    form.add_field("description", alt)
    token = await instance.token(name)
    reply = await http.post("/api/v2/media", token=token, data=form)
    assert reply.status == 200, reply.text
    return str(reply.json()["id"])


async def test_profile_rss_lists_public_posts_with_escaped_html(instance, http):
    # Given a public post with a link, a reply-less unlisted one and a direct one
    await instance.create_account("mayor")
    await post_status(instance, http, "mayor", "Read https://city.example/plan <now>")
    await post_status(instance, http, "mayor", "Quiet one", visibility="unlisted")
    await post_status(instance, http, "mayor", "@mayor secret", visibility="direct")
    # When a reader fetches the RSS feed
    reply = await http.get("/@mayor.rss")
    # Then it is RSS 2.0 in UTF-8 with only the public post
    assert reply.status == 200
    assert reply.content_type == "application/rss+xml"
    assert "charset=utf-8" in reply.headers["Content-Type"].lower()
    root = _xml(reply.text)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("link") == f"{instance.base_url}/@mayor"
    self_link = channel.find(f"{ATOM}link")
    assert self_link is not None
    assert self_link.get("href") == f"{instance.base_url}/@mayor.rss"
    items = channel.findall("item")
    assert len(items) == 1
    item = items[0]
    for field in ("title", "link", "guid", "pubDate", "description"):
        assert item.findtext(field), field
    # And the post's HTML travels escaped, as text of <description>
    assert "<a href=" in item.findtext("description", "")
    assert "&lt;a href=" in reply.text
    assert "&lt;now&gt;" in item.findtext("description", "")


async def test_profile_atom_is_atom_with_author_and_html_content(instance, http):
    # Given a public post
    await instance.create_account("mayor", display_name="Mayor Ruiz")
    status = await post_status(instance, http, "mayor", "Council meets <b>today</b>")
    # When a reader fetches the Atom feed
    reply = await http.get("/@mayor.atom")
    # Then it is an Atom feed whose entry has an id, dates, an author and HTML content
    assert reply.status == 200
    assert reply.content_type == "application/atom+xml"
    root = _xml(reply.text)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == f"{instance.base_url}/@mayor"
    assert root.findtext(f"{ATOM}updated")
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == status["uri"]
    assert entry.findtext(f"{ATOM}published")
    assert entry.findtext(f"{ATOM}updated")
    assert "Mayor Ruiz" in entry.findtext(f"{ATOM}author/{ATOM}name", "")
    content = entry.find(f"{ATOM}content")
    assert content is not None
    assert content.get("type") == "html"
    assert "&lt;b&gt;today" in (content.text or "")  # typed text is escaped in HTML


async def test_profile_feed_leaves_out_replies_to_others(instance, http):
    # Given the mayor's post, a clerk's reply to it, and the mayor's own thread
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    first = await post_status(instance, http, "mayor", "Thread start")
    await post_status(
        instance, http, "clerk", "@mayor clerk reply", in_reply_to_id=first["id"]
    )
    await post_status(
        instance, http, "mayor", "Thread continued", in_reply_to_id=first["id"]
    )
    reply_to_other = await post_status(instance, http, "clerk", "Clerk post")
    await post_status(
        instance, http, "mayor", "@clerk answer", in_reply_to_id=reply_to_other["id"]
    )
    # When the mayor's feed is read
    reply = await http.get("/@mayor.rss")
    # Then the thread is in, the reply to someone else is not
    assert "Thread start" in reply.text
    assert "Thread continued" in reply.text
    assert "answer" not in reply.text


async def test_feed_carries_images_as_enclosures(instance, http):
    # Given a public post with an image and its description
    await instance.create_account("mayor")
    media_id = await _image(instance, http, "mayor", "Map of the new bus line")
    await post_status(
        instance, http, "mayor", "New line #transit", media_ids=[media_id]
    )
    # When both feeds of the hashtag are read
    rss = _xml((await http.get("/tags/transit.rss")).text)
    atom = _xml((await http.get("/tags/transit.atom")).text)
    # Then the RSS item has an enclosure and a media:content with the description
    item = rss.find("channel/item")
    assert item is not None
    enclosure = item.find("enclosure")
    assert enclosure is not None
    assert enclosure.get("url", "").startswith("http")
    assert item.findtext(f"{MEDIA}content/{MEDIA}description") == (
        "Map of the new bus line"
    )
    assert item.findtext("category") == "transit"
    # And the Atom entry an enclosure link
    links = atom.findall(f"{ATOM}entry/{ATOM}link[@rel='enclosure']")
    assert len(links) == 1
    assert links[0].get("title") == "Map of the new bus line"


async def test_tag_feed_lists_public_posts_only(instance, http):
    # Given a public and an unlisted post with #housing
    await instance.create_account("mayor")
    await post_status(instance, http, "mayor", "Open house #housing")
    await post_status(
        instance, http, "mayor", "Quiet house #housing", visibility="unlisted"
    )
    # When the hashtag's Atom feed is read
    reply = await http.get("/tags/housing.atom")
    # Then only the public post is an entry, and the feed links to the tag page
    root = _xml(reply.text)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == ["Open house #housing"]
    alternate = root.find(f"{ATOM}link[@rel='alternate']")
    assert alternate is not None
    assert alternate.get("href") == f"{instance.base_url}/tags/housing"


async def test_feed_routes_leave_the_profile_and_tag_pages_alone(instance, http):
    # Given an account
    await instance.create_account("mayor")
    # When its profile page and a tag page are opened without an extension
    profile = await http.get("/@mayor")
    tag = await http.get("/tags/housing")
    # Then they are HTML pages, not feeds
    assert profile.status == 200
    assert profile.content_type == "text/html"
    assert tag.status == 200
    assert tag.content_type == "text/html"
    # And the feed of an unknown account is a 404
    assert (await http.get("/@nobody.rss")).status == 404
