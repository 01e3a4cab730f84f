"""The instance endpoints apps read at start-up, answered from real data."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

pytestmark = pytest.mark.usefixtures("backend")


def api(instance, token: str | None = None) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url)


async def test_trending_tags_rank_by_accounts_using_them(instance):
    # Given two officials posting about #housing and one about #roads
    for name in ("mayor", "clerk"):
        await instance.create_account(name)
    mayor = api(instance, await instance.token("mayor"))
    clerk = api(instance, await instance.token("clerk"))
    await asyncio.to_thread(mayor.status_post, "Zoning reform #housing")
    await asyncio.to_thread(clerk.status_post, "Permit data #housing #roads")
    # When an app asks for trending tags
    trends = await asyncio.to_thread(mayor.trending_tags)
    # Then #housing leads, with today's uses and accounts in its history
    assert [t["name"] for t in trends] == ["housing", "roads"]
    assert trends[0]["history"][0]["accounts"] == "2"
    assert trends[0]["history"][0]["uses"] == "2"
    assert len(trends[0]["history"]) == 7


async def test_trending_statuses_are_public_posts_with_interactions(instance):
    # Given a favourited public post and an ignored one
    for name in ("mayor", "clerk"):
        await instance.create_account(name)
    mayor = api(instance, await instance.token("mayor"))
    clerk = api(instance, await instance.token("clerk"))
    liked = await asyncio.to_thread(mayor.status_post, "Library hours extended")
    await asyncio.to_thread(mayor.status_post, "Quiet news")
    await asyncio.to_thread(clerk.status_favourite, liked["id"])
    # When an app asks for trending posts
    trending = await asyncio.to_thread(clerk.trending_statuses)
    # Then only the favourited one trends
    assert [s["id"] for s in trending] == [liked["id"]]


async def test_peers_list_domains_of_known_remote_actors(instance, remote):
    # Given a remote actor this instance has met
    actor = remote.add_actor("mayor")
    follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id("f"),
        "type": "Follow",
        "actor": actor.uri,
        "object": instance.fed.urls.actor("clerk"),
    }
    await instance.create_account("clerk")
    await remote.send(f"{instance.base_url}/inbox", follow)
    await instance.run_jobs()
    # When the peers are listed
    peers = await asyncio.to_thread(api(instance).instance_peers)
    # Then its domain is there
    assert peers == [remote.domain]


async def test_weekly_activity_counts_local_posts(instance):
    # Given two posts this week by one account
    await instance.create_account("mayor")
    mayor = api(instance, await instance.token("mayor"))
    await asyncio.to_thread(mayor.status_post, "one")
    await asyncio.to_thread(mayor.status_post, "two")
    # When the weekly activity is read
    weeks = await asyncio.to_thread(mayor.instance_activity)
    # Then this week shows them, and twelve weeks are listed
    assert len(weeks) == 12
    assert weeks[0]["statuses"] == 2
    assert weeks[0]["logins"] == 1
    assert weeks[0]["registrations"] == 1


async def test_contact_account_is_the_first_admin(instance):
    # Given an admin and a user
    await instance.create_account("mayor")
    await instance.create_account("admin", role="admin")
    # When an app reads the instance
    info = await asyncio.to_thread(api(instance).instance_v2)
    # Then the contact is the admin
    assert info["contact"]["account"]["username"] == "admin"


async def test_start_up_endpoints_answer_for_a_signed_in_app(instance):
    # Given a signed-in official
    await instance.create_account("mayor")
    mayor = api(instance, await instance.token("mayor"))
    # When an app makes its start-up calls
    prefs = await asyncio.to_thread(mayor.preferences)
    emojis = await asyncio.to_thread(mayor.custom_emojis)
    notices = await asyncio.to_thread(mayor.announcements)
    rules = await asyncio.to_thread(mayor.instance_rules)
    # Then each answers with its real, here empty or default, content
    assert prefs["posting:default:visibility"] == "public"
    assert (emojis, notices, rules) == ([], [], [])


@pytest.mark.parametrize("offset", ["-1", str(2**70)])
@pytest.mark.parametrize("kind", ["tags", "statuses", "links"])
async def test_trends_past_either_end_are_empty_not_500(instance, http, kind, offset):
    # When a trend list is asked for from before its start or far past its end
    # (PostgreSQL refuses a negative OFFSET; both engines overflow past 64 bits)
    reply = await http.get(f"/api/v1/trends/{kind}", params={"offset": offset})
    # Then the page is answered, and it is empty
    assert reply.status == 200, reply.text
    assert reply.json() == []
