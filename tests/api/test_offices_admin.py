"""The admin API of verified offices (issue 11): `/api/v1/fedcity/admin/offices`
does what `fedcity official verify|revoke|list` do, for admins and the owner with
`admin:read` / `admin:write` only."""

from __future__ import annotations

import pytest

from fedcity.services.accounts.remote_actors import (
    RemoteActorData,
    delete_remote_actor,
    upsert_remote_actor,
)
from fedcity.services.offices import attestations as offices

pytestmark = pytest.mark.usefixtures("backend")

PATH = "/api/v1/fedcity/admin/offices"
ADMIN_SCOPES = "read admin:read admin:write"
MAYOR = {
    "account": "mayor",
    "role": "mayor",
    "jurisdiction": "Ojai, CA",
    "population": 7637,
    "seats": 5,
    "term_start": "2024-12-01",
    "term_end": "2099-12-01",
}
AS_JSON = "application/activity+json"


async def admin_token(instance, scopes: str = ADMIN_SCOPES) -> str:
    await instance.create_account("clerk", role="admin")
    return await instance.token("clerk", scopes)


async def attest(http, token: str, **body) -> dict:
    reply = await http.post(PATH, token=token, json={**MAYOR, **body})
    assert reply.status == 200, reply.text
    return reply.json()


# --- who may ---------------------------------------------------------------------


async def test_without_a_token_the_list_is_refused_with_401(instance, http):
    # When nobody signed in asks for the list
    reply = await http.get(PATH)
    # Then it is 401
    assert reply.status == 401


async def test_an_admin_token_without_admin_scopes_is_refused_with_403(instance, http):
    # Given an admin whose token has only read and write
    token = await admin_token(instance, "read write follow")
    # When it asks for the list and to attest
    listing = await http.get(PATH, token=token)
    creating = await http.post(PATH, token=token, json=MAYOR)
    # Then both are outside the authorized scopes
    assert (listing.status, creating.status) == (403, 403)
    assert listing.json() == {"error": "This action is outside the authorized scopes"}


async def test_admin_read_alone_may_list_but_not_attest(instance, http):
    # Given an admin whose token has admin:read only
    await instance.create_account("mayor")
    token = await admin_token(instance, "admin:read")
    # When it lists and then tries to attest
    listing = await http.get(PATH, token=token)
    creating = await http.post(PATH, token=token, json=MAYOR)
    # Then listing works and attesting is refused
    assert (listing.status, listing.json()) == (200, [])
    assert creating.status == 403


async def test_a_user_who_is_not_an_admin_is_refused_whatever_the_scopes(
    instance, http
):
    # Given a plain user (and a moderator) with the admin scopes
    await instance.create_account("resident")
    await instance.create_account("moderator", role="moderator")
    for name in ("resident", "moderator"):
        token = await instance.token(name, ADMIN_SCOPES)
        # When they try to attest
        reply = await http.post(PATH, token=token, json=MAYOR)
        # Then they are not allowed
        assert reply.status == 403, name
        assert reply.json() == {"error": "This action is not allowed"}


async def test_the_owner_may_attest(instance, http):
    await instance.create_account("mayor")
    await instance.create_account("owner", role="owner")
    token = await instance.token("owner", ADMIN_SCOPES)
    assert (await http.post(PATH, token=token, json=MAYOR)).status == 200


# --- create ----------------------------------------------------------------------


async def test_create_attests_the_office_and_answers_the_entity(instance, http):
    # Given a local account and an admin
    mayor = await instance.create_account("mayor")
    token = await admin_token(instance)
    # When the admin attests the mayor of Ojai
    entity = await attest(http, token)
    # Then the entity says what was attested, for whom, by this instance
    assert entity["kind"] == "office"
    assert entity["account"]["id"] == str(mayor.id)
    assert entity["account"]["acct"] == "mayor"
    assert (entity["role"], entity["title"]) == ("mayor", "Mayor of Ojai")
    assert entity["jurisdiction"] == {
        "name": "Ojai",
        "state": "CA",
        "population": 7637,
        "ocd_id": "ocd-division/country:us/state:ca/place:ojai",
    }
    assert entity["seats"] == 5
    assert (entity["valid_from"], entity["valid_until"]) == ("2024-12-01", "2099-12-01")
    assert (entity["seeking"], entity["election_date"]) == (None, None)
    assert entity["issuer"] == instance.fed.urls.instance_actor
    assert entity["attestation"] == instance.fed.urls.attestation(int(entity["id"]))
    assert (entity["status"], entity["reason"]) == ("verified", None)
    assert entity["published_at"] is not None
    assert entity["revoked_at"] is None


