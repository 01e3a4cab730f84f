"""A post's page with its thread (`/@name/ID`), and its embeddable form."""

from __future__ import annotations

from urllib.parse import quote

from fedcity.services.accounts.sessions import start_session
from fedcity.web.sessions import SESSION_COOKIE
from tests.support.http import follow, post_status
from tests.support.pages import HTML, alternates, browser, deliver_remote_note, h1, meta


async def _signed_in_cookie(instance, name: str) -> dict[str, str]:
    """The Cookie header of a browser where `name` is signed in."""
    async with instance.db.session() as session:
        actor = await instance.create_account(name)
        token = await start_session(session, actor, "test", None)
    return {"Cookie": f"{SESSION_COOKIE}={token}"}


async def test_post_page_shows_its_thread_with_link_previews(instance):
    # Given a post, a reply to it, and a reply to that reply
    await instance.create_account("mayor", display_name="Mayor Ruiz")
    await instance.create_account("clerk")
    async with browser(instance) as http:
        first = await post_status(instance, http, "clerk", "When is the hearing?")
        post = await post_status(
            instance, http, "mayor", "Tuesday at 6", in_reply_to_id=first["id"]
        )
        await post_status(
            instance, http, "clerk", "Thanks, noted", in_reply_to_id=post["id"]
        )
        # When a signed-out visitor opens the middle post's page
        page = await http.get(f"/@mayor/{post['id']}", accept=HTML)
    # Then the question comes before it and the answer after, under its own h1
    assert page.status == 200
    assert h1(page.text) == "Post by Mayor Ruiz"
    main = page.text.split("<main")[1]
    assert (
        main.index("When is the hearing?")
        < main.index("Tuesday at 6")
        < main.index("Thanks, noted")
    )
    # And it links its Note and oEmbed, and previews as an article by the mayor
    text = page.text
    found = alternates(text)
    assert found["application/activity+json"] == post["uri"]
    assert found["application/json+oembed"] == (
        f"{instance.base_url}/api/oembed?url={quote(post['url'], safe='')}"
    )
    assert meta(text, "og:type") == "article"
    assert meta(text, "og:url") == post["url"]
    assert meta(text, "og:description") == "Tuesday at 6"
    assert meta(text, "fediverse:creator") == f"@mayor@{instance.domain}"


async def test_private_and_direct_posts_are_404_to_strangers(instance):
    # Given a followers-only post and a direct post
    await instance.create_account("mayor")
    async with browser(instance) as http:
        private = await post_status(instance, http, "mayor", "a", visibility="private")
        direct = await post_status(instance, http, "mayor", "b", visibility="direct")
        # When a signed-out visitor opens them
        replies = [
            await http.get(f"/@mayor/{private['id']}", accept=HTML),
            await http.get(f"/@mayor/{direct['id']}", accept=HTML),
        ]
    # Then they do not exist, in the layout
    assert [r.status for r in replies] == [404, 404]
    assert all('<html lang="en">' in r.text for r in replies)


async def test_a_signed_in_follower_sees_a_followers_only_post(instance):
    # Given a followers-only post and a follower signed in on the web
    await instance.create_account("mayor")
    cookie = await _signed_in_cookie(instance, "clerk")
    async with browser(instance) as http:
        await follow(instance, http, "clerk", "mayor")
        private = await post_status(
            instance, http, "mayor", "Staff meeting", visibility="private"
        )
        # When the follower opens the post's page
        page = await http.get(f"/@mayor/{private['id']}", headers=cookie)
    # Then it is shown, and not cached for others
    assert page.status == 200
    assert "Staff meeting" in page.text
    assert "no-store" in page.headers["Cache-Control"]


async def test_a_hidden_reply_is_left_out_of_the_thread(instance):
    # Given a public post with a followers-only reply
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    async with browser(instance) as http:
        post = await post_status(instance, http, "mayor", "Open question")
        await post_status(
            instance,
            http,
            "clerk",
            "Internal answer",
            visibility="private",
            in_reply_to_id=post["id"],
        )
        # When a signed-out visitor opens the post's page
        page = await http.get(f"/@mayor/{post['id']}", accept=HTML)
    # Then the reply is not there
    assert page.status == 200
    assert "Internal answer" not in page.text


async def test_a_deleted_post_is_gone(instance):
    # Given a deleted post
    await instance.create_account("mayor")
    async with browser(instance) as http:
        post = await post_status(instance, http, "mayor", "oops")
        token = await instance.token("mayor")
        await http.request("DELETE", f"/api/v1/statuses/{post['id']}", token=token)
        # When its page is opened
        page = await http.get(f"/@mayor/{post['id']}", accept=HTML)
    # Then it is gone (410), in the layout
    assert page.status == 410
    assert '<html lang="en">' in page.text


async def test_embed_page_may_be_framed_and_the_post_page_may_not(instance):
    # Given a public post
    await instance.create_account("mayor")
    async with browser(instance) as http:
        post = await post_status(instance, http, "mayor", "Parade on Sunday")
        # When its page and its embed page are fetched
        page = await http.get(f"/@mayor/{post['id']}", accept=HTML)
        embed = await http.get(f"/@mayor/{post['id']}/embed")
    # Then only the embed page may be framed by other sites
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert embed.status == 200
    assert "Parade on Sunday" in embed.text
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers


async def test_a_private_post_has_no_embed(instance):
    # Given a followers-only post
    await instance.create_account("mayor")
    async with browser(instance) as http:
        post = await post_status(instance, http, "mayor", "x", visibility="private")
        # When its embed page is fetched
        embed = await http.get(f"/@mayor/{post['id']}/embed")
    # Then there is none
    assert embed.status == 404


async def test_remote_post_page_links_to_its_origin_and_is_sanitised(instance, remote):
    # Given a remote post with a script and an event handler in its HTML
    await deliver_remote_note(
        instance,
        remote,
        '<p>Ferry late<script>alert(1)</script><a href="#" onclick="x()">map</a></p>',
    )
    async with browser(instance) as http:
        profile = await http.get(f"/@reporter@{remote.domain}", accept=HTML)
        path = profile.text.split('class="permalink" href="')[1].split('"')[0]
        # When the post's page here is opened
        page = await http.get(path, accept=HTML)
    # Then it says where the post lives, links there, and shows it sanitised
    assert page.status == 200
    assert f"This post is on {remote.domain}." in page.text
    assert f'href="{remote.base_url}/@reporter/1"' in page.text
    assert "Ferry late" in page.text
    assert "<script>alert" not in page.text
    assert "onclick" not in page.text


async def test_remote_image_is_shown_through_the_instance(instance, remote):
    # Given a remote post with an image, on an instance that gives apps remote URLs
    image = f"{remote.base_url}/media/bridge.png"
    attachment = [
        {"type": "Image", "mediaType": "image/png", "url": image, "name": "Bridge"}
    ]
    await deliver_remote_note(instance, remote, "<p>Bridge</p>", attachment=attachment)
    async with browser(instance) as http:
        # When the account's page here is opened
        page = await http.get(f"/@reporter@{remote.domain}", accept=HTML)
    # Then the image is loaded from the instance's proxy, with its description
    assert f'src="{instance.base_url}/media_proxy/' in page.text
    assert f'src="{image}"' not in page.text
    assert 'alt="Bridge"' in page.text
