"""What apps read about the server at start-up and on their explore pages, checked
on the wire (Mastodon sends some counts as strings) and against Mastodon's OpenAPI
description through the `http` fixture."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")


async def test_weekly_activity_is_twelve_weeks_of_counts_as_strings(instance, http):
    # Given a mayor who posted twice this week
    await instance.create_account("mayor")
    for text in ("one", "two"):
        await post_status(instance, http, "mayor", text)
    # When the weekly activity is read
    weeks = (await http.get("/api/v1/instance/activity")).json()
    # Then twelve weeks are listed, newest first, this one holding the posts
    assert len(weeks) == 12
    assert weeks[0] == {
        "week": weeks[0]["week"],
        "statuses": "2",
        "logins": "1",
        "registrations": "1",
    }
    starts = [int(w["week"]) for w in weeks]
    assert starts == sorted(starts, reverse=True)
    assert datetime.fromtimestamp(starts[0], UTC).weekday() == 0  # a Monday


async def test_peers_are_the_domains_of_remote_actors_met(instance, http, remote):
    # Given a remote actor that followed a local clerk
    await instance.create_account("clerk")
    actor = remote.add_actor("mayor")
    follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id("f"),
        "type": "Follow",
        "actor": actor.uri,
        "object": instance.fed.urls.actor("clerk"),
    }
    await remote.send(f"{instance.base_url}/inbox", follow)
    await instance.run_jobs()
    # When the peers are listed
    peers = await http.get("/api/v1/instance/peers")
    # Then the remote domain is the one peer
    assert peers.json() == [remote.domain]


async def test_what_fedcity_does_not_keep_yet_is_listed_empty(instance, http):
    # Given a signed-in official (announcements need a token)
    await instance.create_account("mayor")
    token = await instance.token("mayor")
    # When an app reads announcements, custom emoji, rules and trending links
    answers = [
        await http.get(path, token=token)
        for path in (
            "/api/v1/announcements",
            "/api/v1/custom_emojis",
            "/api/v1/instance/rules",
            "/api/v1/trends/links",
        )
    ]
    # Then each is an empty list, not an error
    assert [(a.status, a.json()) for a in answers] == [(200, [])] * 4
    # And announcements stay private to signed-in accounts
    assert (await http.get("/api/v1/announcements")).status == 401


async def test_trending_tags_carry_a_week_of_daily_history(instance, http):
    # Given two officials posting about #housing and one also about #roads
    for name in ("mayor", "clerk"):
        await instance.create_account(name)
    await post_status(instance, http, "mayor", "Zoning reform #housing")
    await post_status(instance, http, "clerk", "Permit data #housing #roads")
    # When the trending tags are read
    trends = (await http.get("/api/v1/trends/tags")).json()
    # Then #housing leads, with seven days of history whose counts are strings
    assert [t["name"] for t in trends] == ["housing", "roads"]
    today = trends[0]["history"][0]
    assert len(trends[0]["history"]) == 7
    assert (today["uses"], today["accounts"]) == ("2", "2")
    assert trends[0]["url"].endswith("/tags/housing")


async def test_trending_statuses_are_the_public_posts_people_reacted_to(instance, http):
    # Given a favourited public post and an ignored one
    for name in ("mayor", "clerk"):
        await instance.create_account(name)
    liked = await post_status(instance, http, "mayor", "Library hours extended")
    await post_status(instance, http, "mayor", "Quiet news")
    clerk = await instance.token("clerk")
    await http.post(f"/api/v1/statuses/{liked['id']}/favourite", token=clerk)
    # When the clerk reads the trending statuses
    trending = (await http.get("/api/v1/trends/statuses", token=clerk)).json()
    # Then only the favourited one trends, shown as the clerk sees it
    assert [s["id"] for s in trending] == [liked["id"]]
    assert trending[0]["favourited"] is True
    assert trending[0]["favourites_count"] == 1