async def test_the_account_then_shows_the_office(instance, http):
    # Given the admin attested the mayor through the API
    await instance.create_account("mayor")
    await attest(http, await admin_token(instance))
    # When an app reads the account
    reply = await http.get("/api/v1/accounts/lookup", params={"acct": "mayor"})
    # Then the office is there, as after `official verify`
    [office] = reply.json()["fedcity"]["offices"]
    assert (office["title"], office["status"]) == ("Mayor of Ojai", "verified")


async def test_a_form_body_attests_a_candidacy(instance, http):
    # Given a local account
    await instance.create_account("hopeful")
    token = await admin_token(instance)
    # When the admin attests a candidacy with a form body
    reply = await http.post(
        PATH,
        token=token,
        data={
            "account": "hopeful",
            "role": "candidate",
            "jurisdiction": "Ojai, CA",
            "seeking": "mayor",
            "election_date": "2099-11-03",
        },
    )
    # Then it is a candidacy, never an office
    assert reply.status == 200, reply.text
    entity = reply.json()
    assert (entity["kind"], entity["role"], entity["seeking"]) == (
        "candidacy",
        "candidate",
        "mayor",
    )
    assert entity["status"] == "candidate"
    assert entity["election_date"] == "2099-11-03"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"role": "king"}, "Unknown office role king: one of mayor, vice_mayor"),
        (
            {"jurisdiction": "Ojai"},
            'Write the jurisdiction as "Name, ST" with a US state code, not Ojai',
        ),
        (
            {"term_start": "2026-01-01", "term_end": "2025-01-01"},
            "The term cannot end before it starts",
        ),
        ({"role": "candidate"}, "A candidacy needs the office sought"),
        ({"seats": 0}, "A council has at least one seat"),
        ({"term_end": "soon"}, "Validation failed: term_end must be a date"),
        ({"jurisdiction": ""}, "Validation failed: jurisdiction can't be blank"),
    ],
)
async def test_an_invalid_claim_is_422_with_the_services_message(
    instance, http, change, message
):
    # Given a local account and an admin
    await instance.create_account("mayor")
    token = await admin_token(instance)
    # When the admin sends an invalid claim
    reply = await http.post(PATH, token=token, json={**MAYOR, **change})
    # Then it is refused with the reason, and nothing is attested
    assert reply.status == 422
    assert reply.json()["error"].startswith(message)
    assert (await http.get(PATH, token=token)).json() == []


async def test_an_unknown_account_is_404(instance, http):
    token = await admin_token(instance)
    reply = await http.post(PATH, token=token, json={**MAYOR, "account": "nobody"})
    assert reply.status == 404
    assert reply.json() == {"error": "No account nobody is known here"}


# --- list and show ---------------------------------------------------------------


async def test_the_list_filters_by_state_role_and_account(instance, http):
    # Given a mayor of Ojai, a council member of Ojai and a mayor of Boston
    for name in ("mayor", "member", "boston"):
        await instance.create_account(name)
    token = await admin_token(instance)
    ojai = await attest(http, token)
    member = await attest(http, token, account="member", role="council_member")
    boston = await attest(
        http, token, account="boston", jurisdiction="Boston, MA", population=None
    )

    async def ids(**query) -> list[str]:
        reply = await http.get(PATH, token=token, params=query)
        assert reply.status == 200, reply.text
        return [item["id"] for item in reply.json()]

    # When the admin lists with each filter, then each finds its own
    assert await ids() == [boston["id"], member["id"], ojai["id"]]
    assert await ids(state="ca") == [member["id"], ojai["id"]]
    assert await ids(role="mayor") == [boston["id"], ojai["id"]]
    assert await ids(account="member") == [member["id"]]
    assert await ids(role="candidate") == []
    assert await ids(remote="true") == []


