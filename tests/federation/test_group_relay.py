"""A group relays its members' posts across instances (FEP-1b12), with three real
instances on loopback: the league hosts the group, two cities' officials are its
members. One scenario per group kind, each step building on the one before."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson
import pytest
from mastodon import Mastodon
from sqlalchemy import select

from fedcity.errors import FetchError
from fedcity.federation.fetch import fetch_document
from fedcity.federation.signatures.cavage import sign_request
from fedcity.services.groups.groups import NewGroup
from fedcity.storage.models import OutboxActivity, PeerInstance
from fedcity.storage.queries import actors as actor_q
from tests.federation.test_groups_federation import document, make_group
from tests.federation.test_polls_federation import make_due
from tests.support.http import Http, follow, post_status
from tests.support.instances import LiveInstance, run_both

pytestmark = pytest.mark.usefixtures("backend")


async def home(http: Http, instance: LiveInstance, name: str) -> list[dict[str, Any]]:
    reply = await http.get("/api/v1/timelines/home", token=await instance.token(name))
    assert reply.status == 200, reply.text
    return list(reply.json())


async def sent(instance: LiveInstance, kind: str) -> list[dict[str, Any]]:
    async with instance.db.session() as session:
        rows = await session.scalars(
            select(OutboxActivity).where(OutboxActivity.activity_type == kind)
        )
        return [orjson.loads(row.document) for row in rows]


async def signed_get_status(instance: LiveInstance, url: str) -> int:
    """The status of a GET of `url` signed by `instance`'s instance actor."""
    key = instance.fed.instance_key
    headers = sign_request(
        "GET", url, key_id=key.key_id, private_key=key.private_key, headers={}
    )
    response = await instance.fed.transport.get(url, headers, max_bytes=65536)
    return response.status


async def test_a_members_post_reaches_the_other_members_through_the_group(
    make_instance,
):
    # Given a league hosting a public, open group, and a member on each of two
    # cities; the west manager uses a Mastodon app (Mastodon.py)
    league = await make_instance("league", instance={"kind": "league"})
    east = await make_instance("east")
    west = await make_instance("west")
    await league.create_account("coordinator")
    await east.create_account("mayor")
    await west.create_account("manager")
    await make_group(
        league, NewGroup("housing", display_name="Housing", moderators=("coordinator",))
    )
    group = f"housing@{league.domain}"
    group_uri = league.fed.urls.actor("housing")
    async with aiohttp.ClientSession() as client:
        east_http = Http(client, east.base_url)
        league_http = Http(client, league.base_url)
        manager = Mastodon(
            access_token=await west.token("manager"), api_base_url=west.base_url
        )
        await follow(east, east_http, "mayor", group)
        found = await asyncio.to_thread(manager.account_lookup, group)
        assert found["group"] is True
        await asyncio.to_thread(manager.account_follow, found["id"])
        await run_both(league, east, west)
        relationship = await asyncio.to_thread(manager.account_relationships, found)
        assert relationship[0]["following"] is True
        # When the east mayor posts to the group by mentioning it
        status = await post_status(
            east, east_http, "mayor", f"@{group} Who has tried a housing trust fund?"
        )
        await run_both(league, east, west)
        # Then the group announced it, in both forms, to the members' servers
        announces = await sent(league, "Announce")
        assert announces, "the group announced nothing"
        create_form = next(a for a in announces if isinstance(a["object"], dict))
        assert create_form["actor"] == group_uri
        assert create_form["audience"] == group_uri
        assert create_form["object"]["type"] == "Create"
        note = create_form["object"]["object"]
        assert note["id"] == status["uri"]
        assert note["audience"] == group_uri
        context = note["context"]
        assert context.startswith(f"{group_uri}/context/")
        # And the league looks up, a little later, what the members' servers
        # run, so that its next announces take only the form they read
        await make_due(league, "fetch_software")
        await run_both(league, east, west)
        async with league.db.session() as session:
            peers = await session.scalars(select(PeerInstance.software))
            assert set(peers) == {"fedcity"}
        # And the west manager sees it in the home timeline as a boost by the group
        timeline = await asyncio.to_thread(manager.timeline_home)
        boosts = [s for s in timeline if s.get("reblog")]
        assert boosts, timeline
        assert boosts[0]["account"]["acct"] == group
        assert boosts[0]["reblog"]["uri"] == status["uri"]
        # And the group's account timeline shows the thread
        threads = await asyncio.to_thread(manager.account_statuses, found["id"])
        assert [s["reblog"]["uri"] for s in threads] == [status["uri"]]
        # When the west manager replies, mentioning the group as Mastodon users do
        await asyncio.to_thread(
            manager.status_post,
            f"@{group} @mayor@{east.domain} We did, in 2023.",
            in_reply_to_id=boosts[0]["reblog"]["id"],
        )
        await run_both(league, east, west)
        # Then the thread's context collection lists the root, then the reply
        collection = await document(league_http, context.removeprefix(league.base_url))
        assert collection["totalItems"] == 2
        page = await document(
            league_http, collection["first"].removeprefix(league.base_url)
        )
        assert page["orderedItems"][0] == status["uri"]
        assert page["orderedItems"][1].startswith(west.base_url)
        # And the east mayor sees the reply through the group
        timeline = await home(east_http, east, "mayor")
        assert any(
            s.get("reblog") and s["reblog"]["in_reply_to_id"] == status["id"]
            for s in timeline
        ), timeline
    async with league.db.session() as session:
        group_actor = await actor_q.get_actor_by_uri(session, group_uri)
        assert group_actor is not None
        assert group_actor.followers_count == 2


