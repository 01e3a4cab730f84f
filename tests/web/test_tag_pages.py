"""Hashtag pages over real HTTP: /tags/NAME and /@USER/tagged/NAME list public
posts only, page with max_id, and advertise their RSS and Atom feeds."""

from __future__ import annotations

import re

from tests.support.http import post_status


async def test_tag_page_lists_public_posts_only(instance, http):
    # Given a public, an unlisted and a followers-only post with #housing
    await instance.create_account("mayor")
    await post_status(instance, http, "mayor", "Public plan #housing")
    await post_status(
        instance, http, "mayor", "Quiet note #housing", visibility="unlisted"
    )
    await post_status(
        instance, http, "mayor", "Followers memo #housing", visibility="private"
    )
    # When a visitor opens the hashtag page
    reply = await http.get("/tags/housing")
    # Then only the public post is listed, in the layout with one h1
    assert reply.status == 200
    assert reply.content_type == "text/html"
    assert "Public plan" in reply.text
    assert "Quiet note" not in reply.text
    assert "Followers memo" not in reply.text
    assert reply.text.count("<h1") == 1
    assert "<h1>#housing</h1>" in reply.text


async def test_tag_page_advertises_rss_and_atom(instance, http):
    # Given a hashtag page
    # When a feed reader looks for alternates
    reply = await http.get("/tags/Transit")
    # Then it finds the RSS and Atom feeds of the (lower-cased) hashtag
    assert reply.status == 200
    assert re.search(
        r'<link rel="alternate" type="application/rss\+xml" href="/tags/transit.rss"',
        reply.text,
    )
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" href="/tags/transit.atom"',
        reply.text,
    )
    assert "No public posts with this hashtag yet." in reply.text


async def test_tag_page_pages_older_posts_with_max_id(instance, http):
    # Given 21 public posts with #budget (one more than a page)
    await instance.create_account("clerk")
    first = await post_status(instance, http, "clerk", "Budget item 0 #budget")
    for n in range(1, 21):
        await post_status(instance, http, "clerk", f"Budget item {n} #budget")
    # When the first page is read
    reply = await http.get("/tags/budget")
    # Then it shows the newest 20 and links to older posts
    assert "Budget item 20" in reply.text
    assert "Budget item 0<" not in reply.text
    older = re.search(r'href="(/tags/budget\?max_id=\d+)" rel="next"', reply.text)
    assert older
    # And the older page holds the first post, with a link back to newer ones
    page2 = await http.get(older.group(1))
    assert f"post-{first['id']}" in page2.text
    assert 'rel="prev"' in page2.text


async def test_account_tagged_page_lists_only_that_account(instance, http):
    # Given two accounts posting with #parks
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    await post_status(instance, http, "mayor", "Mayor on parks #parks")
    await post_status(instance, http, "clerk", "Clerk on parks #parks")
    # When the mayor's tagged page is opened
    reply = await http.get("/@mayor/tagged/parks")
    # Then it lists the mayor's post only
    assert reply.status == 200
    assert "Mayor on parks" in reply.text
    assert "Clerk on parks" not in reply.text


async def test_account_tagged_page_of_unknown_account_is_404(instance, http):
    # When the tagged page of an account that does not exist is asked for
    reply = await http.get("/@nobody/tagged/parks")
    # Then it is a 404 page
    assert reply.status == 404
    assert reply.content_type == "text/html"
