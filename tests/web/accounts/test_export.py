"""The account's export: its posts and follows as files to download."""

from __future__ import annotations

import csv
import io
import json

from fedcity.storage.models import Follow, FollowState
from tests.support.http import post_status


async def _follow(instance, follower, target) -> None:
    async with instance.db.session() as session:
        session.add(
            Follow(
                actor_id=follower.id,
                target_id=target.id,
                state=FollowState.ACCEPTED,
                uri=f"{follower.uri}#follows/{target.id}",
                show_reblogs=False,
                notify=True,
                languages=",en,es,",
            )
        )


async def test_posts_export_as_json_and_csv(instance, browser, http):
    # Given an account that posted twice
    await instance.create_account("mayor")
    await post_status(instance, http, "mayor", "First post")
    await post_status(instance, http, "mayor", "Second, with a comma")
    await browser.sign_in("mayor")
    # When it downloads its posts
    as_json = await browser.get("/settings/export/posts.json")
    as_csv = await browser.get("/settings/export/posts.csv")
    # Then both files hold them, oldest first, as attachments
    assert as_json.headers["Content-Type"].startswith("application/json")
    assert as_json.headers["Content-Disposition"] == (
        'attachment; filename="mayor-posts.json"'
    )
    posts = json.loads(as_json.text)
    assert [p["text"] for p in posts] == ["First post", "Second, with a comma"]
    assert posts[0]["visibility"] == "public"
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0][:3] == ["id", "uri", "url"]
    assert [r[10] for r in rows[1:]] == ["First post", "Second, with a comma"]


async def test_following_export_in_mastodons_format(instance, browser):
    # Given an account following another, boosts off, notified, in two languages
    mayor = await instance.create_account("mayor")
    clerk = await instance.create_account("clerk")
    await _follow(instance, mayor, clerk)
    await browser.sign_in("mayor")
    # When it downloads whom it follows
    page = await browser.get("/settings/export/following.csv")
    # Then the file is Mastodon's following_accounts.csv
    assert page.status == 200
    assert page.headers["Content-Disposition"] == (
        'attachment; filename="mayor-following.csv"'
    )
    assert page.text.splitlines() == [
        "Account address,Show boosts,Notify on new posts,Languages",
        f'clerk@{instance.domain},false,true,"en, es"',
    ]
    as_json = json.loads((await browser.get("/settings/export/following.json")).text)
    assert as_json[0]["address"] == f"clerk@{instance.domain}"
    assert as_json[0]["languages"] == ["en", "es"]


async def test_followers_export(instance, browser):
    # Given an account with a follower
    mayor = await instance.create_account("mayor")
    clerk = await instance.create_account("clerk")
    await _follow(instance, clerk, mayor)
    await browser.sign_in("mayor")
    # When it downloads its followers
    page = await browser.get("/settings/export/followers.csv")
    # Then the follower is listed by address
    assert page.text.splitlines() == ["Account address", f"clerk@{instance.domain}"]


async def test_unknown_export_is_not_found(instance, browser):
    # Given a signed-in account
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    # When it asks for a file that is not an export
    page = await browser.get("/settings/export/secrets.txt")
    # Then there is none
    assert page.status == 404
