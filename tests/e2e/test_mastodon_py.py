"""Mastodon.py against a `fedcity serve` process: an app registers, a person signs in
on the consent page (PKCE authorization code, or out-of-band), and the app then
posts, reads timelines, follows, reads notifications and streams events.

One server per module and backend (`cli_instance`); every test has its own accounts.
The person's part is done by `tests.support.browser.Browser`, an HTTP client that
reads the HTML form, keeps cookies and presses the button, as a browser would.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import requests
from mastodon import Mastodon

from tests.e2e.conftest import client
from tests.support.browser import (
    OOB,
    Browser,
    authorization_code,
    pkce_pair,
    redirect_query,
)
from tests.support.processes import PASSWORD, CliInstance, wait_for
from tests.support.streams import close_stream, open_user_stream

# One server per module and backend: its tests stay on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("mastodon_py")]

APP = "City Hall Desk"
SCOPES = ["read", "write", "follow", "push"]
# A desktop app's loopback redirect. Nothing needs to listen there: the browser
# stops at the redirect and the test hands its query to the app.
CALLBACK = "http://127.0.0.1:8765/callback"


def _register(instance: CliInstance, redirect_uri: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        APP,
        scopes=SCOPES,
        redirect_uris=redirect_uri,
        api_base_url=instance.base_url,
        request_timeout=30,
    )
    return Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=instance.base_url,
        request_timeout=30,
    )


def log_in_with_pkce(instance: CliInstance, username: str) -> Mastodon:
    """The authorization-code flow with PKCE S256 and a `state`, as a desktop app
    built on Mastodon.py runs it. Mastodon.py 2.3.3 knows no PKCE: the app adds the
    challenge to the URL Mastodon.py builds, and posts the code with its verifier to
    the token endpoint itself (`log_in()` has no `code_verifier` parameter)."""
    app = _register(instance, CALLBACK)
    server = app.oauth_authorization_server_info()
    assert "S256" in server["code_challenge_methods_supported"]
    verifier, challenge = pkce_pair()
    url = app.auth_request_url(
        redirect_uris=CALLBACK, scopes=SCOPES, state="desk-42", allow_http=True
    )
    url += "&" + urlencode(
        {"code_challenge": challenge, "code_challenge_method": "S256"}
    )
    answer = Browser().authorize(url, username, PASSWORD)
    assert answer.headers["Location"].startswith(CALLBACK + "?")
    assert redirect_query(answer)["state"] == "desk-42"
    token = requests.post(
        server["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": authorization_code(answer),
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
        timeout=30,
    )
    assert token.status_code == 200, token.text
    assert token.json()["scope"] == " ".join(SCOPES)
    return Mastodon(
        client_id=app.client_id,
        client_secret=app.client_secret,
        access_token=token.json()["access_token"],
        api_base_url=instance.base_url,
        request_timeout=30,
    )


def log_in_out_of_band(instance: CliInstance, username: str) -> Mastodon:
    """The out-of-band flow: the consent page shows the code, the person copies it
    into the app, and Mastodon.py's `log_in(code=…)` exchanges it."""
    app = _register(instance, OOB)
    url = app.auth_request_url(scopes=SCOPES, allow_http=True)
    code = authorization_code(Browser().authorize(url, username, PASSWORD))
    app.log_in(code=code, scopes=SCOPES, allow_http=True)
    return app


def _ids(statuses) -> list[str]:
    return [str(s["id"]) for s in statuses]


def _notification_types(api: Mastodon) -> set[str]:
    return {n["type"] for n in api.notifications()}


def test_mastodon_py_logs_in_with_the_pkce_authorization_code_flow(cli_instance):
    # Given an official with an account on a running fedcity
    cli_instance.create_account("pkce_mayor")
    # When a Mastodon.py app logs in through the consent page with PKCE
    api = log_in_with_pkce(cli_instance, "pkce_mayor")
    # Then its token acts as the official, for that app
    assert api.account_verify_credentials()["username"] == "pkce_mayor"
    assert api.app_verify_credentials()["name"] == APP


