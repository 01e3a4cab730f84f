"""Discussion groups across instances (issue 13), with two real instances on
loopback: a league hosts the groups, a city's accounts join them by following.
The group's actor document carries what Lemmy, Mbin and NodeBB read (FEP-1b12)."""

from __future__ import annotations

from datetime import date
from typing import Any

import aiohttp
import pytest

from fedcity.config import TrustSettings
from fedcity.services.groups.groups import NewGroup, create_group, delete_group
from fedcity.services.offices import attestations as offices
from fedcity.storage.models import Actor, Follow
from fedcity.storage.queries import actors as actor_q
from tests.federation.test_offices_federation import league_attests
from tests.support.http import Http, follow
from tests.support.instances import LiveInstance, run_both
from tests.support.keys import premade_keypair

pytestmark = pytest.mark.usefixtures("backend")

CANDIDATE = offices.Claim(
    role="candidate",
    jurisdiction="Ojai, CA",
    seeking="mayor",
    election_date=date(2099, 11, 3),
)

AS2 = "application/activity+json"


async def make_group(instance: LiveInstance, cmd: NewGroup) -> None:
    async with instance.db.session() as session:
        await create_group(session, instance.fed.urls, cmd, premade_keypair())


async def follow_state(city: LiveInstance, name: str, group: str) -> str | None:
    """The state of `name`'s follow of `group` on `city`, None when there is none."""
    async with city.db.session() as session:
        follower = await actor_q.get_local_actor(session, name)
        target = await actor_q.get_actor_by_uri(session, group)
        assert isinstance(follower, Actor)
        assert isinstance(target, Actor)
        row = await actor_q.get_follow(session, follower.id, target.id)
    return row.state if isinstance(row, Follow) else None


async def document(http: Http, path: str, status: int = 200) -> dict[str, Any]:
    reply = await http.get(path, accept=AS2)
    assert reply.status == status, reply.text
    return dict(reply.json())


async def test_a_remote_account_joins_a_public_open_group(make_instance):
    # Given a league with a public, open group moderated by its coordinator
    league = await make_instance("league", instance={"kind": "league"})
    city = await make_instance("city")
    await league.create_account("coordinator")
    await city.create_account("resident")
    await make_group(
        league,
        NewGroup(
            "wildfire",
            display_name="Wildfire Preparedness",
            description="Plans for the fire season",
            moderators=("coordinator",),
        ),
    )
    group_uri = league.fed.urls.actor("wildfire")
    async with aiohttp.ClientSession() as client:
        there, here = Http(client, league.base_url), Http(client, city.base_url)
        # When its actor document is fetched
        doc = await document(there, "/users/wildfire")
        # Then it is a Group with the FEP-1b12 fields, not manually approving
        assert doc["type"] == "Group"
        assert doc["name"] == "Wildfire Preparedness"
        assert doc["summary"] == "Plans for the fire season"
        moderators_url = f"{group_uri}/moderators"
        assert doc["attributedTo"] == doc["moderators"] == moderators_url
        assert doc["manuallyApprovesFollowers"] is False
        assert doc["postingRestrictedToMods"] is False
        assert doc["followers"] == f"{group_uri}/followers"
        assert doc["outbox"] == f"{group_uri}/outbox"
        assert doc["featured"] == f"{group_uri}/collections/featured"
        assert doc["endpoints"]["sharedInbox"] == f"{league.base_url}/inbox"
        assert "https://join-lemmy.org/context.json" in doc["@context"]
        # And its moderators collection lists the coordinator
        moderators = await document(there, "/users/wildfire/moderators")
        assert moderators["orderedItems"] == [league.fed.urls.actor("coordinator")]
        # And its profile page is served to browsers like an account's
        page = await there.get("/@wildfire", accept="text/html")
        assert page.status == 200
        assert "Wildfire Preparedness" in page.text
        # And WebFinger answers for the group's handle
        finger = await there.get(
            "/.well-known/webfinger",
            params={"resource": f"acct:wildfire@{league.domain}"},
        )
        assert finger.status == 200, finger.text
        assert group_uri in {link.get("href") for link in finger.json()["links"]}
        # When a resident of the city follows it from a Mastodon app
        account = await follow(city, here, "resident", f"wildfire@{league.domain}")
        await run_both(league, city)
        # Then the group accepts at once: the resident is a member
        assert await follow_state(city, "resident", group_uri) == "accepted"
        assert await follow_state(league, "coordinator", group_uri) is None
        # And the app sees the group as a group
        found = await here.get(f"/api/v1/accounts/{account['id']}")
        assert found.json()["group"] is True
        # When the resident leaves (Undo Follow)
        token = await city.token("resident")
        left = await here.post(
            f"/api/v1/accounts/{account['id']}/unfollow", token=token
        )
        assert left.status == 200, left.text
        await run_both(league, city)
        # Then the group no longer counts the member
        async with league.db.session() as session:
            group = await actor_q.get_actor_by_uri(session, group_uri)
            assert group is not None
            assert group.followers_count == 0
        # When the operator deletes the group, its id answers 410 and its handle
        # resolves no more
        async with league.db.session() as session:
            await delete_group(session, "wildfire")
        gone = await document(there, "/users/wildfire", status=410)
        assert gone["type"] == "Tombstone"
        assert gone["formerType"] == "Group"
        finger = await there.get(
            "/.well-known/webfinger",
            params={"resource": f"acct:wildfire@{league.domain}"},
        )
        assert finger.status == 404
        # And the city, told by a Delete of the group, forgets it too
        await run_both(league, city)
        async with city.db.session() as session:
            known = await actor_q.get_actor_by_uri(session, group_uri)
            assert known is not None
            assert known.deleted_at is not None


async def test_an_officials_group_refuses_an_unverified_account(make_instance):
    # Given a members-only group of officials on the league, and a city trusting
    # the league, whose mayor the league verified
    league = await make_instance("league", instance={"kind": "league"})
    city = await make_instance("city", trust=TrustSettings(verifiers=(league.domain,)))
    await city.create_account("mayor")
    await city.create_account("resident")
    await city.create_account("hopeful")
    await league_attests(league, f"mayor@{city.domain}")
    await league_attests(league, f"hopeful@{city.domain}", CANDIDATE)
    await run_both(league, city)
    await make_group(
        league, NewGroup("housing", visibility="members", policy="officials")
    )
    group_uri = league.fed.urls.actor("housing")
    async with aiohttp.ClientSession() as client:
        there, here = Http(client, league.base_url), Http(client, city.base_url)
        # Then its document manually approves followers (Lemmy: a private group)
        doc = await document(there, "/users/housing")
        assert doc["manuallyApprovesFollowers"] is True
        # When the resident, a verified candidate and the mayor all ask to join
        for name in ("resident", "hopeful", "mayor"):
            await follow(city, here, name, f"housing@{league.domain}")
        await run_both(league, city)
    # Then the group Rejects the resident and the candidate (a candidate is not
    # an official), whose follows are gone on both sides, and Accepts the mayor
    assert await follow_state(city, "resident", group_uri) is None
    assert await follow_state(city, "hopeful", group_uri) is None
    assert await follow_state(city, "mayor", group_uri) == "accepted"
    async with league.db.session() as session:
        group = await actor_q.get_actor_by_uri(session, group_uri)
        assert group is not None
        assert group.followers_count == 1
