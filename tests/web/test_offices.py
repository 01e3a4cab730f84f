"""Verified offices on the wire and on the web (issue 11): the attestation at its
id as JSON-LD and as a page, its Tombstone once revoked, the actor's
`attestations`, capacity and "Office" field, the profile badges, and fedcity's
context; every document emitted validates against the JSON Schemas in schemas/."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from jsonschema import Draft202012Validator

from fedcity.federation.integrity import multikey, proofs
from fedcity.services.offices import attestations as offices
from fedcity.storage.models import Attestation
from tests.support.http import AS2
from tests.support.pages import HTML, h1

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def validate(doc: object, schema: str) -> None:
    validator = Draft202012Validator(
        json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    )
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)
    ]
    assert not errors, errors


async def attest(instance, name: str, claim: offices.Claim) -> Attestation:
    async with instance.db.session() as session:
        subject = await offices.find_account(session, name, instance.domain)
        issuer = offices.Issuer(instance.fed.urls, instance.settings.instance.name)
        return await offices.verify(session, issuer, subject, claim)


async def revoke(instance, name: str) -> None:
    async with instance.db.session() as session:
        subject = await offices.find_account(session, name, instance.domain)
        issuer = offices.Issuer(instance.fed.urls, instance.settings.instance.name)
        await offices.revoke(session, issuer, subject)


MAYOR = offices.Claim(
    role="mayor",
    jurisdiction="Ojai, CA",
    population=7637,
    seats=5,
    term_start=date(2024, 12, 1),
    term_end=date(2099, 12, 1),
)
CANDIDACY = offices.Claim(
    role="candidate",
    jurisdiction="Ojai, CA",
    seeking="mayor",
    election_date=date(2099, 11, 3),
)


def path_of(uri: str) -> str:
    return "/" + uri.split("/", 3)[3]


async def test_the_attestation_is_served_as_json_ld_by_its_issuer(instance, http):
    # Given an attested mayor
    await instance.create_account("mayor")
    made = await attest(instance, "mayor", MAYOR)
    # When a peer fetches the attestation's id as AS2
    reply = await http.get(path_of(made.uri), accept=AS2)
    # Then it is an OfficeAttestation by the instance actor about the mayor's actor
    assert reply.status == 200
    doc = reply.json()
    validate(doc, "attestation.schema.json")
    assert doc["type"] == "OfficeAttestation"
    assert doc["id"] == doc["url"] == made.uri
    assert doc["issuer"] == f"{instance.base_url}/actor"
    assert doc["subject"] == f"{instance.base_url}/users/mayor"
    assert doc["role"] == "mayor"
    assert doc["title"] == "Mayor of Ojai"
    assert doc["jurisdiction"] == {
        "type": "Place",
        "name": "Ojai",
        "state": "CA",
        "population": 7637,
        "ocdId": "ocd-division/country:us/state:ca/place:ojai",
    }
    assert doc["validFrom"] == "2024-12-01T00:00:00Z"
    assert doc["validUntil"] == "2099-12-01T00:00:00Z"
    assert "https://fedcity.org/ns/v2" in doc["@context"]


async def test_the_attestation_carries_a_proof_by_the_key_on_the_actor(instance, http):
    # Given an attested mayor
    await instance.create_account("mayor")
    made = await attest(instance, "mayor", MAYOR)
    # When a peer fetches the attestation and the issuer's actor
    doc = (await http.get(path_of(made.uri), accept=AS2)).json()
    actor = (await http.get("/actor", accept=AS2)).json()
    # Then its eddsa-jcs-2022 proof names the actor's Multikey and verifies with it
    proof = doc["proof"]
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    [method] = actor["assertionMethod"]
    assert proof["verificationMethod"] == method["id"]
    key = multikey.decode_public_key(method["publicKeyMultibase"])
    verified = proofs.verify(doc, key)
    assert verified.owner == doc["issuer"]
    # And the same bytes are served each time (the proof is dated with the office)
    again = (await http.get(path_of(made.uri), accept=AS2)).json()
    assert again == doc
    # And altering the office breaks it
    doc["title"] = "Mayor of Ventura"
    assert not proofs.is_valid(doc, key)


async def test_a_candidacy_is_a_candidacy_attestation(instance, http):
    await instance.create_account("hopeful")
    made = await attest(instance, "hopeful", CANDIDACY)
    doc = (await http.get(path_of(made.uri), accept=AS2)).json()
    validate(doc, "attestation.schema.json")
    assert doc["type"] == "CandidacyAttestation"
    assert (doc["role"], doc["seeking"], doc["electionDate"]) == (
        "candidate",
        "mayor",
        "2099-11-03",
    )


async def test_the_attestation_page_links_back_to_the_profile(instance, http):
    # Given an attested mayor
    await instance.create_account("mayor", display_name="Mayor Ruiz")
    made = await attest(instance, "mayor", MAYOR)
    # When a person opens the attestation's id
    page = await http.get(path_of(made.uri), accept=HTML)
    # Then it names the office and links the profile with rel="me"
    assert page.status == 200
    assert h1(page.text) == "Mayor of Ojai"
    assert f'<a rel="me" href="{instance.base_url}/@mayor">' in page.text
    assert "ocd-division/country:us/state:ca/place:ojai" in page.text


async def test_a_revoked_attestation_is_gone(instance, http):
    # Given an attestation that was revoked
    await instance.create_account("mayor")
    made = await attest(instance, "mayor", MAYOR)
    await revoke(instance, "mayor")
    # When it is fetched as JSON and as a page
    as_json = await http.get(path_of(made.uri), accept=AS2)
    as_page = await http.get(path_of(made.uri), accept=HTML)
    # Then both are 410: a Tombstone, and the gone page
    assert as_json.status == 410
    tombstone = as_json.json()
    validate(tombstone, "attestation.schema.json")
    assert (tombstone["type"], tombstone["formerType"]) == (
        "Tombstone",
        "OfficeAttestation",
    )
    assert as_page.status == 410


async def test_an_unknown_attestation_is_not_found(instance, http):
    assert (await http.get("/attestations/12345", accept=AS2)).status == 404
    assert (await http.get("/attestations/nope", accept=HTML)).status == 404


async def test_the_actor_lists_its_attestations_and_an_office_field(instance, http):
    # Given an attested mayor
    await instance.create_account("mayor")
    made = await attest(instance, "mayor", MAYOR)
    # When a peer fetches the actor
    doc = (await http.get("/users/mayor", accept=AS2)).json()
    # Then it lists the attestation, its capacity, and a rel="me" Office field
    validate(doc, "actor-extension.schema.json")
    assert doc["attestations"] == [made.uri]
    assert doc["capacity"] == "personal"
    assert doc["attachment"][0] == {
        "type": "PropertyValue",
        "name": "Office",
        "value": (
            f'<a href="{made.uri}" rel="me nofollow noopener noreferrer" '
            f'target="_blank">Mayor of Ojai, verified by '
            f"{instance.settings.instance.name}</a>"
        ),
    }


async def test_a_candidate_gets_no_office_field(instance, http):
    await instance.create_account("hopeful")
    made = await attest(instance, "hopeful", CANDIDACY)
    doc = (await http.get("/users/hopeful", accept=AS2)).json()
    validate(doc, "actor-extension.schema.json")
    assert doc["attestations"] == [made.uri]
    assert [f for f in doc["attachment"] if f["name"] == "Office"] == []


async def test_an_actor_without_offices_still_validates(instance, http):
    await instance.create_account("resident")
    doc = (await http.get("/users/resident", accept=AS2)).json()
    validate(doc, "actor-extension.schema.json")
    assert (doc["capacity"], doc["attestations"]) == ("personal", [])


async def test_the_profile_shows_the_office_badge_in_words(instance, http):
    # Given an attested mayor who also runs for the next term
    await instance.create_account("mayor")
    made = await attest(instance, "mayor", MAYOR)
    await attest(instance, "mayor", CANDIDACY)
    # When a visitor opens the profile
    page = await http.get("/@mayor", accept=HTML)
    # Then the office reads as verified, linked to its attestation, and the
    # candidacy as a candidacy
    name = instance.settings.instance.name
    assert (
        f'<a rel="me" href="{made.uri}">✔ Verified: Mayor of Ojai, by {name}</a>'
        in page.text
    )
    assert f"Candidate for Mayor of Ojai (election 2099-11-03), attested by {name}" in (
        page.text
    )


async def test_fedcity_context_v2_is_served(instance, http):
    reply = await http.get("/ns/fedcity-v2.jsonld")
    assert reply.status == 200
    terms = reply.json()["@context"]
    assert terms["OfficeAttestation"] == "fedcity:OfficeAttestation"
    assert terms["attestations"]["@container"] == "@set"


async def test_followers_hear_an_update_carrying_the_attestation(instance):
    # Given a mayor just attested (which queues an Update of the actor)
    from fedcity.federation.outbox.accounts import build_update_actor
    from fedcity.jobs.verbs import ActorRef

    actor = await instance.create_account("mayor")
    made = await attest(instance, "mayor", MAYOR)
    # When the Update is built for delivery
    async with instance.db.session() as session:
        outgoing = await build_update_actor(instance.fed, session, ActorRef(actor.id))
    # Then the embedded actor lists the attestation, in fedcity's context
    assert outgoing is not None
    update = outgoing.activity
    assert "https://fedcity.org/ns/v2" in update["@context"]
    assert update["object"]["attestations"] == [made.uri]
    validate(
        {**update["object"], "@context": update["@context"]},
        "actor-extension.schema.json",
    )
