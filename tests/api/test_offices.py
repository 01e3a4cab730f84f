"""Verified offices in the client API (issue 11): the Account entity's `fedcity`
object, a highlighted role named after a verified office, an unhighlighted one for
a candidacy, and the "Office" field with `verified_at`; in every place an account
shows (answers also held to Mastodon's OpenAPI description by `http`)."""

from __future__ import annotations

from datetime import date

import pytest

from fedcity.services.offices import attestations as offices
from tests.support.http import post_status

pytestmark = pytest.mark.usefixtures("backend")

MAYOR = offices.Claim(
    role="mayor",
    jurisdiction="Ojai, CA",
    term_start=date(2024, 12, 1),
    term_end=date(2099, 12, 1),
)
CANDIDACY = offices.Claim(
    role="candidate",
    jurisdiction="Ojai, CA",
    seeking="mayor",
    election_date=date(2099, 11, 3),
)


async def attest(instance, name: str, claim: offices.Claim) -> str:
    async with instance.db.session() as session:
        subject = await offices.find_account(session, name, instance.domain)
        issuer = offices.Issuer(instance.fed.urls, instance.settings.instance.name)
        return (await offices.verify(session, issuer, subject, claim)).uri


async def set_capacity(instance, name: str, capacity: str) -> None:
    async with instance.db.session() as session:
        subject = await offices.find_account(session, name, instance.domain)
        await offices.set_capacity(session, subject, capacity)


async def account(http, instance, name: str) -> dict:
    reply = await http.get("/api/v1/accounts/lookup", params={"acct": name})
    assert reply.status == 200, reply.text
    return reply.json()


async def test_a_verified_office_is_a_role_a_field_and_a_fedcity_office(instance, http):
    # Given a mayor attested by this instance
    await instance.create_account("mayor")
    uri = await attest(instance, "mayor", MAYOR)
    # When an app reads the account
    entity = await account(http, instance, "mayor")
    # Then the office is a highlighted role named after its title
    assert entity["roles"] == [
        {
            "id": f"office-{uri.rsplit('/', 1)[1]}",
            "name": "Mayor of Ojai",
            "color": "",
            "highlighted": True,
        }
    ]
    # And an Office field linking the attestation, verified
    office_field = entity["fields"][0]
    assert office_field["name"] == "Office"
    assert f'href="{uri}"' in office_field["value"]
    assert 'rel="me' in office_field["value"]
    assert office_field["verified_at"] is not None
    # And the fedcity object says who attests what
    assert entity["fedcity"]["capacity"] == "personal"
    [office] = entity["fedcity"]["offices"]
    assert office["role"] == "mayor"
    assert office["title"] == "Mayor of Ojai"
    assert (
        office["jurisdiction"]["ocd_id"]
        == "ocd-division/country:us/state:ca/place:ojai"
    )
    assert (office["valid_from"], office["valid_until"]) == ("2024-12-01", "2099-12-01")
    assert office["issuer"] == f"{instance.base_url}/actor"
    assert office["attestation"] == uri
    assert (office["status"], office["reason"]) == ("verified", None)


async def test_a_candidacy_is_an_unhighlighted_role_and_never_an_office(instance, http):
    # Given a candidate for mayor
    await instance.create_account("hopeful")
    await attest(instance, "hopeful", CANDIDACY)
    # When an app reads the account
    entity = await account(http, instance, "hopeful")
    # Then the role says candidate, unhighlighted, and no Office field appears
    assert [(r["name"], r["highlighted"]) for r in entity["roles"]] == [
        ("Candidate for Mayor of Ojai (election 2099-11-03)", False)
    ]
    assert [f for f in entity["fields"] if f["name"] == "Office"] == []
    [office] = entity["fedcity"]["offices"]
    assert (office["status"], office["role"], office["seeking"]) == (
        "candidate",
        "candidate",
        "mayor",
    )


async def test_a_campaign_account_has_no_official_role(instance, http):
    # Given a verified mayor whose account speaks for a campaign
    await instance.create_account("mayor")
    await attest(instance, "mayor", MAYOR)
    await set_capacity(instance, "mayor", "campaign")
    # When an app reads it
    entity = await account(http, instance, "mayor")
    # Then nothing badges it as an official, and the reason is given
    assert entity["roles"] == []
    assert [f for f in entity["fields"] if f["name"] == "Office"] == []
    assert entity["fedcity"]["capacity"] == "campaign"
    [office] = entity["fedcity"]["offices"]
    assert (office["status"], office["reason"]) == ("unverified", "campaign_account")


async def test_the_owner_edits_only_its_own_fields(instance, http):
    # Given a verified mayor with a field of its own
    await instance.create_account("mayor")
    await attest(instance, "mayor", MAYOR)
    token = await instance.token("mayor")
    reply = await http.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        token=token,
        data={
            "fields_attributes[0][name]": "Site",
            "fields_attributes[0][value]": "https://ojai.example",
        },
    )
    assert reply.status == 200, reply.text
    # When it reads its credentials
    me = (await http.get("/api/v1/accounts/verify_credentials", token=token)).json()
    # Then the account shows the Office field first, and the source only its own
    assert [f["name"] for f in me["fields"]] == ["Office", "Site"]
    assert [f["name"] for f in me["source"]["fields"]] == ["Site"]
    assert me["fedcity"]["offices"][0]["status"] == "verified"


async def test_statuses_carry_the_authors_offices(instance, http):
    # Given a verified mayor who posts
    await instance.create_account("mayor")
    await attest(instance, "mayor", MAYOR)
    status = await post_status(instance, http, "mayor", "Council meets tonight")
    # When the status is read from the public timeline
    reply = await http.get("/api/v1/timelines/public", params={"local": "true"})
    [shown] = [s for s in reply.json() if s["id"] == status["id"]]
    # Then its account carries the role and the fedcity object
    assert shown["account"]["roles"][0]["name"] == "Mayor of Ojai"
    assert shown["account"]["fedcity"]["offices"][0]["status"] == "verified"
