"""Groups' rules (issue 13): who may join each kind of group, and a local account's
follow of a local group going through the same rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fedcity.errors import Forbidden
from fedcity.services.accounts.accounts import NewLocalAccount, create_local_account
from fedcity.services.groups.groups import NewGroup, create_group, default_guard
from fedcity.services.groups.joining import NOT_AN_OFFICIAL, decide_follow
from fedcity.services.social import follows
from fedcity.storage.models import Actor, Group
from fedcity.storage.queries.actors import get_follow
from fedcity.urls import Urls
from tests.support.keys import premade_keypair

URLS = Urls("http://city.example")
TODAY = date(2026, 12, 6)


def office(kind: str = "office", **dates: Any) -> dict[str, Any]:
    """An attested office's summary as `actors.offices` keeps it."""
    return {
        "kind": kind,
        "title": "Mayor",
        "valid_from": "2024-12-01",
        "valid_until": "2099-12-01",
        "check_status": "verified",
        **dates,
    }


def account(capacity: str = "official", *offices: dict[str, Any]) -> Actor:
    return Actor(
        uri="http://a.example/users/x", capacity=capacity, offices=list(offices)
    )


def group(policy: str) -> Group:
    return Group(policy=policy, visibility="public")


def test_an_open_group_accepts_anyone():
    assert decide_follow(group("open"), account("personal"), today=TODAY).outcome == (
        "accept"
    )


def test_an_approval_group_leaves_requests_pending_but_for_its_moderators():
    resident = account("personal")
    assert decide_follow(group("approval"), resident, today=TODAY).outcome == "pending"
    moderated = decide_follow(group("approval"), resident, moderator=True, today=TODAY)
    assert moderated.outcome == "accept"


def test_an_officials_group_accepts_a_verified_official():
    mayor = account("official", office())
    assert decide_follow(group("officials"), mayor, today=TODAY).outcome == "accept"


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(account("personal"), id="no office"),
        pytest.param(
            account("personal", office("candidacy", election_date="2027-11-02")),
            id="candidate",
        ),
        pytest.param(account("campaign", office()), id="campaign account"),
        pytest.param(
            account("official", office(valid_until="2025-01-01")), id="former"
        ),
        pytest.param(
            account("official", office(check_status="unverified")), id="unverified"
        ),
    ],
)
def test_an_officials_group_refuses_anyone_without_a_verified_office(who):
    decision = decide_follow(group("officials"), who, today=TODAY)
    assert (decision.outcome, decision.reason) == ("reject", NOT_AN_OFFICIAL)


def test_the_quorum_guard_defaults_by_visibility_unless_configured():
    assert default_guard("members", "") == "warn"
    assert default_guard("public", "") == "off"
    assert default_guard("public", "restrict") == "restrict"


async def test_a_local_follow_of_an_officials_group_is_refused_with_the_reason(db):
    # Given an officials group and a resident without an office, on one instance
    async with db.session() as session:
        made = await create_group(
            session, URLS, NewGroup("council", policy="officials"), premade_keypair()
        )
        resident = await create_local_account(
            session,
            URLS,
            NewLocalAccount("resident", "correct horse battery"),
            premade_keypair(),
        )
        # When the resident follows it (POST /api/v1/accounts/:id/follow)
        with pytest.raises(Forbidden) as refused:
            await follows.follow(session, URLS, resident, made.actor)
        # Then the refusal says why, and no follow is left behind
        assert "verified office" in refused.value.message
        assert await get_follow(session, resident.id, made.actor.id) is None


async def test_a_local_follow_of_an_approval_group_waits_for_a_moderator(db):
    async with db.session() as session:
        made = await create_group(
            session, URLS, NewGroup("parks", policy="approval"), premade_keypair()
        )
        resident = await create_local_account(
            session,
            URLS,
            NewLocalAccount("resident", "correct horse battery"),
            premade_keypair(),
        )
        row = await follows.follow(session, URLS, resident, made.actor)
        assert row.state == "pending"
