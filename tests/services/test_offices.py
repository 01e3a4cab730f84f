"""Verified offices (issue 11): the vocabulary, Open Civic Data ids, the statuses an
attested office reads as, and the capacity rules (a campaign account is never an
official, a candidacy never an office)."""

from __future__ import annotations

from datetime import date

import pytest

from fedcity.errors import NotFound, Unprocessable
from fedcity.services.offices import attestations as offices
from fedcity.services.offices import vocabulary as v
from fedcity.services.offices.status import actor_views, view
from fedcity.storage.db import Database
from fedcity.storage.models import Actor
from fedcity.urls import Urls
from tests.support.accounts import local_account

URLS = Urls("http://city.example")
ISSUER = offices.Issuer(URLS, "City of Ojai")
TODAY = date(2026, 6, 1)
MAYOR = offices.Claim(
    role="mayor",
    jurisdiction="Ojai, CA",
    term_start=date(2024, 12, 1),
    term_end=date(2028, 12, 1),
)


# --- vocabulary ------------------------------------------------------------------


def test_the_role_vocabulary_is_the_issues_and_nothing_else():
    # Then the ten roles are known, in order, and another word is refused
    assert v.ROLES == (
        "mayor",
        "vice_mayor",
        "council_member",
        "city_manager",
        "city_clerk",
        "city_attorney",
        "county_supervisor",
        "department_head",
        "staff",
        "league_staff",
    )
    with pytest.raises(Unprocessable):
        v.check_role("king")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ojai, CA", "ocd-division/country:us/state:ca/place:ojai"),
        (
            "San Luis Obispo, ca",
            "ocd-division/country:us/state:ca/place:san_luis_obispo",
        ),
        (
            "  Winston-Salem ,  NC ",
            "ocd-division/country:us/state:nc/place:winston-salem",
        ),
        ("Coeur d'Alene, ID", "ocd-division/country:us/state:id/place:coeur_dalene"),
        ("Washington, DC", "ocd-division/country:us/district:dc"),
    ],
)
def test_the_ocd_id_is_derived_as_ocd_writes_it(text, expected):
    # When a jurisdiction written "Name, ST" is read
    place = v.jurisdiction(text)
    # Then its division id is lower case, with underscores for spaces
    assert place.ocd_id == expected


@pytest.mark.parametrize("text", ["Ojai", "Ojai, XX", ", CA", "Ojai CA"])
def test_a_jurisdiction_without_a_state_code_is_refused(text):
    with pytest.raises(Unprocessable):
        v.jurisdiction(text)


def test_a_given_ocd_id_wins_and_must_be_one():
    # Given an explicit division id, then a malformed one
    place = v.jurisdiction(
        "Ojai, CA", ocd_id="ocd-division/country:us/state:ca/county:ventura"
    )
    # Then the given id is kept, and a malformed one refused
    assert place.ocd_id == "ocd-division/country:us/state:ca/county:ventura"
    with pytest.raises(Unprocessable):
        v.jurisdiction("Ojai, CA", ocd_id="ojai")


# --- statuses --------------------------------------------------------------------


def summary(**kw):
    base = {
        "id": "1",
        "kind": "office",
        "role": "mayor",
        "title": "Mayor of Ojai",
        "valid_from": "2024-12-01",
        "valid_until": "2026-12-01",
        "election_date": None,
        "issuer": "http://city.example/actor",
        "issuer_name": "City of Ojai",
        "attestation": "http://city.example/attestations/1",
        "check_status": None,
        "reason": None,
    }
    return {**base, **kw}


def test_an_office_in_its_term_is_verified():
    shown = view(summary(), "official", TODAY)
    assert (shown.status, shown.reason, shown.label) == (
        "verified",
        None,
        "Mayor of Ojai",
    )


def test_a_term_that_ended_lapses_to_former_with_its_years():
    shown = view(summary(), "personal", date(2027, 1, 1))
    assert shown.status == "former"
    assert shown.label == "former Mayor of Ojai (2024\u20132026)"


def test_a_term_not_started_is_not_yet_verified():
    shown = view(summary(valid_from="2026-12-01"), "personal", TODAY)
    assert (shown.status, shown.reason) == ("unverified", "term_not_started")


def test_a_campaign_account_is_never_shown_as_an_official():
    shown = view(summary(), "campaign", TODAY)
    assert (shown.status, shown.reason) == ("unverified", "campaign_account")


def test_a_candidacy_is_a_candidate_never_an_office():
    # Given a candidacy on an official-capacity account
    shown = view(
        summary(kind="candidacy", election_date="2026-11-03", valid_from=None),
        "official",
        TODAY,
    )
    # Then it reads as a candidacy, with its election
    assert shown.status == "candidate"
    assert shown.label == "Candidate for Mayor of Ojai (election 2026-11-03)"


def test_a_remote_attestation_that_failed_its_check_keeps_its_reason():
    shown = view(
        summary(check_status="unverified", reason="untrusted_issuer"), "official", TODAY
    )
    assert (shown.status, shown.reason) == ("unverified", "untrusted_issuer")


# --- verify, revoke, list ----------------------------------------------------------


async def mayor(db: Database) -> Actor:
    return await local_account(db, URLS, "mayor")


