"""Verified offices end to end (issue 11): a league and two cities, each started
with `fedcity serve` from its own config file, both cities trusting the league.
The league verifies city A's mayor with `fedcity official verify`; A lists the
attestation and city B shows the mayor verified through the league; the
league's `fedcity official revoke` reaches B. Through Mastodon.py, as apps see
it: roles, fields, `fedcity.offices` and the directory's filters, on A's own
account and on B's copy of it, and a candidate that never shows as official."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from mastodon import Mastodon

from tests.e2e.conftest import _Servers, client
from tests.support.databases import MigratedTemplates
from tests.support.processes import CliInstance, wait_for

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class World:
    league: CliInstance
    a: CliInstance
    b: CliInstance
    a_reader: Mastodon  # a resident of A, through Mastodon.py
    b_reader: Mastodon  # a resident of B


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
    e2e_module_backend: str,
    templates: MigratedTemplates,
) -> Iterator[World]:
    servers = _Servers(
        tmp_path_factory.mktemp("offices"), e2e_module_backend, templates
    )
    try:
        league = servers.start("league")
        trust = f'\n[trust]\nverifiers = ["{league.domain}"]\n'
        a = servers.start("ojai", trust)
        b = servers.start("ventura", trust)
        for name in ("mayor", "ruiz", "hopeful"):
            a.create_account(name)
        yield World(
            league,
            a,
            b,
            client(a, a.account("resident")),
            client(b, b.account("resident")),
        )
    finally:
        servers.stop()


@pytest.fixture(scope="module")
def league_and_cities(world: World) -> tuple[CliInstance, CliInstance, CliInstance]:
    return world.league, world.a, world.b


def get_json(instance: CliInstance, path: str, **params: str) -> Any:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    with urllib.request.urlopen(f"{instance.base_url}{path}{query}", timeout=10) as r:
        return json.loads(r.read())


def offices(instance: CliInstance, acct: str) -> list[dict[str, Any]]:
    """The `fedcity.offices` of `acct` as `instance` shows them (looked up, and
    fetched from its server when not known yet)."""
    return list(
        get_json(instance, "/api/v1/accounts/lookup", acct=acct)["fedcity"]["offices"]
    )


def statuses(instance: CliInstance, acct: str) -> list[str]:
    return [o["status"] for o in offices(instance, acct)]


def test_league_verifies_a_remote_mayor_and_revocation_reaches_the_other_city(
    league_and_cities,
):
    league, a, b = league_and_cities
    handle = f"mayor@{a.domain}"
    # When the league verifies A's mayor by handle, from its CLI
    uri = league.cli(
        "official",
        "verify",
        handle,
        "--role",
        "mayor",
        "--jurisdiction",
        "Ojai, CA",
        "--term-start",
        "2024-12-01",
        "--term-end",
        "2099-12-01",
    ).stdout.strip()
    assert uri.startswith(f"{league.base_url}/attestations/")
    # Then A receives it, checks it and lists it on its mayor
    wait_for(lambda: statuses(a, "mayor") == ["verified"], what="A accepting it")
    remote = a.cli("official", "list", "--remote").stdout.splitlines()
    assert [line.split("\t")[:2] for line in remote] == [[f"@{handle}", "verified"]]
    # And B shows the mayor verified through the league, in roles and fields too
    wait_for(lambda: statuses(b, handle) == ["verified"], what="B's check")
    account = get_json(b, "/api/v1/accounts/lookup", acct=handle)
    assert [r["name"] for r in account["roles"]] == ["Mayor of Ojai"]
    [field] = [f for f in account["fields"] if f["name"] == "Office"]
    assert field["verified_at"] is not None
    assert uri in field["value"]
    # And the league's registry lists it, with A as a member
    registry = get_json(league, "/registry")
    assert uri in registry["orderedItems"]
    assert a.domain in registry["memberInstances"]
    # When the league revokes it from its CLI
    assert league.cli("official", "revoke", handle).stdout.split() == [uri]
    # Then B stops showing it (the Delete reached it as a follower of the
    # league's instance actor), and A drops it from its mayor
    wait_for(lambda: "verified" not in statuses(b, handle), what="revocation on B")
    wait_for(lambda: statuses(a, "mayor") == [], what="revocation on A")


def office_of(api: Mastodon, account_id: str) -> dict[str, Any] | None:
    """The account's one office or candidacy, as `api` shows it (None before its
    instance checked it)."""
    found = api.account(account_id)["fedcity"]["offices"]
    return found[0] if len(found) == 1 else None


def remote_account_id(api: Mastodon, handle: str) -> str:
    """The id of `handle` on `api`'s instance, fetched from its home if unknown."""
    [found] = api.account_search(handle, resolve=True, limit=1)
    assert found["acct"] == handle
    return str(found["id"])


