"""The directory of officials through Mastodon.py (issue 11), on two CLI-started
instances: Ventura lists its own mayor and Ojai's (whom it attests, as a league
attests a member city's officials) first, and fedcity's filters narrow the list."""

from __future__ import annotations

from typing import Any

import pytest
from mastodon import Mastodon

from tests.e2e.conftest import client

pytestmark = pytest.mark.slow


def directory(api: Mastodon, **query: Any) -> list[str]:
    """GET /api/v1/directory with fedcity's filters, which Mastodon.py's
    `directory()` does not know: through its request method, as an app would."""
    found = api._Mastodon__api_request("GET", "/api/v1/directory", query)  # type: ignore[attr-defined]
    return [account["acct"] for account in found]


def test_directory_filters_local_and_remote_officials(cli_instances):
    ojai, ventura = cli_instances
    # Given a mayor on each instance, and a resident of Ventura who posts
    ojai.create_account("mayor")
    ventura.create_account("mayor")
    resident = client(ventura, ventura.account("resident"))
    resident.status_post("Farmers market on Sunday")
    # And Ventura knows Ojai's mayor and attests both mayors
    remote = f"mayor@{ojai.domain}"
    found = resident.search_v2(remote, resolve=True, result_type="accounts")
    assert [a["acct"] for a in found["accounts"]] == [remote]
    for account, place in (("mayor", "Ventura, CA"), (remote, "Ojai, CA")):
        ventura.cli(
            "official", "verify", account, "--role", "mayor", "--jurisdiction", place
        )
    ventura.cli("account", "capacity", "mayor", "official")

    # When an app reads Ventura's directory with Mastodon.py's own parameters
    everyone = [a["acct"] for a in resident.directory(order="new")]
    local = [a["acct"] for a in resident.directory(local=True)]
    # Then the verified mayors come first, the resident after them
    assert everyone == [remote, "mayor", "resident"]
    assert local == ["mayor", "resident"]

    # When it adds fedcity's filters
    # Then each narrows the list to the offices asked for
    assert directory(resident, role="mayor", order="new") == [remote, "mayor"]
    assert directory(resident, jurisdiction="Ojai, CA") == [remote]
    assert directory(resident, ocd_id="ocd-division/country:us/state:ca/place:v") == [
        "mayor"
    ]
    assert directory(resident, state="CA", local="true") == ["mayor"]
    assert directory(resident, capacity="official") == ["mayor"]
    assert directory(resident, role="city_clerk") == []
    # And the accounts carry their offices in fedcity's object
    [mayor] = resident.directory(local=True, limit=1)
    assert mayor["fedcity"]["offices"][0]["status"] == "verified"
