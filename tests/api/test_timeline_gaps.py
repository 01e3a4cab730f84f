"""Filters on threads (context `thread`) and account timelines (context
`account`), `only_media` on the public timeline, the deprecated direct timeline,
and the Tag entity's `history` on /api/v1/tags and followed tags; through the
contract-checked `http` fixture on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from tests.support.http import Http, account_id, post_status
from tests.support.images import jpeg_with_exif

pytestmark = pytest.mark.usefixtures("backend")


async def add_filter(
    instance, http: Http, name: str, context: str, action: str, keyword: str
) -> None:
    reply = await http.post(
        "/api/v2/filters",
        token=await instance.token(name),
        json={
            "title": f"{action} {keyword}",
            "context": [context],
            "filter_action": action,
            "keywords_attributes": [{"keyword": keyword, "whole_word": True}],
        },
    )
    assert reply.status == 200, reply.text


def by_id(statuses: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in statuses}


# --- filters --------------------------------------------------------------------


async def test_thread_filters_hide_and_warn_in_a_statuses_context(instance, http):
    # Given a thread with replies about a spoiler, a rumour and the weather, and a
    # reader who hides "spoiler" and is warned of "rumour" in threads, and hides
    # "weather" only at home
    await instance.create_account("mayor")
    await instance.create_account("reader")
    root = await post_status(instance, http, "mayor", "Town hall tonight")
    replies = {
        word: await post_status(
            instance, http, "mayor", f"About the {word}", in_reply_to_id=root["id"]
        )
        for word in ("spoiler", "rumour", "weather")
    }
    await add_filter(instance, http, "reader", "thread", "hide", "spoiler")
    await add_filter(instance, http, "reader", "thread", "warn", "rumour")
    await add_filter(instance, http, "reader", "home", "hide", "weather")
    # When the reader reads the thread
    reply = await http.get(
        f"/api/v1/statuses/{root['id']}/context",
        token=await instance.token("reader"),
    )
    assert reply.status == 200, reply.text
    descendants = by_id(reply.json()["descendants"])
    # Then the hidden reply is left out and the warned one carries `filtered`
    assert set(descendants) == {replies["rumour"]["id"], replies["weather"]["id"]}
    warned = descendants[replies["rumour"]["id"]]["filtered"]
    assert [w["keyword_matches"] for w in warned] == [["rumour"]]
    assert warned[0]["filter"]["context"] == ["thread"]
    assert descendants[replies["weather"]["id"]]["filtered"] == []


async def test_thread_filters_apply_to_ancestors(instance, http):
    # Given a reply to a post about a spoiler, and a reader hiding "spoiler"
    await instance.create_account("mayor")
    await instance.create_account("reader")
    root = await post_status(instance, http, "mayor", "The spoiler is out")
    leaf = await post_status(
        instance, http, "mayor", "Indeed", in_reply_to_id=root["id"]
    )
    await add_filter(instance, http, "reader", "thread", "hide", "spoiler")
    # When the reader reads the reply's thread
    reply = await http.get(
        f"/api/v1/statuses/{leaf['id']}/context",
        token=await instance.token("reader"),
    )
    # Then the hidden ancestor is left out
    assert reply.json()["ancestors"] == []


async def test_account_filters_apply_to_an_accounts_statuses(instance, http):
    # Given the mayor's posts, and a reader hiding "parking" on profiles and
    # warned of "budget"
    await instance.create_account("mayor")
    await instance.create_account("reader")
    await post_status(instance, http, "mayor", "New parking rules")
    budget = await post_status(instance, http, "mayor", "The budget is out")
    plain = await post_status(instance, http, "mayor", "Good morning")
    await add_filter(instance, http, "reader", "account", "hide", "parking")
    await add_filter(instance, http, "reader", "account", "warn", "budget")
    # When the reader reads the mayor's statuses
    mayor = await account_id(http, "mayor")
    reply = await http.get(
        f"/api/v1/accounts/{mayor}/statuses", token=await instance.token("reader")
    )
    assert reply.status == 200, reply.text
    statuses = reply.json()
    # Then the hidden post is left out, the warned one carries `filtered`
    assert [s["id"] for s in statuses] == [plain["id"], budget["id"]]
    assert statuses[1]["filtered"][0]["keyword_matches"] == ["budget"]
    # And paging still goes past the hidden post
    assert "max_id=" in reply.links["next"]


# --- public timeline with only_media ---------------------------------------------


async def upload_image(instance, http: Http, name: str) -> str:
    form = aiohttp.FormData()
    form.add_field(
        "file", io.BytesIO(jpeg_with_exif()), filename="photo.jpg",
        content_type="image/jpeg",
    )  # fmt: skip
    reply = await http.post(
        "/api/v2/media", token=await instance.token(name), data=form
    )
    assert reply.status == 200, reply.text
    return str(reply.json()["id"])


async def test_public_timeline_only_media(instance, http):
    # Given a public post with an image and one without
    await instance.create_account("mayor")
    media_id = await upload_image(instance, http, "mayor")
    pictured = await post_status(
        instance, http, "mayor", "Bridge photo", media_ids=[media_id]
    )
    plain = await post_status(instance, http, "mayor", "Bridge news")
    # When the public timeline is read with and without only_media
    everything = await http.get("/api/v1/timelines/public")
    media_only = await http.get(
        "/api/v1/timelines/public", params={"only_media": "true"}
    )
    # Then only_media keeps the post with the image
    assert [s["id"] for s in everything.json()] == [plain["id"], pictured["id"]]
    assert [s["id"] for s in media_only.json()] == [pictured["id"]]


# --- direct timeline ---------------------------------------------------------------


async def test_direct_timeline_holds_direct_posts_one_takes_part_in(instance, http):
    # Given direct posts between the mayor and the resident, one to someone else,
    # and a public post mentioning the resident
    for name in ("mayor", "resident", "clerk"):
        await instance.create_account(name)
    first = await post_status(
        instance, http, "mayor", "@resident a word", visibility="direct"
    )
    answer = await post_status(
        instance, http, "resident", "@mayor thanks", visibility="direct"
    )
    await post_status(instance, http, "mayor", "@clerk another", visibility="direct")
    await post_status(instance, http, "mayor", "@resident in public")
    token = await instance.token("resident")
    # When the resident reads the direct timeline, then its first page of one
    reply = await http.get("/api/v1/timelines/direct", token=token)
    page = await http.get(
        "/api/v1/timelines/direct", token=token, params={"limit": "1"}
    )
    # Then it holds the two direct posts of the resident's, newest first, paged
    assert reply.status == 200, reply.text
    assert [s["id"] for s in reply.json()] == [answer["id"], first["id"]]
    assert [s["id"] for s in page.json()] == [answer["id"]]
    older = await http.get(page.links["next"], token=token)
    assert [s["id"] for s in older.json()] == [first["id"]]


async def test_direct_timeline_needs_a_token(instance, http):
    reply = await http.get("/api/v1/timelines/direct")
    assert reply.status == 401


# --- Tag history ------------------------------------------------------------------


def today_midnight() -> str:
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return str(int(midnight.timestamp()))


async def test_tag_entity_has_its_history(instance, http):
    # Given #potholes used in three public posts by two accounts today
    await instance.create_account("mayor")
    await instance.create_account("clerk")
    await post_status(instance, http, "mayor", "#potholes on Elm")
    await post_status(instance, http, "mayor", "#potholes on Oak")
    await post_status(instance, http, "clerk", "#Potholes everywhere")
    # When the tag is read
    reply = await http.get("/api/v1/tags/potholes")
    # Then its history counts today's uses and accounts, and six quiet days
    assert reply.status == 200, reply.text
    history = reply.json()["history"]
    assert history[0] == {"day": today_midnight(), "uses": "3", "accounts": "2"}
    assert [d["uses"] for d in history[1:]] == ["0"] * 6


async def test_followed_tags_have_their_history(instance, http):
    # Given a reader following #roads, used once today
    await instance.create_account("mayor")
    await instance.create_account("reader")
    token = await instance.token("reader")
    followed = await http.post("/api/v1/tags/roads/follow", token=token)
    assert followed.json()["history"][0]["uses"] == "0"
    await post_status(instance, http, "mayor", "#roads closed")
    # When the followed tags are listed
    reply = await http.get("/api/v1/followed_tags", token=token)
    # Then the tag comes with its history
    [tag] = reply.json()
    assert tag["following"] is True
    assert tag["history"][0] == {"day": today_midnight(), "uses": "1", "accounts": "1"}
