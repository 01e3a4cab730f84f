"""Verified offices end to end (issue 11): a league and two cities, each started
with `fedcity serve` from its own config file, both cities trusting the league.
The league verifies city A's mayor with `fedcity official verify`; A lists the
attestation and city B shows the mayor verified through the league; the
league's `fedcity official revoke` reaches B."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import _Servers
from tests.support.databases import MigratedTemplates
from tests.support.processes import CliInstance, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def league_and_cities(
    tmp_path_factory: pytest.TempPathFactory,
    e2e_module_backend: str,
    templates: MigratedTemplates,
) -> Iterator[tuple[CliInstance, CliInstance, CliInstance]]:
    servers = _Servers(
        tmp_path_factory.mktemp("offices"), e2e_module_backend, templates
    )
    try:
        league = servers.start("league")
        trust = f'\n[trust]\nverifiers = ["{league.domain}"]\n'
        a = servers.start("ojai", trust)
        b = servers.start("ventura", trust)
        a.create_account("mayor")
        yield league, a, b
    finally:
        servers.stop()


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
    assert registry["orderedItems"] == [uri]
    assert a.domain in registry["memberInstances"]
    # When the league revokes it from its CLI
    assert league.cli("official", "revoke", handle).stdout.split() == [uri]
    # Then B stops showing it (the Delete reached it as a follower of the
    # league's instance actor), and A drops it from its mayor
    wait_for(lambda: "verified" not in statuses(b, handle), what="revocation on B")
    wait_for(lambda: statuses(a, "mayor") == [], what="revocation on A")
