"""The directory with verified offices (issue 11): verified officials first, listed
unless they opted out of discovery, and fedcity's filters `role`, `state`,
`jurisdiction`, `ocd_id` (a prefix) and `capacity`, on local and remote accounts."""

from __future__ import annotations

from datetime import date

import pytest

from fedcity.services.accounts.remote_actors import (
    RemoteActorData,
    upsert_remote_actor,
)
from fedcity.services.offices import attestations as offices
from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")

DIRECTORY = "/api/v1/directory"


async def attest(instance, account: str, jurisdiction: str, **claim) -> None:
    async with instance.db.session() as session:
        subject = await offices.find_account(session, account, instance.domain)
        issuer = offices.Issuer(instance.fed.urls, "City")
        await offices.verify(
            session,
            issuer,
            subject,
            offices.Claim(
                role=claim.pop("role", "mayor"), jurisdiction=jurisdiction, **claim
            ),
        )


async def remote_account(instance, name: str, domain: str, raw: dict) -> None:
    """A remote actor as stored from its document `raw` (discoverable only when the
    document says so)."""
    uri = f"https://{domain}/users/{name}"
    async with instance.db.session() as session:
        await upsert_remote_actor(
            session,
            RemoteActorData(
                uri=uri,
                actor_type="Person",
                username=name,
                domain=domain,
                inbox_uri=uri + "/inbox",
                key_id=None,
                public_key_pem=None,
                discoverable=bool(raw.get("discoverable", False)),
                raw={"id": uri, "type": "Person", **raw},
            ),
        )


async def accts(http, **query: str) -> list[str]:
    reply = await http.get(DIRECTORY, params=query)
    assert reply.status == 200, reply.text
    return [a["acct"] for a in reply.json()]


async def test_verified_officials_come_first(instance, http):
    # Given a resident who posts, and a mayor who never posted
    await instance.create_account("resident")
    await instance.create_account("mayor")
    await post_status(instance, http, "resident", "Hello")
    await attest(instance, "mayor", "Ojai, CA")
    # When the directory is read by activity and by newest
    # Then the verified mayor comes first either way
    assert await accts(http) == ["mayor", "resident"]
    assert await accts(http, order="new") == ["mayor", "resident"]


async def test_a_term_that_ended_or_has_not_begun_is_not_verified(instance, http):
    # Given a former mayor, a mayor-elect, and a resident who posted last
    for name in ("former", "elect", "resident"):
        await instance.create_account(name)
    await attest(
        instance, "former", "Ojai, CA", term_start=date(2016, 1, 1),
        term_end=date(2020, 1, 1),
    )  # fmt: skip
    await attest(instance, "elect", "Ojai, CA", term_start=date(2099, 1, 1))
    await post_status(instance, http, "resident", "Hello")
    # Then neither is placed first, nor found as a mayor
    assert await accts(http) == ["resident", "elect", "former"]
    assert await accts(http, role="mayor") == []


async def test_an_official_who_opted_out_of_discovery_is_not_listed(instance, http):
    # Given a verified mayor who unticked "discoverable"
    await instance.create_account("mayor")
    await attest(instance, "mayor", "Ojai, CA")
    async with instance.db.session() as session:
        found = await offices.find_account(session, "mayor", instance.domain)
        found.discoverable = False
    # Then the directory leaves the mayor out
    assert await accts(http) == []


async def test_remote_verified_officials_are_listed_unless_they_opted_out(
    instance, http
):
    # Given three remote accounts whose documents say nothing of discovery, or
    # that they are not discoverable; two hold a verified office
    await remote_account(instance, "mayor", "ojai.example", {})
    await remote_account(instance, "shy", "ojai.example", {"discoverable": False})
    await remote_account(instance, "resident", "ojai.example", {})
    await attest(instance, "mayor@ojai.example", "Ojai, CA")
    await attest(instance, "shy@ojai.example", "Ventura, CA", role="council_member")
    # When the directory is read
    # Then only the mayor is listed: the others did not ask to be found
    assert await accts(http) == ["mayor@ojai.example"]
    assert await accts(http, local="true") == []