async def test_a_members_group_keeps_its_threads_among_members(make_instance):
    # Given a league hosting a members-only group with its coordinator, a member
    # on the east city, and only a non-member on the west city
    league = await make_instance("league", instance={"kind": "league"})
    east = await make_instance("east")
    west = await make_instance("west")
    await league.create_account("coordinator")
    await east.create_account("mayor")
    await west.create_account("resident")
    await make_group(
        league,
        NewGroup("budget", visibility="members", moderators=("coordinator",)),
    )
    group = f"budget@{league.domain}"
    group_uri = league.fed.urls.actor("budget")
    async with aiohttp.ClientSession() as client:
        east_http = Http(client, east.base_url)
        league_http = Http(client, league.base_url)
        await follow(east, east_http, "mayor", group)
        await run_both(league, east, west)
        # When the coordinator opens a thread, followers-only, in the group
        root = await post_status(
            league,
            league_http,
            "coordinator",
            "@budget Draft budget for next year attached.",
            visibility="private",
        )
        await run_both(league, east, west)
        # Then it went to the group's followers only, never to Public
        [announce] = [
            a for a in await sent(league, "Announce") if isinstance(a["object"], dict)
        ]
        assert "https://www.w3.org/ns/activitystreams#Public" not in str(announce)
        assert announce["to"] == [f"{group_uri}/followers"]
        context = announce["object"]["object"]["context"]
        # And a signed fetch from the member's server reads the thread and the post
        collection = await fetch_document(east.fed, context)
        assert collection["totalItems"] == 1
        note = await fetch_document(east.fed, root["uri"])
        assert note["id"] == root["uri"]
        # But neither an unsigned fetch nor a signed one from a server without a
        # member gets the thread or the post, even by its URL
        anonymous = await league_http.get(context.removeprefix(league.base_url))
        assert anonymous.status == 404
        for url in (context, root["uri"]):
            with pytest.raises(FetchError):
                await fetch_document(west.fed, url)
        # And the group answers whether an actor is a member, only when signed
        followers = f"{group_uri}/followers"
        mayor_uri = east.fed.urls.actor("mayor")
        resident_uri = west.fed.urls.actor("resident")
        member = await signed_get_status(east, f"{followers}?is_follower={mayor_uri}")
        assert member == 200
        stranger = await signed_get_status(
            east, f"{followers}?is_follower={resident_uri}"
        )
        assert stranger == 404
        unsigned = await league_http.get(
            "/users/budget/followers", params={"is_follower": mayor_uri}
        )
        assert unsigned.status == 401
        # And the east mayor, a member, reads it in the home timeline
        timeline = await home(east_http, east, "mayor")
        assert any(
            s.get("reblog") and s["reblog"]["uri"] == root["uri"] for s in timeline
        ), timeline
