"""A seat account's handover through Mastodon.py against a `fedcity serve` process
(issue 11): the seat keeps its followers, the earlier posts show and export under
the holder who wrote them, the outgoing holder's app loses its access, and the
successor signs in with the one-time link, then in their own app."""

from __future__ import annotations

import asyncio
import json
import re

import aiohttp
import pytest
import requests
from mastodon import Mastodon, MastodonUnauthorizedError

from tests.e2e.conftest import client
from tests.support.browser import OOB, Browser, authorization_code
from tests.support.processes import CliInstance

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("seat_handover")]

SCOPES = ["read", "write", "follow"]
NEW_PASSWORD = "the successor's own password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def take_over(link: str, name: str) -> requests.Session:
    """The successor opens the link, names themselves and sets a password."""
    browser = requests.Session()
    page = browser.get(link, timeout=30)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found is not None
    done = browser.post(
        link,
        data={
            "csrf_token": found.group(1),
            "name": name,
            "password": NEW_PASSWORD,
            "password_confirmation": NEW_PASSWORD,
        },
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 303, done.text
    return browser


def app_of(instance: CliInstance, username: str, password: str) -> Mastodon:
    """An app the person authorizes out of band on the consent page."""
    client_id, client_secret = Mastodon.create_app(
        "Seat Desk", scopes=SCOPES, redirect_uris=OOB, api_base_url=instance.base_url
    )
    app = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=instance.base_url,
        request_timeout=30,
    )
    url = app.auth_request_url(scopes=SCOPES, allow_http=True)
    code = authorization_code(Browser().authorize(url, username, password))
    app.log_in(code=code, scopes=SCOPES, allow_http=True)
    return app


def test_handover_keeps_followers_and_the_earlier_posts_under_their_holder(
    cli_instance,
):
    # Given @mayor, a seat held by Ana Ruiz, followed by a resident, and her post
    instance = cli_instance
    ana_app = client(instance, instance.account("mayor"))
    instance.cli("account", "capacity", "mayor", "official")
    instance.cli(
        "official", "verify", "mayor", "--role", "mayor", "--jurisdiction", "Ojai, CA"
    )
    ana_id = instance.cli("official", "holder", "mayor", "Ana Ruiz").stdout.strip()
    resident = client(instance, instance.account("neighbour"))
    mayor_id = resident.account_lookup("mayor")["id"]
    resident.account_follow(mayor_id)
    earlier = ana_app.status_post("The budget hearing is on Tuesday")
    assert earlier["fedcity"]["holder"]["name"] == "Ana Ruiz"
    # When the operator hands the seat over, archiving Ana's period
    done = instance.cli("official", "handover", "mayor", "--archive-as", "ana_ruiz")
    link = done.stdout.strip()
    # Then Ana's app no longer reaches the account
    with pytest.raises(MastodonUnauthorizedError):
        ana_app.account_verify_credentials()
    # When the successor uses the link, then authorizes their own app
    take_over(link, "Ben Ortiz")
    ben_app = app_of(instance, "mayor", NEW_PASSWORD)
    # Then it is the same account, with the same handle and its follower
    me = ben_app.account_verify_credentials()
    assert (str(me["id"]), me["acct"]) == (str(mayor_id), "mayor")
    assert me["followers_count"] == 1
    assert [a["acct"] for a in ben_app.account_followers(me["id"])] == ["neighbour"]
    # And the resident still follows it and sees Ben's post in their home
    later = ben_app.status_post("Glad to serve Ojai")
    assert later["fedcity"]["holder"]["name"] == "Ben Ortiz"
    home = [str(s["id"]) for s in resident.timeline_home()]
    assert str(later["id"]) in home
    # And the earlier post shows, with its id, under Ana Ruiz's closed period
    shown = resident.status(earlier["id"])
    holder = shown["fedcity"]["holder"]
    assert (holder["name"], holder["title"]) == ("Ana Ruiz", "Mayor of Ojai")
    assert holder["ended_at"] is not None
    assert holder["archive_url"] == f"{instance.base_url}/archives/ana_ruiz"
    # And it exports under her period, and her archive page lists it
    exported = json.loads(
        instance.cli("official", "export", "mayor", "--holder", ana_id).stdout
    )
    assert [p["id"] for p in exported["posts"]] == [str(earlier["id"])]
    archive = requests.get(holder["archive_url"], timeout=30)
    assert "The budget hearing is on Tuesday" in archive.text
    assert "Glad to serve Ojai" not in archive.text
    # And the link does not work a second time
    assert requests.get(link, timeout=30).status_code == 410


async def test_a_cli_handover_ends_the_seats_open_streams_on_postgresql(
    cli_instance, e2e_module_backend
):
    if e2e_module_backend != "postgres":
        pytest.skip(
            "the CLI reaches `serve` processes by PostgreSQL LISTEN/NOTIFY; on "
            "SQLite only the admin API's handover ends open streams"
        )
    # Given a seat whose app listens on its user stream
    instance = cli_instance
    token = await asyncio.to_thread(instance.account, "manager")
    await asyncio.to_thread(instance.cli, "account", "capacity", "manager", "official")
    url = f"ws://{instance.domain}/api/v1/streaming?stream=user"
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, protocols=(token,)) as ws,
    ):
        # When the operator hands the seat over on the command line
        await asyncio.to_thread(instance.cli, "official", "handover", "manager")
        # Then the server ends the stream
        closing = await asyncio.wait_for(ws.receive(), 10)
        assert closing.type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.CLOSING,
        )