async def test_verify_attests_an_office_and_the_actor_summarises_it(db):
    # Given a local account
    actor = await mayor(db)
    # When the instance attests it as mayor of Ojai
    async with db.session() as session:
        subject = await offices.find_account(session, "mayor", "city.example")
        made = await offices.verify(session, ISSUER, subject, MAYOR)
        shown = actor_views(subject, TODAY)
    # Then the attestation is the instance's, with a derived OCD id and title
    assert made.issuer_uri == "http://city.example/actor"
    assert made.uri == f"http://city.example/attestations/{made.id}"
    assert made.ocd_id == "ocd-division/country:us/state:ca/place:ojai"
    assert made.title == "Mayor of Ojai"
    assert made.subject_id == actor.id
    # And the account shows it as verified, issued by the instance
    assert [(s.status, s.title, s.issuer_name) for s in shown] == [
        ("verified", "Mayor of Ojai", "City of Ojai")
    ]


async def test_verifying_the_same_office_again_supersedes_the_first(db):
    await mayor(db)
    async with db.session() as session:
        subject = await offices.find_account(session, "mayor", "city.example")
        first = await offices.verify(session, ISSUER, subject, MAYOR)
        second = await offices.verify(session, ISSUER, subject, MAYOR)
    assert first.revoked_at is not None
    assert [s["id"] for s in subject.offices] == [str(second.id)]


async def test_a_candidacy_needs_the_office_sought_and_the_election(db):
    await mayor(db)
    async with db.session() as session:
        subject = await offices.find_account(session, "mayor", "city.example")
        with pytest.raises(Unprocessable):
            await offices.verify(
                session, ISSUER, subject, offices.Claim("candidate", "Ojai, CA")
            )
        made = await offices.verify(
            session,
            ISSUER,
            subject,
            offices.Claim(
                "candidate",
                "Ojai, CA",
                seeking="mayor",
                election_date=date(2026, 11, 3),
            ),
        )
    assert (made.kind, made.role, made.title) == ("candidacy", "mayor", "Mayor of Ojai")


async def test_revoke_drops_the_office_from_the_account(db):
    await mayor(db)
    async with db.session() as session:
        subject = await offices.find_account(session, "mayor", "city.example")
        await offices.verify(session, ISSUER, subject, MAYOR)
        revoked = await offices.revoke(session, ISSUER, subject, "mayor")
        # When there is nothing more to revoke, it says so
        with pytest.raises(NotFound):
            await offices.revoke(session, ISSUER, subject)
    assert revoked[0].revoked_at is not None
    assert subject.offices == []


async def test_list_filters_by_state_and_role_and_keeps_candidates_apart(db):
    # Given a mayor of Ojai who also runs again
    await mayor(db)
    async with db.session() as session:
        subject = await offices.find_account(session, "mayor", "city.example")
        await offices.verify(session, ISSUER, subject, MAYOR)
        await offices.verify(
            session,
            ISSUER,
            subject,
            offices.Claim(
                "candidate",
                "Ojai, CA",
                seeking="mayor",
                election_date=date(2028, 11, 7),
            ),
        )
        # When the list is filtered
        mayors = await offices.list_offices(
            session, state="ca", role="mayor", today=TODAY
        )
        candidates = await offices.list_offices(session, role="candidate", today=TODAY)
        elsewhere = await offices.list_offices(session, state="MA", today=TODAY)
        remote = await offices.list_offices(session, remote=True, today=TODAY)
    # Then a role names offices only, and `candidate` the candidacies only
    assert [i.view.status for i in mayors] == ["verified"]
    assert [i.view.status for i in candidates] == ["candidate"]
    assert elsewhere == []
    assert remote == []


async def test_capacity_is_one_of_three(db):
    await mayor(db)
    async with db.session() as session:
        subject = await offices.find_account(session, "mayor", "city.example")
        assert subject.capacity == "personal"
        await offices.set_capacity(session, subject, "campaign")
        with pytest.raises(Unprocessable):
            await offices.set_capacity(session, subject, "royal")
    assert subject.capacity == "campaign"


async def test_an_unknown_remote_handle_is_not_found(db):
    async with db.session() as session:
        with pytest.raises(NotFound):
            await offices.find_account(
                session, "mayor@elsewhere.example", "city.example"
            )


async def test_revoke_attestation_revokes_that_one_and_again_changes_nothing(db):
    # Given a mayor attested by this instance
    await mayor(db)
    async with db.session() as session:
        subject = await offices.find_account(session, "mayor", "city.example")
        made = await offices.verify(session, ISSUER, subject, MAYOR)
        # When that attestation is revoked, twice
        first = await offices.revoke_attestation(session, ISSUER, made.id)
        again = await offices.revoke_attestation(session, ISSUER, made.id)
    # Then it is revoked once, reads as unverified (revoked), and leaves the actor
    assert first.attestation.revoked_at == again.attestation.revoked_at is not None
    assert (again.view.status, again.view.reason) == ("unverified", "revoked")
    assert subject.offices == []


async def test_revoke_all_of_revokes_every_current_attestation(db):
    # Given a mayor who is also a candidate
    await mayor(db)
    async with db.session() as session:
        subject = await offices.find_account(session, "mayor", "city.example")
        office = await offices.verify(session, ISSUER, subject, MAYOR)
        candidacy = await offices.verify(
            session,
            ISSUER,
            subject,
            offices.Claim(
                "candidate", "Ojai, CA", seeking="mayor", election_date=date(2099, 1, 1)
            ),
        )
        # When the account goes
        await offices.revoke_all_of(session, subject)
        listed = await offices.list_offices(session, today=TODAY)
    # Then nothing of it is current
    assert office.revoked_at is not None
    assert candidacy.revoked_at is not None
    assert subject.offices == []
    assert listed == []
