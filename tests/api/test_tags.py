"""Hashtags: the Tag entity with `following`, following tags, followed tags in home,
and the hashtag timeline with any/all/none and local."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def test_following_a_tag_shows_in_the_tag_entity(instance):
    # Given a reader
    await instance.create_account("reader")
    client = api(instance, await instance.token("reader"))
    # When it follows #Potholes
    followed = await asyncio.to_thread(client.tag_follow, "Potholes")
    # Then the tag reads as followed and is listed
    assert followed["name"] == "potholes"
    assert followed["following"] is True
    assert (await asyncio.to_thread(client.tag, "potholes"))["following"] is True
    names = [t["name"] for t in await asyncio.to_thread(client.followed_tags)]
    assert names == ["potholes"]


async def test_unfollowing_a_tag(instance):
    # Given a followed tag
    await instance.create_account("reader")
    client = api(instance, await instance.token("reader"))
    await asyncio.to_thread(client.tag_follow, "roads")
    # When it is unfollowed
    unfollowed = await asyncio.to_thread(client.tag_unfollow, "roads")
    # Then it is no longer followed
    assert unfollowed["following"] is False
    assert await asyncio.to_thread(client.followed_tags) == []


async def test_followed_tags_are_listed_until_unfollowed(instance, http):
    # Given a reader following #roads and #parks
    await instance.create_account("reader")
    token = await instance.token("reader")
    for name in ("roads", "parks"):
        await http.post(f"/api/v1/tags/{name}/follow", token=token)
    # When #roads is unfollowed
    unfollowed = await http.post("/api/v1/tags/roads/unfollow", token=token)
    followed = await http.get("/api/v1/followed_tags", token=token)
    # Then the answer is the tag, no longer followed, and only #parks is listed
    assert unfollowed.json()["name"] == "roads"
    assert unfollowed.json()["following"] is False
    assert [(t["name"], t["following"]) for t in followed.json()] == [("parks", True)]
    assert "next" in followed.links


async def test_unknown_tag_is_not_found(instance, http):
    # Given no post ever used #nothing
    # When the tag is read
    reply = await http.get("/api/v1/tags/nothing")
    # Then it is not found
    assert reply.status == 404
    assert reply.json() == {"error": "Record not found"}


async def test_followed_tag_brings_public_posts_into_home(instance, http):
    # Given a reader following #roads but not its author
    await instance.create_account("reader")
    await instance.create_account("alice")
    client = api(instance, await instance.token("reader"))
    await asyncio.to_thread(client.tag_follow, "roads")
    # When alice posts publicly with the tag, and another post without it
    tagged = await post_status(instance, http, "alice", "Closing Main St #roads")
    await post_status(instance, http, "alice", "Unrelated")
    # Then only the tagged post reaches the reader's home
    home = await asyncio.to_thread(client.timeline_home)
    assert [s["id"] for s in home] == [tagged["id"]]


async def test_followed_tag_does_not_bring_unlisted_posts(instance, http):
    # Given a reader following #roads
    await instance.create_account("reader")
    await instance.create_account("alice")
    client = api(instance, await instance.token("reader"))
    await asyncio.to_thread(client.tag_follow, "roads")
    # When alice posts an unlisted post with the tag
    await post_status(instance, http, "alice", "quiet #roads", visibility="unlisted")
    # Then home stays empty
    assert await asyncio.to_thread(client.timeline_home) == []


async def test_tag_timeline_lists_tagged_public_posts(instance, http):
    # Given posts with and without #roads
    await instance.create_account("alice")
    tagged = await post_status(instance, http, "alice", "Fixing #Roads")
    await post_status(instance, http, "alice", "no tag here")
    await post_status(instance, http, "alice", "hidden #roads", visibility="private")
    # When the hashtag timeline is read anonymously
    timeline = await asyncio.to_thread(
        Mastodon(api_base_url=instance.base_url).timeline_hashtag, "roads"
    )
    # Then only the public tagged post is there
    assert [s["id"] for s in timeline] == [tagged["id"]]


async def test_tag_timeline_any_all_and_none(instance, http):
    # Given posts tagged in different combinations
    await instance.create_account("alice")
    both = await post_status(instance, http, "alice", "#roads #budget")
    roads = await post_status(instance, http, "alice", "#roads only")
    bikes = await post_status(instance, http, "alice", "#bikes only")
    await post_status(instance, http, "alice", "#roads #noise")
    # When combinations are asked for
    any_of = await http.get(
        "/api/v1/timelines/tag/roads", params=[("any[]", "bikes"), ("none[]", "noise")]
    )
    all_of = await http.get("/api/v1/timelines/tag/roads", params={"all[]": "budget"})
    # Then any widens, none narrows and all requires every tag
    assert [s["id"] for s in any_of.json()] == [bikes["id"], roads["id"], both["id"]]
    assert [s["id"] for s in all_of.json()] == [both["id"]]


async def test_tag_timeline_only_media_leaves_text_posts_out(instance, http):
    # Given a text-only tagged post
    await instance.create_account("alice")
    await post_status(instance, http, "alice", "words #roads")
    # When only posts with media are asked for
    reply = await http.get("/api/v1/timelines/tag/roads", params={"only_media": "1"})
    # Then there are none
    assert reply.status == 200
    assert reply.json() == []
