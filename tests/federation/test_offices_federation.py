"""Verified offices crossing instances (issue 11), with real instances on loopback:
a league attests the officials of its member cities' instances; the subject's
city accepts and lists what a trusted, in-scope league signed; any other city
checks each attestation a remote actor lists, and shows it verified only when
every check holds, else unverified with the reason admins see."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from fedcity.config import TrustSettings
from fedcity.federation.attestations import jobs as attestation_jobs
from fedcity.federation.attestations import outbound, trust
from fedcity.federation.attestations.subjects import find_or_resolve
from fedcity.federation.attestations.trust import sync_trust
from fedcity.federation.outbox.publish import Outgoing, publish
from fedcity.federation.render.common import render_activity
from fedcity.services.offices import attestations as offices
from fedcity.storage.models import Attestation
from fedcity.storage.queries import actors as actor_q
from fedcity.storage.types import utcnow
from tests.support.http import Http, account_id
from tests.support.instances import LiveInstance, run_both
from tests.web.test_offices import validate

pytestmark = pytest.mark.usefixtures("backend")

CA = "ocd-division/country:us/state:ca"
ADMIN_PATH = "/api/v1/fedcity/admin/offices"
MAYOR = offices.Claim(
    role="mayor",
    jurisdiction="Ojai, CA",
    term_start=date(2024, 12, 1),
    term_end=date(2099, 12, 1),
)


async def league_attests(
    league: LiveInstance, handle: str, claim: offices.Claim = MAYOR
) -> Attestation:
    """`official verify HANDLE` on the league, through the same service calls."""
    async with league.db.session() as session:
        subject = await find_or_resolve(league.fed, session, handle)
        issuer = offices.Issuer(league.fed.urls, league.settings.instance.name)
        return await offices.verify(session, issuer, subject, claim)


async def league_revokes(league: LiveInstance, handle: str) -> None:
    async with league.db.session() as session:
        subject = await find_or_resolve(league.fed, session, handle)
        issuer = offices.Issuer(league.fed.urls, league.settings.instance.name)
        await offices.revoke(session, issuer, subject)


async def account_on(instance: LiveInstance, handle: str) -> dict[str, Any]:
    """The Account entity `instance` shows for `handle` (looked up, fetched when
    unknown), after its attestation checks ran."""
    async with aiohttp.ClientSession() as client:
        http = Http(client, instance.base_url)
        found = await account_id(http, handle)
        await instance.run_jobs()
        reply = await http.get(f"/api/v1/accounts/{found}")
    assert reply.status == 200, reply.text
    return reply.json()


def offices_of(account: dict[str, Any]) -> list[dict[str, Any]]:
    return list(account["fedcity"]["offices"])


async def world(make_instance, *, b_scope: tuple[str, ...] | None = None):
    """A league, city A (trusts the league for every place) and city B (trusts
    it, scoped to `b_scope` when given)."""
    league = await make_instance("league", instance={"kind": "league"})
    scopes = {league.domain: b_scope} if b_scope else {}
    a = await make_instance("a", trust=TrustSettings(verifiers=(league.domain,)))
    b = await make_instance(
        "b", trust=TrustSettings(verifiers=(league.domain,), scopes=scopes)
    )
    for city in (a, b):
        await city.create_account("mayor")
    return league, a, b


async def test_league_verifies_mayor_of_a_and_b_shows_it_verified(make_instance):
    # Given a league trusted by cities A and B
    league, a, b = await world(make_instance)
    handle = f"mayor@{a.domain}"
    # When the league attests A's mayor, a handle it did not know
    attestation = await league_attests(league, handle)
    await run_both(league, a)
    # Then A accepted it: its mayor lists it and shows the office verified
    mayor_on_a = await account_on(a, "mayor")
    [office] = offices_of(mayor_on_a)
    assert (office["status"], office["attestation"]) == ("verified", attestation.uri)
    async with a.db.session() as session:
        row = await session.scalar(
            select(Attestation).where(Attestation.uri == attestation.uri)
        )
        actor = await actor_q.get_local_actor(session, "mayor")
    assert row is not None
    assert not row.local
    assert row.issuer_uri == league.fed.urls.instance_actor
    assert actor is not None
    assert actor.offices[0]["attestation"] == attestation.uri
    validate(
        row.raw and {k: v for k, v in row.raw.items() if k != "issuerName"},
        "attestation.schema.json",
    )
    # And B, reading A's mayor, shows it verified as it shows its own officials
    seen = await account_on(b, handle)
    [office] = offices_of(seen)
    assert office["status"] == "verified"
    assert office["reason"] is None
    assert office["issuer"] == league.fed.urls.instance_actor
    assert [r["name"] for r in seen["roles"]] == ["Mayor of Ojai"]
    assert seen["roles"][0]["highlighted"] is True
    [field] = [f for f in seen["fields"] if f["name"] == "Office"]
    assert field["verified_at"] is not None
    assert attestation.uri in field["value"]
    # And what the mayor's actor emits validates against the schemas
    async with aiohttp.ClientSession() as client:
        doc = await Http(client, a.base_url).get(
            "/users/mayor", headers={"Accept": "application/activity+json"}
        )
    validate(doc.json(), "actor-extension.schema.json")
    assert doc.json()["attestations"] == [attestation.uri]


async def test_candidate_shows_as_candidate_and_expired_as_former(make_instance):
    league, a, b = await world(make_instance)
    await a.create_account("hopeful")
    await league_attests(
        league,
        f"hopeful@{a.domain}",
        offices.Claim(
            role="candidate",
            jurisdiction="Ojai, CA",
            seeking="mayor",
            election_date=date(2099, 11, 3),
        ),
    )
    await league_attests(
        league,
        f"mayor@{a.domain}",
        offices.Claim(
            role="mayor",
            jurisdiction="Ojai, CA",
            term_start=date(2016, 12, 1),
            term_end=date(2020, 12, 1),
        ),
    )
    await run_both(league, a)
    candidate = await account_on(b, f"hopeful@{a.domain}")
    [office] = offices_of(candidate)
    assert office["status"] == "candidate"
    assert candidate["roles"] == [
        {
            "id": candidate["roles"][0]["id"],
            "name": "Candidate for Mayor of Ojai (election 2099-11-03)",
            "color": "",
            "highlighted": False,
        }
    ]
    assert not [f for f in candidate["fields"] if f["name"] == "Office"]
    former = await account_on(b, f"mayor@{a.domain}")
    [office] = offices_of(former)
    assert (office["status"], office["label"]) == (
        "former",
        "former Mayor of Ojai (2016\u20132020)",
    )
    assert former["roles"] == []


async def test_out_of_scope_and_untrusted_issuers_show_unverified(make_instance):
    # Given B trusts the league for California only
    league, a, b = await world(make_instance, b_scope=(CA,))
    await a.create_account("boston")
    # When the league's admin attests Boston's mayor through the admin API, by a
    # handle the league has never seen
    await league.create_account("clerk", role="admin")
    async with aiohttp.ClientSession() as client:
        created = await Http(client, league.base_url).post(
            ADMIN_PATH,
            token=await league.token("clerk", "read admin:read admin:write"),
            json={
                "account": f"boston@{a.domain}",
                "role": "mayor",
                "jurisdiction": "Boston, MA",
            },
        )
    assert created.status == 200, created.text
    assert created.json()["account"]["acct"] == f"boston@{a.domain}"
    await run_both(league, a)
    # Then A (no scope) lists it, B shows it unverified: out of scope
    boston = await account_on(b, f"boston@{a.domain}")
    [office] = offices_of(boston)
    assert (office["status"], office["reason"]) == ("unverified", "out_of_scope")
    assert boston["roles"] == []
    # And an instance nobody trusts attests its own mayor: B never verifies it
    rogue = await make_instance("rogue")
    await rogue.create_account("mayor")
    async with rogue.db.session() as session:
        subject = await offices.find_account(session, "mayor", rogue.domain)
        issuer = offices.Issuer(rogue.fed.urls, "rogue")
        await offices.verify(session, issuer, subject, MAYOR)
    seen = await account_on(b, f"mayor@{rogue.domain}")
    [office] = offices_of(seen)
    assert (office["status"], office["reason"]) == ("unverified", "untrusted_issuer")
    # And when the rogue sends A an attestation of A's mayor, A refuses it
    await league_attests(rogue, f"mayor@{a.domain}")
    await run_both(rogue, a)
    refused = await account_on(a, "mayor")
    assert offices_of(refused) == []
    # And A's admins see why, in the admin API
    await a.create_account("clerk", role="admin")
    async with aiohttp.ClientSession() as client:
        held = await Http(client, a.base_url).get(
            ADMIN_PATH,
            params={"remote": "true"},
            token=await a.token("clerk", "read admin:read"),
        )
    assert sorted(
        (o["issuer"], o["status"], o["reason"]) for o in held.json()
    ) == sorted(
        [
            (league.fed.urls.instance_actor, "verified", None),
            (rogue.fed.urls.instance_actor, "unverified", "untrusted_issuer"),
        ]
    )


async def test_altered_in_transit_is_refused_with_proof_invalid(make_instance):
    league, a, _ = await world(make_instance)
    mayor = f"mayor@{a.domain}"
    attestation = await league_attests(league, mayor)
    # When the Create A receives carries a copy with one byte changed
    async with league.db.session() as session:
        subject = await find_or_resolve(league.fed, session, mayor)
        issuer = await actor_q.get_actor_by_uri(session, league.fed.urls.instance_actor)
        assert issuer is not None
        doc = outbound.signed_attestation(league.fed, attestation, subject.uri)
        altered = copy.deepcopy(doc)
        altered["title"] = "Mayor of Ojaj"
        # The genuine Create is never sent: its builder finds no attestation.
        await session.delete(await session.get(Attestation, attestation.id))
        create = render_activity(
            "Create", f"{attestation.uri}#altered", issuer, altered, [subject.uri]
        )
        create["@context"] = doc["@context"]
        await publish(
            league.fed, session, Outgoing(issuer, create, {subject.inbox_uri})
        )
    await run_both(league, a)
    # Then A lists nothing and keeps the refusal with its reason
    assert offices_of(await account_on(a, "mayor")) == []
    async with a.db.session() as session:
        [listed] = await offices.list_offices(session, remote=True)
    assert (listed.view.status, listed.view.reason) == ("unverified", "proof_invalid")


async def test_unlisted_attestation_from_the_registry_is_not_listed(make_instance):
    # Given a league and city A that does not trust it: A refuses its attestation
    league = await make_instance("league", instance={"kind": "league"})
    a = await make_instance("a")
    b = await make_instance("b", trust=TrustSettings(verifiers=(league.domain,)))
    await a.create_account("mayor")
    attestation = await league_attests(league, f"mayor@{a.domain}")
    await run_both(league, a)
    # When B reads the league's registry (as it does when it first trusts it)
    async with aiohttp.ClientSession() as client:
        registry = (await Http(client, league.base_url).get("/registry")).json()
    validate(registry, "registry.schema.json")
    assert registry["orderedItems"] == [attestation.uri]
    assert registry["memberInstances"] == [a.domain]
    # And the league's actor links it
    async with aiohttp.ClientSession() as client:
        actor = await Http(client, league.base_url).get(
            "/actor", headers={"Accept": "application/activity+json"}
        )
    assert actor.json()["registry"] == f"{league.base_url}/registry"
    assert "https://fedcity.org/ns/v2" in actor.json()["@context"]
    await sync_trust(b.fed)
    await run_both(b, league)
    # Then B holds it, unverified: A's mayor does not list it
    seen = await account_on(b, f"mayor@{a.domain}")
    [office] = offices_of(seen)
    assert (office["status"], office["reason"]) == ("unverified", "not_listed")


async def test_revocation_reaches_b_within_one_delivery(make_instance):
    league, a, b = await world(make_instance)
    handle = f"mayor@{a.domain}"
    await league_attests(league, handle)
    await run_both(league, a)
    assert offices_of(await account_on(b, handle))[0]["status"] == "verified"
    # Given B's instance actor follows the league's (the sync_trust job queued at
    # start-up, run here again as a second start would), accepted at once
    await sync_trust(b.fed)
    await run_both(b, league)
    async with league.db.session() as session:
        instance = await actor_q.get_actor_by_uri(
            session, league.fed.urls.instance_actor
        )
        assert instance is not None
        inboxes = await actor_q.list_follower_inboxes(session, instance.id)
    assert b.fed.urls.shared_inbox in inboxes
    async with aiohttp.ClientSession() as client:
        followers = await Http(client, league.base_url).get(
            "/actor/followers", headers={"Accept": "application/activity+json"}
        )
    assert followers.json()["totalItems"] == len(inboxes)
    # When the league revokes: one delivery to B, and B's inbox job
    await league_revokes(league, handle)
    await league.run_jobs()
    await b.run_jobs()
    # Then B shows it revoked at once, and A dropped it from its actor
    async with b.db.session() as session:
        [row] = (await session.scalars(select(Attestation))).all()
    assert (row.revoked_at is not None, row.reason) == (True, "revoked")
    seen = await account_on(b, handle)
    assert offices_of(seen) == []
    assert seen["roles"] == []
    await a.run_jobs()
    assert offices_of(await account_on(a, "mayor")) == []


async def test_display_name_change_keeps_the_badge(make_instance):
    league, a, b = await world(make_instance)
    handle = f"mayor@{a.domain}"
    await league_attests(league, handle)
    await run_both(league, a)
    await b.create_account("resident")
    async with aiohttp.ClientSession() as client:
        a_http, b_http = Http(client, a.base_url), Http(client, b.base_url)
        mayor_there = await account_id(b_http, handle)
        followed = await b_http.post(
            f"/api/v1/accounts/{mayor_there}/follow", token=await b.token("resident")
        )
        assert followed.status == 200, followed.text
        await run_both(b, a)
        # When the mayor renames itself on A (an Update of the actor reaches B)
        renamed = await a_http.request(
            "PATCH",
            "/api/v1/accounts/update_credentials",
            token=await a.token("mayor"),
            data={"display_name": "Mayor Ana Ruiz"},
        )
        assert renamed.status == 200, renamed.text
        await run_both(a, b, league)
        seen = (await b_http.get(f"/api/v1/accounts/{mayor_there}")).json()
    # Then B re-checked on the Update and the badge stays
    assert seen["display_name"] == "Mayor Ana Ruiz"
    assert [o["status"] for o in offices_of(seen)] == ["verified"]
    async with b.db.session() as session:
        [row] = (await session.scalars(select(Attestation))).all()
    assert row.check_status == "verified"
    assert row.checked_at is not None


async def expire_checks(instance: LiveInstance) -> None:
    """Every remote attestation `instance` holds was last checked two days ago:
    the next daily re-check takes them all."""
    async with instance.db.session() as session:
        for row in (await session.scalars(select(Attestation))).all():
            row.checked_at = utcnow() - timedelta(days=2)


async def test_league_follows_its_members_and_hears_their_officials(make_instance):
    # Given B's instance actor follows A's (`fedcity league follow A`) and no
    # longer the league's (`league unfollow`, after its start-up sync_trust)
    league, a, b = await world(make_instance)
    handle = f"mayor@{a.domain}"
    await trust.follow_instance(b.fed, a.domain)
    await run_both(b, a, league)
    await trust.unfollow_instance(b.fed, league.domain)
    await run_both(b, a, league)
    assert await trust.member_instances(b.fed) == [a.domain]
    assert b.fed.urls.shared_inbox not in await follower_inboxes(league)
    # When the league attests A's mayor, twice (the second supersedes the first)
    await league_attests(league, handle)
    await run_both(league, a, b)
    await league_attests(league, handle, replace(MAYOR, title="Mayor"))
    await run_both(league, a, b)
    # Then the league's actor follows A's, once
    assert await trust.member_instances(league.fed) == [a.domain]
    assert await follower_inboxes(a) == sorted(
        {league.fed.urls.shared_inbox, b.fed.urls.shared_inbox}
    )
    # And B learnt of A's mayor from the Updates A's actor sent its followers,
    # without anyone there looking the mayor up
    async with b.db.session() as session:
        rows = (await session.scalars(select(Attestation))).all()
    assert sorted((r.title, r.check_status) for r in rows) == [
        ("Mayor", "verified"),
        ("Mayor of Ojai", "unverified"),
    ]
    # When the league revokes (its Delete reaches A, not B)
    await league_revokes(league, handle)
    await run_both(league, a, b)
    # Then A's Update of its mayor made B check again: revoked there too
    async with b.db.session() as session:
        rows = (await session.scalars(select(Attestation))).all()
    assert {(r.check_status, r.reason) for r in rows} == {("unverified", "revoked")}
    assert offices_of(await account_on(b, handle)) == []


async def follower_inboxes(instance: LiveInstance) -> list[str]:
    """The inboxes of the followers of `instance`'s instance actor."""
    async with instance.db.session() as session:
        own = await actor_q.get_actor_by_uri(session, instance.fed.urls.instance_actor)
        assert own is not None
        return sorted(await actor_q.list_follower_inboxes(session, own.id))