async def test_the_list_pages_with_a_link_header(instance, http):
    # Given three attestations
    for name in ("mayor", "member", "boston"):
        await instance.create_account(name)
    token = await admin_token(instance)
    await attest(http, token)
    await attest(http, token, account="member", role="council_member")
    await attest(http, token, account="boston", jurisdiction="Boston, MA")
    # When the admin asks for two at a time
    first = await http.get(PATH, token=token, params={"limit": "2"})
    second = await http.get(first.links["next"], token=token)
    # Then the next page has the third
    assert len(first.json()) == 2
    assert len(second.json()) == 1
    assert second.json()[0]["id"] not in {item["id"] for item in first.json()}


async def test_an_unknown_state_in_the_filter_is_422(instance, http):
    token = await admin_token(instance)
    reply = await http.get(PATH, token=token, params={"state": "XX"})
    assert (reply.status, reply.json()) == (422, {"error": "Unknown state code XX"})


async def test_show_answers_one_attestation_and_404_for_an_unknown_id(instance, http):
    await instance.create_account("mayor")
    token = await admin_token(instance)
    made = await attest(http, token)
    shown = await http.get(f"{PATH}/{made['id']}", token=token)
    missing = await http.get(f"{PATH}/1", token=token)
    assert (shown.status, shown.json()) == (200, made)
    assert missing.status == 404


# --- revoke ----------------------------------------------------------------------


async def test_delete_revokes_and_the_attestation_then_answers_410(instance, http):
    # Given an attestation made through the API
    await instance.create_account("mayor")
    token = await admin_token(instance)
    made = await attest(http, token)
    assert (await http.get(made["attestation"], accept=AS_JSON)).status == 200
    # When the admin deletes it
    reply = await http.request("DELETE", f"{PATH}/{made['id']}", token=token)
    # Then the entity is revoked
    assert reply.status == 200, reply.text
    entity = reply.json()
    assert entity["revoked_at"] is not None
    assert (entity["status"], entity["reason"]) == ("unverified", "revoked")
    # And the attestation's URL is gone, a Tombstone for servers
    gone = await http.get(made["attestation"], accept=AS_JSON)
    assert gone.status == 410
    assert gone.json()["type"] == "Tombstone"
    # And the account no longer shows it, nor the list
    account = await http.get("/api/v1/accounts/lookup", params={"acct": "mayor"})
    assert account.json()["fedcity"]["offices"] == []
    assert (await http.get(PATH, token=token)).json() == []


async def test_delete_needs_admin_write(instance, http):
    await instance.create_account("mayor")
    made = await attest(http, await admin_token(instance))
    reader = await instance.token("clerk", "admin:read")
    reply = await http.request("DELETE", f"{PATH}/{made['id']}", token=reader)
    assert reply.status == 403


# --- account deletion ------------------------------------------------------------


async def test_deleting_an_account_revokes_its_attestations(instance, http):
    # Given a remote mayor this instance attests
    async with instance.db.session() as session:
        await upsert_remote_actor(
            session,
            RemoteActorData(
                uri="https://ojai.example/users/mayor",
                actor_type="Person",
                username="mayor",
                domain="ojai.example",
                inbox_uri="https://ojai.example/users/mayor/inbox",
                key_id=None,
                public_key_pem=None,
            ),
        )
    token = await admin_token(instance)
    made = await attest(http, token, account="mayor@ojai.example")
    # When the mayor's server deletes the account
    async with instance.db.session() as session:
        subject = await offices.find_account(
            session, "mayor@ojai.example", instance.domain
        )
        await delete_remote_actor(session, subject)
    # Then the attestation is revoked in the same transaction: gone, and unlisted
    assert (await http.get(made["attestation"], accept=AS_JSON)).status == 410
    shown = await http.get(f"{PATH}/{made['id']}", token=token)
    assert shown.json()["revoked_at"] is not None
    assert (await http.get(PATH, token=token)).json() == []
