"""The library between instances (issue 14, "Federation and consent"), with real
fedcity instances on loopback and a scripted peer:

- a league subscribes to a city's whole library (`fedcity instance follow`):
  it receives the earlier case studies through the city instance actor's outbox
  (backfill), then each new one, each update and each withdrawal;
- what a remote server sends is held to the schema and to its proof: refused
  with the reason, or stored, searchable only with its author's consent; an
  item addressed to a group is announced by the group."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from fedcity.federation.integrity.multikey import multikey_document
from fedcity.federation.integrity.proofs import sign
from fedcity.federation.library import subscriptions, wire
from fedcity.services.groups.groups import NewGroup
from fedcity.services.library.validation import validate_document
from fedcity.storage.models import (
    LibraryItem,
    LibraryKind,
    OutboxActivity,
    PeerInstance,
    Post,
)
from fedcity.storage.queries import library as library_q
from fedcity.storage.queries import posts as post_q
from fedcity.storage.queries.posts import Page
from tests.federation.test_groups_federation import make_group
from tests.support.http import Http, follow
from tests.support.instances import LiveInstance, run_both
from tests.support.library import case_study, funding
from tests.support.remote import RemoteActor, RemoteServer

pytestmark = pytest.mark.usefixtures("backend")

CASE = LibraryKind.CASE_STUDY
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def publish(http: Http, token: str, doc: dict[str, Any]) -> dict[str, Any]:
    reply = await http.post("/api/v1/fedcity/case_studies", token=token, json=doc)
    assert reply.status == 200, reply.text
    return dict(reply.json())


async def held(instance: LiveInstance) -> dict[str, LibraryItem]:
    """The library items an instance holds, by URI."""
    async with instance.db.session() as session:
        rows = await session.scalars(select(LibraryItem))
        return {item.uri: item for item in rows}


async def searchable(instance: LiveInstance) -> set[str]:
    """The URIs of the case studies lists (and search) show anyone."""
    async with instance.db.session() as session:
        found = await library_q.list_items(
            session, CASE, library_q.ItemFilter(), Page(limit=40)
        )
        return {item.uri for item in found}


RENO_AUDIT = case_study(
    title="Crosswalk audit",
    jurisdiction={
        "name": "Reno",
        "state": "NV",
        "population": 264000,
        "ocd_id": "ocd-division/country:us/state:nv/place:reno",
    },
    topics=["public_safety"],
    problem="Crosswalks near schools had faded markings.",
    status="in_progress",
    evidence_level="evaluated",
    cost={"amount": 9000, "currency": "USD"},
)


async def test_a_league_subscribes_to_a_citys_library(make_instance):
    # Given a city whose mayor published two case studies, and a league
    city = await make_instance("city")
    league = await make_instance("league", instance={"kind": "league"})
    await city.create_account("mayor")
    token = await city.token("mayor")
    async with aiohttp.ClientSession() as client:
        here = Http(client, city.base_url)
        first = await publish(here, token, case_study())
        second = await publish(here, token, case_study(title="Street light swap"))
        await run_both(city, league)
        # When the league subscribes to the city's library (`instance follow`)
        await subscriptions.subscribe(league.fed, city.domain)
        await run_both(city, league)
        # Then it holds both earlier ones, from the city, searchable
        items = await held(league)
        assert set(items) == {first["uri"], second["uri"]}
        assert {i.origin for i in items.values()} == {city.domain}
        assert await searchable(league) == set(items)
        # And their posts show the item, rendered there, without a content warning
        async with league.db.session() as session:
            post = await post_q.get_post_by_uri(session, first["uri"])
            assert isinstance(post, Post)
            assert (post.object_type, post.spoiler_text) == ("Article", "")
            assert post.content.count("Pothole blitz") == 1
        # And `instance list` shows the subscription
        assert await subscriptions.subscriptions(league.fed) == [
            subscriptions.Subscription(city.domain, accepted=True, items=2)
        ]
        # When the mayor publishes a third (the league follows no one but the
        # city's instance actor)
        third = await publish(here, token, RENO_AUDIT)
        await run_both(city, league)
        # Then the league has it too
        assert third["uri"] in await held(league)
        # And the league's search finds the city's items by their words and by
        # each filter
        there = Http(client, league.base_url)
        ojai = {first["uri"], second["uri"]}
        for query, found in (
            ({"q": "crosswalks"}, {third["uri"]}),
            ({"q": "street light"}, {second["uri"]}),
            ({"type": "case_study"}, ojai | {third["uri"]}),
            ({"type": "funding_opportunity"}, set()),
            ({"topic": "public_safety"}, {third["uri"]}),
            ({"state": "CA"}, ojai),
            ({"ocd_id": "ocd-division/country:us/state:nv"}, {third["uri"]}),
            ({"population_min": "100000"}, {third["uri"]}),
            ({"population_max": "10000"}, ojai),
            ({"status": "in_progress"}, {third["uri"]}),
            ({"evidence_level": "evaluated"}, {third["uri"]}),
            ({"cost_max": "10000"}, {third["uri"]}),
            ({"origin": city.domain}, ojai | {third["uri"]}),
            ({"origin": "elsewhere.example"}, set()),
            ({"q": "audit", "state": "CA"}, set()),
        ):
            reply = await there.get("/api/v1/fedcity/search", params=query)
            assert reply.status == 200, (query, reply.text)
            assert {item["uri"] for item in reply.json()} == found, query
        # When the mayor edits the first
        edit = await here.request(
            "PUT",
            f"/api/v1/fedcity/case_studies/{first['id']}",
            token=token,
            json=case_study(status="in_progress"),
        )
        assert edit.status == 200, edit.text
        await run_both(city, league)
        # Then the league's copy follows, its former version kept
        copy = (await held(league))[first["uri"]]
        assert copy.status == "in_progress"
        assert copy.updated_at is not None
        async with league.db.session() as session:
            assert len(await library_q.list_versions(session, copy.id)) == 1
        # When the mayor withdraws the second
        gone = await here.request(
            "DELETE", f"/api/v1/fedcity/case_studies/{second['id']}", token=token
        )
        assert gone.status == 200, gone.text
        await run_both(city, league)
        # Then it is withdrawn on the league too, and out of its lists
        assert (await held(league))[second["uri"]].withdrawn_at is not None
        assert await searchable(league) == {first["uri"], third["uri"]}


# --- a remote server's items ---------------------------------------------------


class Signer:
    """The remote author's Ed25519 key, listed in its actor's `assertionMethod`."""

    def __init__(self, actor: RemoteActor) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.key_id = f"{actor.uri}#ed25519-key"
        actor.extra["assertionMethod"] = [
            multikey_document(self.key_id, actor.uri, self.key.public_key())
        ]

    def sign(self, doc: dict[str, Any]) -> dict[str, Any]:
        return sign(doc, self.key, self.key_id)


def remote_article(
    remote: RemoteServer,
    author: RemoteActor,
    number: int,
    doc: dict[str, Any],
    *,
    to: tuple[str, ...] = (PUBLIC,),
) -> dict[str, Any]:
    """A case study as a fedcity would send it, from `author` on the peer; the
    document as it is (not validated: it may be wrong)."""
    uri = f"{author.uri}/statuses/{number}"
    return {
        "@context": wire.article_context(),
        "id": uri,
        "type": "Article",
        "attributedTo": author.uri,
        "content": "<p>See the page.</p>",
        "url": f"{remote.base_url}/library/case-studies/{number}",
        "to": list(to),
        "cc": [f"{author.uri}/followers"],
        "published": "2026-01-05T10:00:00Z",
        **wire.article_fields(CASE, doc),
    }


async def deliver(
    remote: RemoteServer, instance: LiveInstance, kind: str, obj: dict[str, Any]
) -> None:
    actor = obj.get("attributedTo") or obj["id"]
    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id(
            f"{kind}-{obj['id'].rsplit('/', 1)[-1]}-{len(remote.received)}"
        ),
        "type": kind,
        "actor": actor,
        "object": obj,
        "to": obj.get("to", [PUBLIC]),
    }
    status, _ = await remote.send(f"{instance.base_url}/inbox", activity)
    assert status == 202
    await instance.run_jobs()


async def test_remote_items_are_refused_with_the_reason_or_stored_with_consent(
    make_instance, remote: RemoteServer, caplog
):
    caplog.set_level(logging.INFO, logger="fedcity.federation.library")
    # Given a league with an open group, which a city's resident joined, and a
    # remote official whose actor is not indexable, who signs with an Ed25519
    # key and joined the group too
    league = await make_instance("league", instance={"kind": "league"})
    city = await make_instance("city")
    await league.create_account("coordinator")
    await city.create_account("resident")
    await make_group(
        league, NewGroup("roads", display_name="Roads", moderators=("coordinator",))
    )
    group = league.fed.urls.actor("roads")
    async with aiohttp.ClientSession() as client:
        city_http = Http(client, city.base_url)
        await follow(city, city_http, "resident", f"roads@{league.domain}")
    await run_both(league, city)
    async with league.db.session() as session:
        # The league knows the city runs fedcity: its announces take the FEP-1b12
        # form only (with the signed Article embedded), not also a bare boost.
        peer = await session.get(PeerInstance, city.base_url)
        peer = peer or PeerInstance(origin=city.base_url)
        peer.software = "fedcity"
        session.add(peer)
    author = remote.add_actor("clerk")
    signer = Signer(author)
    join = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.activity_id("join"),
        "type": "Follow",
        "actor": author.uri,
        "object": group,
    }
    assert (await remote.send(f"{league.base_url}/inbox", join))[0] == 202
    await league.run_jobs()
    valid = validate_document(CASE, case_study(), default_license=None)
    silent = {k: v for k, v in valid.items() if k != "indexable"}

    # When it sends a case study whose jurisdiction has no state
    invalid = remote_article(
        remote, author, 1, {**valid, "jurisdiction": {"name": "Ojai"}}
    )
    await deliver(remote, league, "Create", invalid)
    # Then it is refused with the schema's reason, and nothing is stored
    assert f"refused library item {invalid['id']}" in caplog.text
    assert "jurisdiction.state: is required" in caplog.text
    async with league.db.session() as session:
        assert await post_q.get_post_by_uri(session, invalid["id"]) is None

    # When it sends one whose proof does not hold (signed, then changed)
    forged = signer.sign(remote_article(remote, author, 2, valid))
    forged["name"] = "Pothole blitz (free!)"
    await deliver(remote, league, "Create", forged)
    # Then it is refused for its proof
    assert f"refused library item {forged['id']}" in caplog.text
    assert "integrity proof: bad_signature" in caplog.text
    assert forged["id"] not in await held(league)

    # When it sends a signed one that says nothing of `indexable`, to the group
    article = signer.sign(remote_article(remote, author, 3, silent, to=(PUBLIC, group)))
    await deliver(remote, league, "Create", article)
    await run_both(league, city)
    # Then it is stored, from the peer, but not searchable: its author is not
    # indexable
    item = (await held(league))[article["id"]]
    assert (item.origin, item.indexable) == (remote.domain, False)
    assert article["id"] not in await searchable(league)
    # And the group announced it, its proof untouched
    async with league.db.session() as session:
        rows = await session.scalars(
            select(OutboxActivity.document).where(
                OutboxActivity.activity_type == "Announce"
            )
        )
        announced = [r for r in rows if article["id"] in r]
    assert announced, "the group did not announce the item"
    assert article["proof"]["proofValue"] in announced[0]
    # And the city, a member's instance, stored the item from the announce: the
    # proof vouched for the embedded copy, which was never fetched from its origin
    assert article["id"] in await held(city)
    assert urlsplit(article["id"]).path not in remote.gets

    # When the author becomes indexable (an Update of its actor)
    author.extra["indexable"] = True
    await deliver(remote, league, "Update", remote.actor_document(author))
    # Then the item is searchable
    assert article["id"] in await searchable(league)
    # When the author's update of the item says `indexable: false`
    edited = signer.sign(
        remote_article(remote, author, 3, {**silent, "indexable": False})
    )
    await deliver(remote, league, "Update", edited)
    # Then it leaves the index, whatever its author says
    assert article["id"] not in await searchable(league)
    assert (await held(league))[article["id"]].indexable is False


# --- "I'm applying" -----------------------------------------------------------


async def applicants(http: Http, item_id: str) -> list[str]:
    reply = await http.get(f"/api/v1/fedcity/funding_opportunities/{item_id}/applying")
    assert reply.status == 200, reply.text
    return [account["acct"] for account in reply.json()]


async def test_marks_of_applying_reach_the_author_and_the_subscribed_instances(
    make_instance, remote: RemoteServer
):
    # Given a league that posted a funding opportunity, and a city, each
    # subscribed to the other's library
    league = await make_instance("league", instance={"kind": "league"})
    city = await make_instance("city")
    await league.create_account("grants")
    await league.create_account("coordinator")
    await city.create_account("mayor")
    async with aiohttp.ClientSession() as client:
        there = Http(client, league.base_url)
        here = Http(client, city.base_url)
        posted = await there.post(
            "/api/v1/fedcity/funding_opportunities",
            token=await league.token("grants"),
            json=funding(),
        )
        assert posted.status == 200, posted.text
        grant = posted.json()
        await subscriptions.subscribe(city.fed, league.domain)
        await subscriptions.subscribe(league.fed, city.domain)
        await run_both(city, league)
        copy = (await held(city))[grant["uri"]]
        mayor = await city.token("mayor")
        # When the city's mayor says she is applying, on the city's copy
        marked = await here.post(
            f"/api/v1/fedcity/funding_opportunities/{copy.id}/applying", token=mayor
        )
        assert marked.status == 200, marked.text
        await run_both(city, league)
        # Then the league, where the opportunity was posted, lists her
        assert await applicants(there, grant["id"]) == [f"mayor@{city.domain}"]
        # When the league's coordinator says so too
        await there.post(
            f"/api/v1/fedcity/funding_opportunities/{grant['id']}/applying",
            token=await league.token("coordinator"),
        )
        await run_both(city, league)
        # Then the city, subscribed to the league, lists both, and its board
        # names the coordinator with the league's domain
        assert await applicants(here, str(copy.id)) == [
            f"coordinator@{league.domain}",
            "mayor",
        ]
        board = await here.get("/library/funding")
        assert f"(@coordinator@{league.domain})" in board.text
        assert "2 accounts are applying" in board.text
        # When the mayor takes her mark back
        await here.request(
            "DELETE",
            f"/api/v1/fedcity/funding_opportunities/{copy.id}/applying",
            token=mayor,
        )
        await run_both(city, league)
        # Then the league no longer lists her
        assert await applicants(there, grant["id"]) == ["coordinator"]
        # And another server's Join counts, and its Leave takes it back
        clerk = remote.add_actor("clerk")
        for kind in ("Join", "Leave"):
            activity = {
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": remote.activity_id(kind.lower()),
                "type": kind,
                "actor": clerk.uri,
                "object": grant["uri"],
            }
            assert (await remote.send(f"{league.base_url}/inbox", activity))[0] == 202
            await league.run_jobs()
            listed = await applicants(there, grant["id"])
            assert (f"clerk@{remote.domain}" in listed) is (kind == "Join")