def directory(api: Mastodon, **query: Any) -> list[str]:
    """GET /api/v1/directory with fedcity's filters, through Mastodon.py's
    request method (its `directory()` knows only Mastodon's parameters)."""
    found = api._Mastodon__api_request("GET", "/api/v1/directory", query)  # type: ignore[attr-defined]
    return [account["acct"] for account in found]


def test_apps_see_the_office_on_both_cities_and_the_candidate_as_candidate(
    world: World,
):
    league, a, b = world.league, world.a, world.b
    mayor, hopeful = f"ruiz@{a.domain}", f"hopeful@{a.domain}"
    # Given B's actor follows A's (`fedcity league follow`): B hears A's officials
    assert b.cli("league", "follow", a.domain).stdout.split() == [f"{a.base_url}/actor"]
    assert a.domain in b.cli("league", "members").stdout.split()
    # When the league verifies A's mayor and declares A's candidate
    league.cli(
        "official", "verify", mayor, "--role", "mayor", "--jurisdiction", "Ojai, CA",
        "--term-start", "2024-12-01", "--term-end", "2099-12-01",
    )  # fmt: skip
    league.cli(
        "official", "verify", hopeful, "--role", "candidate", "--jurisdiction",
        "Ojai, CA", "--seeking", "mayor", "--election-date", "2099-11-03",
    )  # fmt: skip
    # Then the league's actor follows A's, its member
    assert a.domain in wait_for(
        lambda: league.cli("league", "members").stdout.split(), what="league follow"
    )
    # And an app on A sees its own mayor as an official (a local account)
    local_id = world.a_reader.account_lookup("ruiz")["id"]
    office = wait_for(lambda: office_of(world.a_reader, local_id), what="A's check")
    assert office["status"] == "verified"
    assert_official(world.a_reader.account(local_id), office["attestation"])
    # And an app on B sees A's mayor verified through the league
    remote_id = remote_account_id(world.b_reader, mayor)
    office = wait_for(
        lambda: (
            (o := office_of(world.b_reader, remote_id))
            and o["status"] == "verified"
            and o
        ),
        what="B's check",
    )
    assert office["issuer"] == f"{league.base_url}/actor"
    assert_official(world.b_reader.account(remote_id), office["attestation"])
    # And B's directory finds the remote mayor with fedcity's filters
    assert mayor in directory(world.b_reader, role="mayor", state="CA")
    assert mayor not in directory(world.b_reader, role="mayor", state="MA")
    assert mayor not in directory(world.b_reader, role="city_clerk")
    # And the candidate shows on B as a candidate, never as an official
    candidate_id = remote_account_id(world.b_reader, hopeful)
    office = wait_for(
        lambda: office_of(world.b_reader, candidate_id), what="B's candidacy"
    )
    assert (office["status"], office["role"]) == ("candidate", "candidate")
    seen = world.b_reader.account(candidate_id)
    assert [(r["name"], r["highlighted"]) for r in seen["roles"]] == [
        ("Candidate for Mayor of Ojai (election 2099-11-03)", False)
    ]
    assert not [f for f in seen["fields"] if f["name"] == "Office"]
    assert hopeful not in directory(world.b_reader, role="mayor", state="CA")
    # When B stops following A's actor (`fedcity league unfollow`)
    b.cli("league", "unfollow", a.domain)
    assert a.domain not in b.cli("league", "members").stdout.split()


def assert_official(account: dict[str, Any], attestation: str) -> None:
    """A highlighted role named after the title, and an Office field verified, that
    names the league by its configured name."""
    assert [(r["name"], r["highlighted"]) for r in account["roles"]] == [
        ("Mayor of Ojai", True)
    ]
    [field] = [f for f in account["fields"] if f["name"] == "Office"]
    assert field["verified_at"] is not None
    assert attestation in field["value"]
    assert "Mayor of Ojai, verified by league" in field["value"]
