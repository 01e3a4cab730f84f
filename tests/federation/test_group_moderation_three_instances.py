"""A league's group moderated and guarded across three real instances (issue 13):
a removal reaches every member's server, a ban stops the group relaying the
banned member, and the quorum guard warns when a council's majority is in the
group and, in `restrict`, refuses a same-council reply but not a like."""

from __future__ import annotations

from datetime import date
from typing import Any

import aiohttp
import pytest

from fedcity.config import TrustSettings
from fedcity.services.groups import members, moderation
from fedcity.services.groups.groups import NewGroup
from fedcity.services.offices import attestations as offices
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.queries import posts as post_q
from tests.federation.test_group_relay import home
from tests.federation.test_groups_federation import make_group
from tests.federation.test_offices_federation import league_attests
from tests.support.http import Http, follow, post_status
from tests.support.instances import LiveInstance, run_both

pytestmark = pytest.mark.usefixtures("backend")


def council_member(name: str) -> offices.Claim:
    return offices.Claim(
        role="council_member",
        jurisdiction="Ojai, CA",
        seats=3,
        term_start=date(2024, 12, 1),
        term_end=date(2099, 12, 1),
        title=f"Council Member {name}",
    )


async def local_post(instance: LiveInstance, uri: str) -> Any:
    async with instance.db.session() as session:
        return await post_q.get_post_by_uri(session, uri)


async def group_reblogs(http: Http, instance: LiveInstance, name: str) -> list[str]:
    """The uris of the posts `name`'s home timeline shows boosted by a group."""
    return [
        status["reblog"]["uri"]
        for status in await home(http, instance, name)
        if status.get("reblog") and status["account"]["group"]
    ]


async def direct_messages(http: Http, instance: LiveInstance, name: str) -> list[str]:
    """What `name` was told in mentions, filtered ones included (a banned member
    no longer follows the group, so its notice waits among the requests)."""
    reply = await http.get(
        "/api/v1/notifications",
        token=await instance.token(name),
        params={"types[]": "mention", "include_filtered": "true"},
    )
    assert reply.status == 200, reply.text
    return [n["status"]["content"] for n in reply.json()]


async def test_a_removal_reaches_every_member_and_a_ban_stops_the_relay(
    make_instance,
):
    # Given a league's public group, its coordinator, and members on two cities
    league = await make_instance("league", instance={"kind": "league"})
    east = await make_instance("east")
    west = await make_instance("west")
    coordinator = await league.create_account("coordinator")
    await east.create_account("mayor")
    await east.create_account("troll")
    await west.create_account("manager")
    await make_group(league, NewGroup("roads", moderators=("coordinator",)))
    group = f"roads@{league.domain}"
    async with aiohttp.ClientSession() as client:
        east_http, west_http = Http(client, east.base_url), Http(client, west.base_url)
        for name in ("mayor", "troll"):
            await follow(east, east_http, name, group)
        await follow(west, west_http, "manager", group)
        await run_both(league, east, west)
        # When the troll posts to the group, and it reaches the west manager
        spam = await post_status(east, east_http, "troll", f"@{group} Buy my stuff")
        await run_both(league, east, west)
        assert spam["uri"] in await group_reblogs(west_http, west, "manager")
        # And the coordinator removes it, with a reason
        async with league.db.session() as session:
            carried = await local_post(league, spam["uri"])
            await moderation.remove_post(
                session, coordinator, "roads", carried.id, "Advertising"
            )
        await run_both(league, east, west)
        # Then it is gone for every member: the west manager's timeline and the
        # copy there, and the group's page of the thread
        assert spam["uri"] not in await group_reblogs(west_http, west, "manager")
        copy = await local_post(west, spam["uri"])
        assert copy is None or copy.deleted_at is not None
        # When the coordinator bans the troll
        async with league.db.session() as session:
            troll = await actor_q.get_actor_by_uri(
                session, east.fed.urls.actor("troll")
            )
            assert troll is not None
            await members.ban(
                session, league.fed.urls, coordinator, "roads", troll.id, "Spam"
            )
        await run_both(league, east, west)
        # Then the troll's next post to the group is not relayed to anyone
        again = await post_status(east, east_http, "troll", f"@{group} Buy more")
        await run_both(league, east, west)
        assert again["uri"] not in await group_reblogs(west_http, west, "manager")
        assert await local_post(west, again["uri"]) is None
        # And the troll is told why, by the group
        told = await direct_messages(east_http, east, "troll")
        assert any("banned" in text for text in told), told
        # While the mayor's post still reaches the west manager
        fine = await post_status(east, east_http, "mayor", f"@{group} Pothole data")
        await run_both(league, east, west)
        assert fine["uri"] in await group_reblogs(west_http, west, "manager")


async def test_the_quorum_guard_warns_and_restricts_same_council_replies(
    make_instance,
):
    # Given a league verifying two of Ojai's three council members (on the east
    # city) and a member of another city (west), all trusting the league
    league = await make_instance("league", instance={"kind": "league"})
    trust = TrustSettings(verifiers=(league.domain,))
    east = await make_instance("east", trust=trust)
    west = await make_instance("west", trust=trust)
    await league.create_account("coordinator")
    for name in ("alvarez", "baker"):
        await east.create_account(name)
        await league_attests(league, f"{name}@{east.domain}", council_member(name))
    await west.create_account("manager")
    await run_both(league, east, west)
    await make_group(
        league,
        NewGroup(
            "budget",
            visibility="members",
            quorum_guard="restrict",
            moderators=("coordinator",),
        ),
    )
    group = f"budget@{league.domain}"
    async with aiohttp.ClientSession() as client:
        east_http, west_http = Http(client, east.base_url), Http(client, west.base_url)
        await follow(west, west_http, "manager", group)
        await follow(east, east_http, "alvarez", group)
        await run_both(league, east, west)
        # When the second council member joins: 2 of the 3 seats are in the group
        await follow(east, east_http, "baker", group)
        await run_both(league, east, west)
        # Then the group warns the joining member (and the moderators)
        warned = await direct_messages(east_http, east, "baker")
        assert any("Ojai" in text and "majority" in text for text in warned), warned
        # When one council member posts in the group, the other likes it and then
        # replies to it
        root = await post_status(
            east,
            east_http,
            "alvarez",
            f"@{group} Draft budget for the fire station",
            visibility="private",
        )
        await run_both(league, east, west)
        assert root["uri"] in await group_reblogs(west_http, west, "manager")
        baker_token = await east.token("baker")
        liked = await east_http.post(
            f"/api/v1/statuses/{root['id']}/favourite", token=baker_token
        )
        assert liked.status == 200, liked.text
        reply = await post_status(
            east,
            east_http,
            "baker",
            f"@{group} @alvarez I agree, let's fund it",
            in_reply_to_id=root["id"],
            visibility="private",
        )
        await run_both(league, east, west)
        # Then the like reaches the other members through the group, the reply
        # does not, and its author is told why
        copy = await local_post(west, root["uri"])
        assert copy is not None
        assert copy.favourites_count == 1
        assert await local_post(west, reply["uri"]) is None
        told = await direct_messages(east_http, east, "baker")
        assert any("Ojai" in text and "refuses" in text for text in told), told
