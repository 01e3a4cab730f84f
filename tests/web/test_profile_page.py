"""The profile page, `/@name`: who the account is, its pinned and recent posts,
and a follow button for visitors from elsewhere; remote accounts known here too."""

from __future__ import annotations

from aiohttp import web

from fedcity.web.accounts import profile_page
from tests.support.http import post_status
from tests.support.images import png
from tests.support.pages import HTML, alternates, browser, deliver_remote_note, h1, meta


async def test_profile_shows_who_the_account_is_with_link_previews(instance):
    # Given an account with a bio and two fields, one a link and one with markup
    await instance.create_account("mayor", display_name="Mayor Ruiz")
    async with browser(instance) as http:
        token = await instance.token("mayor")
        reply = await http.request(
            "PATCH",
            "/api/v1/accounts/update_credentials",
            token=token,
            data={
                "note": "Serving since 2024",
                "fields_attributes[0][name]": "Site",
                "fields_attributes[0][value]": "https://city.example/mayor",
                "fields_attributes[1][name]": "Office",
                "fields_attributes[1][value]": "<b onmouseover=x()>Room 1</b>",
            },
        )
        assert reply.status == 200, reply.text
        # When a signed-out visitor opens the profile
        page = await http.get("/@mayor", accept=HTML)
    # Then it names the account, links its ActivityPub actor and previews well
    assert page.status == 200
    assert h1(page.text) == "Mayor Ruiz"
    assert f"@mayor@{instance.domain}" in page.text
    assert "Serving since 2024" in page.text
    assert alternates(page.text)["application/activity+json"] == (
        f"{instance.base_url}/users/mayor"
    )
    assert meta(page.text, "og:type") == "profile"
    assert meta(page.text, "og:description") == "Serving since 2024"
    assert meta(page.text, "fediverse:creator") == f"@mayor@{instance.domain}"
    assert meta(page.text, "twitter:card") == "summary"
    # And its fields are a list, the link made a link and the markup escaped
    assert '<a href="https://city.example/mayor"' in page.text
    assert "<b onmouseover" not in page.text
    assert "&lt;b onmouseover=x()&gt;Room 1&lt;/b&gt;" in page.text


async def test_follow_button_leads_to_the_remote_interaction_form(instance):
    # Given an account
    await instance.create_account("mayor")
    async with browser(instance) as http:
        # When a visitor opens its profile
        page = await http.get("/@mayor", accept=HTML)
    # Then its follow button asks /interact to follow the actor
    assert '<form class="follow" method="get" action="/interact">' in page.text
    assert 'name="intent" value="follow"' in page.text
    assert f'name="uri" value="{instance.base_url}/users/mayor"' in page.text


async def test_profile_shows_pinned_then_public_posts_but_not_private_ones(instance):
    # Given an account with a pinned post, a public post and a followers-only post
    await instance.create_account("mayor")
    async with browser(instance) as http:
        pinned = await post_status(instance, http, "mayor", "Budget hearing notes")
        token = await instance.token("mayor")
        await http.post(f"/api/v1/statuses/{pinned['id']}/pin", token=token)
        await post_status(instance, http, "mayor", "Road works on Main St")
        await post_status(instance, http, "mayor", "Staff only", visibility="private")
        # When a signed-out visitor opens the profile
        page = await http.get("/@mayor", accept=HTML)
    # Then the pinned post comes first, the public one after, the private one not
    text = page.text.split("<main")[1]
    assert text.index("Pinned posts") < text.index("Budget hearing notes")
    assert text.index("Budget hearing notes") < text.index("Road works on Main St")
    assert "Staff only" not in text
    # And each post has reply and boost links to the remote-interaction form
    assert "/interact?intent=reply&amp;uri=" in text


async def test_older_posts_are_a_page_away(instance, monkeypatch):
    # Given an account with three posts and pages of two
    monkeypatch.setattr(profile_page, "PAGE_SIZE", 2)
    await instance.create_account("mayor")
    async with browser(instance) as http:
        for text in ("first post", "second post", "third post"):
            await post_status(instance, http, "mayor", text)
        # When the profile's first page and its older page are opened
        first = await http.get("/@mayor", accept=HTML)
        older_link = first.text.split('rel="next"')[0].rsplit('href="', 1)[1]
        older = await http.get(older_link.split('"')[0].replace("&amp;", "&"))
    # Then the first holds the newest two, the older page the first post
    assert "third post" in first.text
    assert "second post" in first.text
    assert "first post" not in first.text
    assert "first post" in older.text
    assert "third post" not in older.text


async def test_unknown_and_remote_unknown_accounts_are_404(instance):
    # Given no such accounts
    async with browser(instance) as http:
        # When their pages are opened
        local = await http.get("/@nobody", accept=HTML)
        remote = await http.get("/@nobody@elsewhere.example", accept=HTML)
    # Then they are not found (and nothing is looked up for a visitor)
    assert (local.status, remote.status) == (404, 404)
    assert '<html lang="en">' in local.text


async def test_remote_account_links_to_its_origin_and_its_html_is_sanitised(
    instance, remote
):
    # Given a remote account that sent a post with a script and an event handler
    actor = await deliver_remote_note(
        instance,
        remote,
        '<p>Bridge open<script>alert(1)</script><img src="x" onerror="alert(2)"></p>',
    )
    async with browser(instance) as http:
        # When its page here is opened
        page = await http.get(f"/@reporter@{remote.domain}", accept=HTML)
    # Then it says where the account lives and links there
    assert page.status == 200
    assert f"This account is on {remote.domain}." in page.text
    assert f'href="{actor.uri}"' in page.text
    assert meta(page.text, "fediverse:creator") == f"@reporter@{remote.domain}"
    # And the post is there without the script or the handler
    assert "Bridge open" in page.text
    assert "<script>alert" not in page.text
    assert "onerror" not in page.text


async def test_remote_avatar_is_served_through_the_instance(
    instance, remote, aiohttp_server
):
    # Given a remote account whose avatar is a PNG on another server
    picture = png(8, 8)

    async def serve(request):
        return web.Response(body=picture)

    files = web.Application()
    files.router.add_get("/avatar", serve)
    server = await aiohttp_server(files, host="127.0.0.1")
    icon = {"type": "Image", "url": f"http://127.0.0.1:{server.port}/avatar"}
    remote.add_actor("reporter", icon=icon)
    await deliver_remote_note(instance, remote, "<p>Hello</p>")
    async with browser(instance) as http:
        # When its profile is opened and the avatar it shows is fetched
        page = await http.get(f"/@reporter@{remote.domain}", accept=HTML)
        src = page.text.split('class="avatar profile-avatar" src="')[1].split('"')[0]
        async with http.session.get(src) as image:
            body = await image.read()
            headers = image.headers
    # Then the page's image is the instance's proxy, which serves the PNG, cached
    assert src.startswith(f"{instance.base_url}/media_proxy/avatars/")
    assert meta(page.text, "og:image") == src
    assert body == picture
    assert headers["Content-Type"] == "image/png"
    assert "max-age=" in headers["Cache-Control"]
