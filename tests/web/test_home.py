"""/home, the post actions (favourite, boost, delete) and /notifications."""

from __future__ import annotations

import re
from typing import Any

import aiohttp

from tests.support.web import csrf_of, signed_in_client


async def _api(
    instance: Any, user: str, method: str, path: str, **data: Any
) -> dict[str, Any]:
    token = await instance.token(user)
    async with (
        aiohttp.ClientSession() as client,
        client.request(
            method,
            instance.base_url + path,
            json=data or None,
            headers={"Authorization": f"Bearer {token}"},
        ) as reply,
    ):
        assert reply.status == 200, await reply.text()
        result: dict[str, Any] = await reply.json()
        return result


async def _people(instance: Any, *names: str) -> None:
    for name in names:
        await instance.create_account(name)


async def _follow(instance: Any, follower: str, followed: str) -> None:
    account = await _api(
        instance, follower, "GET", f"/api/v1/accounts/lookup?acct={followed}"
    )
    await _api(instance, follower, "POST", f"/api/v1/accounts/{account['id']}/follow")


async def _page(client: aiohttp.ClientSession, path: str) -> str:
    async with client.get(path) as reply:
        assert reply.status == 200
        return await reply.text()


async def test_home_shows_the_posts_of_followed_accounts(instance):
    # Given alice follows bob, who posted, and carol, whom she does not follow
    await _people(instance, "alice", "bob", "carol")
    await _follow(instance, "alice", "bob")
    await _api(instance, "bob", "POST", "/api/v1/statuses", status="Library open late")
    await _api(instance, "carol", "POST", "/api/v1/statuses", status="Not followed")
    async with await signed_in_client(instance, "alice") as client:
        # When she opens her home page
        html = await _page(client, "/home")
    # Then it has the compose box and bob's post, not carol's
    assert 'action="/compose"' in html
    assert "Library open late" in html
    assert "Not followed" not in html


async def test_home_pages_older_posts(instance):
    await _people(instance, "alice")
    async with await signed_in_client(instance, "alice") as client:
        for word in ("first", "second", "third"):
            await _api(instance, "alice", "POST", "/api/v1/statuses", status=word)
        html = await _page(client, "/home?limit=2")
        older = re.search(r'href="(/home\?max_id=\d+&amp;limit=2)"', html)
        assert older
        assert "<p>third</p>" in html
        assert "<p>first</p>" not in html
        html = await _page(client, older.group(1).replace("&amp;", "&"))
        assert "<p>first</p>" in html
        assert "<p>third</p>" not in html


async def test_favourite_and_boost_from_the_home_page(instance):
    # Given a post by bob that alice sees on her home page
    await _people(instance, "alice", "bob")
    await _follow(instance, "alice", "bob")
    post = await _api(instance, "bob", "POST", "/api/v1/statuses", status="Vote!")
    async with await signed_in_client(instance, "alice") as client:
        token = await csrf_of(client, "/home")
        # When she favourites and boosts it
        for action in ("favourite", "reblog"):
            reply = await client.post(
                f"/statuses/{post['id']}/{action}",
                data={"csrf_token": token, "next": "/home"},
                allow_redirects=False,
            )
            # Then she goes back to her home page
            assert reply.status == 303
            assert reply.headers["Location"] == f"/home#post-{post['id']}"
        # And the post counts both, and offers to undo them
        seen = await _api(instance, "alice", "GET", f"/api/v1/statuses/{post['id']}")
        assert seen["favourited"]
        assert seen["reblogged"]
        html = await _page(client, "/home")
        assert f'action="/statuses/{post["id"]}/unfavourite"' in html
        assert f'action="/statuses/{post["id"]}/unreblog"' in html
        # And unfavouriting takes it back
        await client.post(
            f"/statuses/{post['id']}/unfavourite",
            data={"csrf_token": token},
            allow_redirects=False,
        )
        seen = await _api(instance, "alice", "GET", f"/api/v1/statuses/{post['id']}")
        assert not seen["favourited"]


async def test_actions_without_the_csrf_token_are_refused(instance):
    await _people(instance, "alice", "bob")
    post = await _api(instance, "bob", "POST", "/api/v1/statuses", status="Hi")
    async with await signed_in_client(instance, "alice") as client:
        await csrf_of(client, "/home")
        reply = await client.post(
            f"/statuses/{post['id']}/favourite", data={}, allow_redirects=False
        )
        assert reply.status == 403
        seen = await _api(instance, "alice", "GET", f"/api/v1/statuses/{post['id']}")
        assert not seen["favourited"]


async def test_delete_asks_first_then_deletes_own_post(instance):
    await _people(instance, "alice")
    post = await _api(instance, "alice", "POST", "/api/v1/statuses", status="Typo")
    async with await signed_in_client(instance, "alice") as client:
        # Given her own post offers Delete, which leads to a confirmation page
        html = await _page(client, "/home")
        assert f'href="/statuses/{post["id"]}/delete?next=/home"' in html
        page = await _page(client, f"/statuses/{post['id']}/delete?next=/home")
        assert "Delete this post?" in page
        assert "Typo" in page
        token = await csrf_of(client, f"/statuses/{post['id']}/delete")
        # When she confirms
        reply = await client.post(
            f"/statuses/{post['id']}/delete",
            data={"csrf_token": token, "next": "/home"},
            allow_redirects=False,
        )
        # Then the post is gone
        assert reply.status == 303
        assert reply.headers["Location"] == "/home"
        async with client.get(f"/api/v1/statuses/{post['id']}") as gone:
            assert gone.status == 404


async def test_nobody_deletes_another_accounts_post(instance):
    await _people(instance, "alice", "bob")
    post = await _api(instance, "bob", "POST", "/api/v1/statuses", status="Mine")
    async with await signed_in_client(instance, "alice") as client:
        async with client.get(f"/statuses/{post['id']}/delete") as page:
            assert page.status == 403
        token = await csrf_of(client, "/home")
        reply = await client.post(
            f"/statuses/{post['id']}/delete",
            data={"csrf_token": token},
            allow_redirects=False,
        )
        assert reply.status == 403


async def test_notifications_list_a_follow_and_a_mention(instance):
    # Given bob follows alice and mentions her
    await _people(instance, "alice", "bob")
    await _follow(instance, "bob", "alice")
    await _api(
        instance, "bob", "POST", "/api/v1/statuses", status="@alice see you at 6"
    )
    async with await signed_in_client(instance, "alice") as client:
        # When she opens her notifications
        html = await _page(client, "/notifications")
        # Then both are there, in words, and new
        assert "bob followed you" in html
        assert "bob mentioned you" in html
        assert "see you at 6" in html
        assert html.count('class="badge"') == 2
        # And once seen they are no longer new, for apps too
        html = await _page(client, "/notifications")
        assert 'class="badge"' not in html
        markers = await _api(
            instance, "alice", "GET", "/api/v1/markers?timeline[]=notifications"
        )
        assert markers["notifications"]["last_read_id"]


async def test_signed_in_pages_redirect_to_sign_in(instance):
    async with aiohttp.ClientSession(base_url=instance.base_url) as client:
        for path in ("/home", "/notifications", "/compose", "/statuses/1/delete"):
            async with client.get(path, allow_redirects=False) as reply:
                assert reply.status == 303, path
                assert reply.headers["Location"].startswith("/auth/sign_in?next=")