def test_mastodon_py_logs_in_with_the_out_of_band_flow(cli_instance):
    # Given an official with an account on a running fedcity
    cli_instance.create_account("oob_mayor")
    # When a Mastodon.py app logs in with a code copied from the consent page
    api = log_in_out_of_band(cli_instance, "oob_mayor")
    # Then its token acts as the official, for that app
    assert api.account_verify_credentials()["username"] == "oob_mayor"
    assert api.app_verify_credentials()["name"] == APP


def test_logged_in_app_posts_and_reads_home_and_public_timelines(cli_instance):
    # Given a planner logged in through the PKCE flow
    cli_instance.create_account("planner")
    api = log_in_with_pkce(cli_instance, "planner")
    # When the app posts a status
    posted = api.status_post("Zoning hearing moved to Thursday #zoning")
    # Then it is on the home timeline, the local public timeline and the tag's
    home = wait_for(lambda: _ids(api.timeline_home()), what="home timeline")
    assert str(posted["id"]) in home
    assert str(posted["id"]) in _ids(api.timeline_public(local=True))
    assert str(posted["id"]) in _ids(api.timeline_hashtag("zoning"))


def test_logged_in_app_follows_an_account_and_sees_its_posts(cli_instance):
    # Given a resident logged in out-of-band, and a clerk who posts
    cli_instance.create_account("resident")
    api = log_in_out_of_band(cli_instance, "resident")
    clerk = client(cli_instance, cli_instance.account("clerk"))
    # When the resident finds the clerk and follows
    found = api.account_lookup("clerk")
    api.account_follow(found["id"])
    # Then the relationship says so and the clerk's next post reaches home
    assert api.account_relationships(found["id"])[0]["following"]
    posted = clerk.status_post("Agenda for Monday is online")
    wait_for(
        lambda: str(posted["id"]) in _ids(api.timeline_home()),
        what="the clerk's post on the resident's home timeline",
    )


def test_logged_in_app_reads_its_notifications(cli_instance):
    # Given an engineer logged in through the PKCE flow, with a post
    cli_instance.create_account("engineer")
    api = log_in_with_pkce(cli_instance, "engineer")
    mine = api.status_post("Bridge inspection report is out")
    # When a council member follows, favourites and mentions the engineer
    council = client(cli_instance, cli_instance.account("council"))
    council.account_follow(council.account_lookup("engineer")["id"])
    council.status_favourite(mine["id"])
    council.status_post("@engineer thanks, reading it now")
    # Then the app sees all three notifications, and can ask for mentions only
    wait_for(
        lambda: {"follow", "favourite", "mention"} <= _notification_types(api),
        what="follow, favourite and mention notifications",
    )
    mentions = api.notifications(types=["mention"])
    assert [n["type"] for n in mentions] == ["mention"]
    assert mentions[0]["account"]["acct"] == "council"
    assert "reading it now" in mentions[0]["status"]["content"]


def test_logged_in_app_streams_its_users_events(cli_instance):
    # Given a treasurer logged in through the PKCE flow, following an auditor,
    # with Mastodon.py streaming the user stream in a thread
    cli_instance.create_account("treasurer")
    api = log_in_with_pkce(cli_instance, "treasurer")
    auditor = client(cli_instance, cli_instance.account("auditor"))
    api.account_follow(api.account_lookup("auditor")["id"])
    handle, listener = open_user_stream(api)
    try:
        # When the auditor posts a status that mentions the treasurer
        posted = auditor.status_post("@treasurer the audit is finished")
        # Then the stream brings the status and the mention
        wait_for(lambda: listener.updates, what="the update event")
        wait_for(lambda: listener.notifications, what="the notification event")
    finally:
        close_stream(handle)
    assert str(listener.updates[0]["id"]) == str(posted["id"])
    assert listener.notifications[0]["type"] == "mention"
    assert str(listener.notifications[0]["status"]["id"]) == str(posted["id"])