async def test_daily_recheck_drops_a_received_attestation_revoked_silently(
    make_instance,
):
    # Given A's mayor holds the league's attestation, and B follows A's actor
    league, a, b = await world(make_instance)
    handle = f"mayor@{a.domain}"
    attestation = await league_attests(league, handle)
    await run_both(league, a)
    await trust.follow_instance(b.fed, a.domain)
    await run_both(b, a)
    assert [o["status"] for o in offices_of(await account_on(a, "mayor"))] == [
        "verified"
    ]
    # When the league's record revokes it without any Delete reaching A, and a
    # day passes
    async with league.db.session() as session:
        row = await session.get(Attestation, attestation.id)
        assert row is not None
        row.revoked_at = utcnow()
    await expire_checks(a)
    # And A's daily re-check runs
    await attestation_jobs.recheck_attestations(a.fed, {})
    await run_both(a, b)
    # Then A fetched it from the league (410), dropped it and its mayor's Update tells B
    assert offices_of(await account_on(a, "mayor")) == []
    async with a.db.session() as session:
        [held] = (await session.scalars(select(Attestation))).all()
    assert (held.check_status, held.reason) == ("unverified", "revoked")
    async with b.db.session() as session:
        seen = (await session.scalars(select(Attestation))).all()
    assert [(s.check_status, s.reason) for s in seen] == [("unverified", "revoked")]


async def test_the_issuer_is_named_after_the_configured_instance_name(make_instance):
    league, a, b = await world(make_instance)
    handle = f"mayor@{a.domain}"
    async with aiohttp.ClientSession() as client:
        actor = await Http(client, league.base_url).get(
            "/actor", headers={"Accept": "application/activity+json"}
        )
    assert actor.json()["name"] == league.settings.instance.name == "league"
    await league_attests(league, handle)
    await run_both(league, a)
    for seen in (await account_on(a, "mayor"), await account_on(b, handle)):
        [field] = [f for f in seen["fields"] if f["name"] == "Office"]
        assert "Mayor of Ojai, verified by league" in field["value"]
