"""Who an instance federates with (issue 12), between `fedcity serve` processes:
an allowlist-mode league instance (with a second `serve` process on the same
database) and a city it lists or not. Policy changes made with the CLI or the
admin API apply in both league processes without a restart; an unlisted city can
neither deliver to, fetch from, nor receive from the league; a suspension removes
what was stored; a published allow list is subscribed to; Mastodon.py's admin
methods manage blocks and allows.

The tests of this module run in order on one shared pair of instances."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError

from tests.e2e.conftest import client
from tests.support.databases import create_pg_database, drop_pg_database, pg_url
from tests.support.instances import free_port
from tests.support.processes import PASSWORD, CliInstance, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("federation_policy")]

REFRESH = 0.3  # [federation] policy_refresh_seconds of the league's processes
AS_JSON = {"Accept": "application/activity+json"}


class League:
    """The allowlist-mode instance, its second `serve` process, its admin."""

    def __init__(self, instance: CliInstance, second_port: int) -> None:
        self.instance = instance
        self.second_url = f"http://127.0.0.1:{second_port}"
        self.second_port = second_port
        self.second: subprocess.Popen[bytes] | None = None

    def start_second(self) -> None:
        """Another `serve` on the same config and database, on its own port."""
        with (self.instance.root / "second.log").open("ab") as log:
            self.second = subprocess.Popen(
                [
                    *(sys.executable, "-m", "fedcity"),
                    *("-c", str(self.instance.config), "serve"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.instance.root,
                env={**os.environ, "FEDCITY_SERVER_PORT": str(self.second_port)},
            )
        wait_for(
            lambda: _answers(f"{self.second_url}/api/v1/instance"),
            timeout=20,
            what="the second serve process",
        )

    def stop_second(self) -> None:
        if self.second is not None:
            self.second.terminate()
            self.second.wait(timeout=15)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def _configure(instance: CliInstance, lines: str) -> None:
    text = instance.config.read_text()
    instance.config.write_text(text.replace("[federation]\n", f"[federation]\n{lines}"))


@pytest.fixture(scope="module")
def backend_url(
    tmp_path_factory: pytest.TempPathFactory, e2e_module_backend: str
) -> Iterator[tuple[Path, object]]:
    root = tmp_path_factory.mktemp("policy")
    databases: list[str] = []

    def url(name: str) -> str:
        if e2e_module_backend == "sqlite":
            (root / name).mkdir(parents=True, exist_ok=True)
            return f"sqlite+aiosqlite:///{root / name / 'fedcity.db'}"
        import asyncio

        database = asyncio.run(create_pg_database())
        databases.append(database)
        return pg_url(database)

    yield root, url
    import asyncio

    for database in databases:
        asyncio.run(drop_pg_database(database))


@pytest.fixture(scope="module")
def peers(backend_url) -> Iterator[tuple[League, CliInstance]]:
    root, url = backend_url
    league = CliInstance(root, "league", url("league"))
    _configure(
        league,
        f'mode = "allowlist"\npolicy_refresh_seconds = {REFRESH}\n'
        'show_blocked_domains = "all"\n',
    )
    city = CliInstance(root, "city", url("city"))
    _configure(city, f"policy_refresh_seconds = {REFRESH}\n")
    pair = League(league, free_port())
    try:
        for instance in (league, city):
            instance.cli("migrate")
            instance.start()
        pair.start_second()
        yield pair, city
    finally:
        pair.stop_second()
        league.stop()
        city.stop()


@pytest.fixture(scope="module")
def people(peers):
    league, city = peers
    admin_token = _admin(league.instance, "admin")
    return {
        "admin": client(league.instance, admin_token),
        "admin_token": admin_token,
        "mayor": client(league.instance, league.instance.account("mayor")),
        "council": client(city, city.account("council")),
    }


def _admin(instance: CliInstance, name: str) -> str:
    instance.cli("account", "create", name, "--password", PASSWORD, "--role", "admin")
    scopes = "read write follow admin:read admin:write"
    return instance.cli("token", "create", name, "--scopes", scopes).stdout.strip()


def _found(api: Mastodon, query: str, kind: str) -> list[dict]:
    return api.search_v2(query, resolve=True, result_type=kind)[kind]


def _home_has(api: Mastodon, text: str) -> bool:
    return any(text in (s["content"] or "") for s in api.timeline_home())


def _follow(api: Mastodon, handle: str) -> None:
    account = _found(api, handle, "accounts")[0]
    api.account_follow(account["id"])
    wait_for(
        lambda: api.account_relationships(account["id"])[0]["following"],
        what=f"follow of {handle} accepted",
    )


def test_an_unlisted_city_exchanges_nothing_with_an_allowlist_league(peers, people):
    league, city = peers
    mayor, council = people["mayor"], people["council"]
    second = Mastodon(
        access_token=people["admin_token"], api_base_url=league.second_url
    )
    # Given the league allows the city (CLI, while both league processes run)
    league.instance.cli("domain", "allow", city.domain)
    time.sleep(REFRESH * 3)
    # And each side follows the other, and posts reach both ways
    _follow(mayor, f"council@{city.domain}")
    _follow(council, f"mayor@{league.instance.domain}")
    mayor.status_post("league post one")
    council.status_post("city post one")
    wait_for(lambda: _home_has(council, "league post one"), what="league → city")
    wait_for(lambda: _home_has(mayor, "city post one"), what="city → league")

    # When the league removes the city from its allow list (CLI, no restart)
    out = league.instance.cli("domain", "disallow", city.domain).stdout
    assert f"disallowed {city.domain}" in out
    time.sleep(REFRESH * 3)
    # Then the league delivers nothing to it and refuses what it delivers
    kept = mayor.status_post("league post two (held back)")
    refused = council.status_post("city post two (refused)")
    # And an unsigned fetch of the league's actor gets 401 (authorized fetch)
    actor = requests.get(
        f"{league.instance.base_url}/users/mayor", headers=AS_JSON, timeout=10
    )
    assert actor.status_code == 401
    # And the instance actor stays readable (peers verify its signatures)
    assert requests.get(
        f"{league.instance.base_url}/actor", headers=AS_JSON, timeout=10
    ).ok
    # And the city's signed fetch of a league post finds nothing
    assert _found(council, kept["uri"], "statuses") == []
    # And neither league process fetches from the city
    assert _found(mayor, refused["uri"], "statuses") == []
    assert _found(second, refused["uri"], "statuses") == []

    # When an admin allows it again through the API of the first process
    allowed = requests.post(
        f"{league.instance.base_url}/api/v1/admin/domain_allows",
        headers={"Authorization": f"Bearer {people['admin_token']}"},
        data={"domain": city.domain},
        timeout=10,
    )
    assert allowed.status_code == 200, allowed.text
    # Then the second process fetches from the city again, without a restart
    wait_for(
        lambda: _found(second, refused["uri"], "statuses"),
        what="the second process to apply the allow",
    )
    # And new posts flow, while those of the refused time never arrived
    mayor.status_post("league post three")
    council.status_post("city post three")
    wait_for(lambda: _home_has(council, "league post three"), what="league → city")
    wait_for(lambda: _home_has(mayor, "city post three"), what="city → league")
    assert not _home_has(council, "held back")


def test_a_city_subscribes_to_the_allow_list_a_league_publishes(peers):
    league, city = peers
    # Given the league publishes its allow list, linked from its instance actor
    league.instance.cli("domain", "allow", "newcity.example")
    actor = requests.get(
        f"{league.instance.base_url}/actor", headers=AS_JSON, timeout=10
    ).json()
    url = actor["streams"][0]
    published = requests.get(url, headers=AS_JSON, timeout=10).json()
    assert "newcity.example" in published["orderedItems"]
    assert published["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    # When the city subscribes to it
    out = city.cli("domain", "subscribe", url).stdout
    # Then its domains are allowed there, listed with where they come from
    assert "subscribed to" in out
    listing = city.cli("domain", "list").stdout
    assert f"subscription\t{url}" in listing
    assert f"allow\tnewcity.example\tvia {url}" in listing
    # And a collection without the publisher's proof is refused, and not kept
    unsigned = f"{league.instance.base_url}/users/mayor/followers"
    failed = city.cli("domain", "subscribe", unsigned, check=False)
    assert failed.returncode == 1
    assert unsigned not in city.cli("domain", "list").stdout
    # When the city unsubscribes, the list's domains are no longer allowed
    city.cli("domain", "unsubscribe", url)
    assert "newcity.example" not in city.cli("domain", "list").stdout
    # And the admin action logs hold each change, as done from the command line
    assert ("cli", "create", "newcity.example") in _logged(league.instance)
    assert [e for e in _logged(city) if e[2] in (url, unsigned)] == [
        ("cli", "subscribe", url),
        ("cli", "subscribe", unsigned),
        ("cli", "unsubscribe", unsigned),
        ("cli", "unsubscribe", url),
    ]


def test_a_suspension_removes_the_domains_content(peers, people):
    league, city = peers
    mayor = people["mayor"]
    handle = f"council@{city.domain}"
    # Given the league knows the city's account (resolved here, so that this test
    # does not lean on what the earlier ones left)
    assert _found(mayor, handle, "accounts")
    # When the league suspends the city's domain
    out = league.instance.cli(
        "domain", "block", city.domain, "--severity", "suspend", "--reason", "spam"
    ).stdout
    assert f"blocked {city.domain} (suspend)" in out
    assert ("cli", "create", f"{city.domain} (suspend)") in _logged(league.instance)

    # Then its accounts and posts are removed (by a job of the worker)
    def gone() -> bool:
        try:
            mayor.account_lookup(handle)
        except MastodonNotFoundError:
            return True
        return False

    # The worker polls each second, behind whatever the league's queue holds; a
    # loaded CI machine needs more than the default wait.
    wait_for(gone, timeout=60, what="the suspended domain's account to go")
    assert not _home_has(mayor, "city post three")
    assert mayor.account_verify_credentials()["following_count"] == 0
    # And the block is listed, publicly too (show_blocked_domains = "all")
    assert (
        f"block\t{city.domain}\tsuspend" in league.instance.cli("domain", "list").stdout
    )
    public = requests.get(
        f"{league.instance.base_url}/api/v1/instance/domain_blocks", timeout=10
    ).json()
    assert {"domain": city.domain, "severity": "suspend"}.items() <= next(
        b for b in public if b["domain"] == city.domain
    ).items()


def test_mastodon_py_admin_domain_blocks_and_allows(peers, people):
    admin, mayor = people["admin"], people["mayor"]
    # When an admin blocks a domain with Mastodon.py
    block = admin.admin_create_domain_block(
        "spam.example", severity="silence", public_comment="spam"
    )
    # Then it is listed, and shown by id, in Mastodon's entity
    assert block["severity"] == "silence"
    assert "spam.example" in [b["domain"] for b in admin.admin_domain_blocks()]
    assert admin.admin_domain_blocks(id=block["id"])["public_comment"] == "spam"
    # And a second block of the same domain is refused
    with pytest.raises(MastodonAPIError):
        admin.admin_create_domain_block("spam.example")
    # When it is changed, then deleted
    changed = admin.admin_update_domain_block(
        block["id"], severity="suspend", reject_media=True
    )
    assert (changed["severity"], changed["reject_media"]) == ("suspend", True)
    admin.admin_delete_domain_block(block["id"])
    assert "spam.example" not in [b["domain"] for b in admin.admin_domain_blocks()]
    # And allows work alike
    allow = admin.admin_create_domain_allow("friends.example")
    assert "friends.example" in [a["domain"] for a in admin.admin_domain_allows()]
    admin.admin_delete_domain_allow(allow["id"])
    assert "friends.example" not in [a["domain"] for a in admin.admin_domain_allows()]
    # And an account that is not an admin gets 403
    with pytest.raises(MastodonAPIError):
        mayor.admin_domain_blocks()


def _logged(instance: CliInstance) -> list[tuple[str, str, str]]:
    """(who, action, target) of the instance's admin action log, oldest first."""
    entries = json.loads(instance.cli("admin", "log", "--format", "json").stdout)
    return [(e["account"], e["action"], e["target"]) for e in entries]