async def test_filters_by_role_state_jurisdiction_ocd_id_and_capacity(instance, http):
    # Given officials of two states, local and remote
    await instance.create_account("ojai_mayor")
    await instance.create_account("ojai_clerk")
    await remote_account(instance, "mayor", "boston.example", {"discoverable": True})
    await attest(instance, "ojai_mayor", "Ojai, CA")
    await attest(instance, "ojai_clerk", "Ojai, CA", role="city_clerk")
    await attest(instance, "mayor@boston.example", "Boston, MA")
    async with instance.db.session() as session:
        clerk = await offices.find_account(session, "ojai_clerk", instance.domain)
        await offices.set_capacity(session, clerk, "official")
    # When the directory is filtered
    # Then each filter keeps the matching offices
    mayors = await accts(http, role="mayor", order="new")
    assert mayors == ["mayor@boston.example", "ojai_mayor"]
    assert await accts(http, state="ca", order="new") == ["ojai_clerk", "ojai_mayor"]
    assert await accts(http, state="MA") == ["mayor@boston.example"]
    assert await accts(http, jurisdiction="ojai", role="city_clerk") == ["ojai_clerk"]
    assert await accts(http, jurisdiction="Boston, MA") == ["mayor@boston.example"]
    assert await accts(http, jurisdiction="Boston, CA") == []
    prefix = "ocd-division/country:us/state:ma"
    assert await accts(http, ocd_id=prefix) == ["mayor@boston.example"]
    assert await accts(http, ocd_id="ocd-division/country:us/state:m_") == []
    assert await accts(http, capacity="official") == ["ojai_clerk"]
    assert await accts(http, role="mayor", local="true") == ["ojai_mayor"]


async def test_a_candidate_is_found_as_a_candidate_never_as_an_official(instance, http):
    # Given a candidate for mayor of Ojai, and a campaign account with an office
    await instance.create_account("hopeful")
    await instance.create_account("campaign")
    await attest(
        instance, "hopeful", "Ojai, CA", role="candidate", seeking="mayor",
        election_date=date(2099, 11, 3),
    )  # fmt: skip
    await attest(instance, "campaign", "Ojai, CA")
    async with instance.db.session() as session:
        found = await offices.find_account(session, "campaign", instance.domain)
        await offices.set_capacity(session, found, "campaign")
    # Then neither is a mayor; the candidate is found among candidates
    assert await accts(http, role="mayor") == []
    assert await accts(http, role="candidate", state="CA") == ["hopeful"]
    assert await accts(http, capacity="campaign") == ["campaign"]


async def test_a_revoked_office_leaves_the_filters(instance, http):
    await instance.create_account("mayor")
    await attest(instance, "mayor", "Ojai, CA")
    async with instance.db.session() as session:
        found = await offices.find_account(session, "mayor", instance.domain)
        issuer = offices.Issuer(instance.fed.urls, "City")
        await offices.revoke(session, issuer, found)
    assert await accts(http, role="mayor") == []


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"role": "king"}, "Unknown office role king"),
        ({"state": "ZZ"}, "Unknown state code ZZ"),
        ({"capacity": "royal"}, "Unknown capacity royal"),
    ],
)
async def test_unknown_filter_values_are_refused(instance, http, query, fragment):
    reply = await http.get(DIRECTORY, params=query)
    assert reply.status == 422
    assert fragment in reply.json()["error"]


async def test_a_remote_attestation_that_failed_its_check_is_not_verified(
    instance, http
):
    # Given a remote mayor whose attestation, from another verifier, failed the
    # trust check (as federation records it)
    await remote_account(instance, "mayor", "ojai.example", {"discoverable": True})
    await attest(instance, "mayor@ojai.example", "Ojai, CA")
    async with instance.db.session() as session:
        subject = await offices.find_account(
            session, "mayor@ojai.example", instance.domain
        )
        [made] = await offices.list_offices(session, subject=subject)
        made.attestation.local = False
        made.attestation.check_status = "unverified"
        made.attestation.reason = "untrusted_issuer"
        await offices.refresh(session, subject, "City")
    # Then the directory still lists the account, but not as a mayor
    assert await accts(http) == ["mayor@ojai.example"]
    assert await accts(http, role="mayor") == []
