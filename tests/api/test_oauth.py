"""Logging in as apps do: Mastodon.py's out-of-band flow, PKCE with a custom-scheme
redirect (as mobile apps), denial, and the token endpoint's refusals."""

from __future__ import annotations

import asyncio
import base64
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from mastodon import Mastodon

from tests.support.browser import (
    OOB,
    Browser,
    authorization_code,
    pkce_pair,
)
from tests.support.http import Http
from tests.support.oauth_flow import (
    IVORY,
    PASSWORD,
    consent,
    cookie_session,
    exchange_code,
    new_app_token,
    register_app,
)

pytestmark = pytest.mark.usefixtures("backend")


async def test_mastodon_py_logs_in_with_the_out_of_band_flow(instance):
    # Given an official with an account, using an app built on Mastodon.py
    await instance.create_account("mayor")
    scopes = ["read", "write", "follow"]

    def login() -> dict:
        client_id, client_secret = Mastodon.create_app(
            "City Hall Desk",
            scopes=scopes,
            redirect_uris=OOB,
            api_base_url=instance.base_url,
        )
        api = Mastodon(
            client_id=client_id,
            client_secret=client_secret,
            api_base_url=instance.base_url,
        )
        url = api.auth_request_url(scopes=scopes, allow_http=True)
        # When the official signs in on the consent page and copies the code
        code = authorization_code(Browser().authorize(url, "mayor", PASSWORD))
        api.log_in(code=code, scopes=scopes, allow_http=True)
        me = api.account_verify_credentials()
        posted = api.status_post("Signed in from my app")
        return {"me": me, "posted": posted}

    result = await asyncio.to_thread(login)
    # Then the app acts as the official
    assert result["me"]["username"] == "mayor"
    assert result["posted"]["account"]["username"] == "mayor"


async def test_pkce_code_flow_with_custom_scheme_redirect(instance):
    # Given a mobile app registered with a custom-scheme redirect and a PKCE challenge
    await instance.create_account("mayor")
    verifier, challenge = pkce_pair()
    async with cookie_session() as session:
        app = await register_app(session, instance.base_url, IVORY)
        # When the official approves
        status, location, _ = await consent(
            session, instance.base_url, app, challenge=challenge
        )
        # Then the app's custom scheme receives the code and the state
        assert status == 302
        assert location.startswith(IVORY + "?")
        query = parse_qs(urlsplit(location).query)
        assert query["state"] == ["xyz"]
        code = query["code"][0]
        # And the code is refused without the verifier, then exchanged with it, once
        assert (await exchange_code(session, instance.base_url, app, code))[0] == 400
        status, body = await exchange_code(
            session, instance.base_url, app, code, verifier
        )
        assert status == 200
        assert body["token_type"] == "Bearer"
        assert body["scope"] == "read write"
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        async with session.get(
            f"{instance.base_url}/api/v1/accounts/verify_credentials", headers=headers
        ) as me:
            assert (await me.json())["username"] == "mayor"
        # (a second exchange is refused and revokes this token:
        # test_oauth_attacks.test_replayed_code_revokes_the_token_it_issued)
        again, error = await exchange_code(
            session, instance.base_url, app, code, verifier
        )
        assert again == 400
        assert error["error"] == "invalid_grant"


async def test_wrong_verifier_is_refused(instance):
    # Given a code issued against a PKCE challenge
    await instance.create_account("mayor")
    _, challenge = pkce_pair()
    async with cookie_session() as session:
        app = await register_app(session, instance.base_url, IVORY)
        _, location, _ = await consent(
            session, instance.base_url, app, challenge=challenge
        )
        code = parse_qs(urlsplit(location).query)["code"][0]
        # When another verifier is presented
        status, body = await exchange_code(
            session, instance.base_url, app, code, "not-the-verifier"
        )
    # Then no token is issued
    assert status == 400
    assert body["error"] == "invalid_grant"


async def test_denial_redirects_with_access_denied(instance):
    # Given the consent page
    await instance.create_account("mayor")
    async with cookie_session() as session:
        app = await register_app(session, instance.base_url, IVORY)
        # When the official presses Deny
        status, location, _ = await consent(
            session, instance.base_url, app, decision="deny"
        )
    # Then the app hears access_denied with its state
    query = parse_qs(urlsplit(location).query)
    assert status == 302
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["xyz"]


async def test_wrong_password_shows_the_form_again(instance):
    # Given the consent page
    await instance.create_account("mayor")
    async with cookie_session() as session:
        app = await register_app(session, instance.base_url, IVORY)
        # When the password is wrong
        status, location, text = await consent(
            session, instance.base_url, app, password="wrong password!"
        )
    # Then no code is issued and the page says why
    assert status == 401
    assert location == ""
    assert "Invalid username or password" in text


async def test_consent_form_without_csrf_token_is_refused(instance):
    # Given a forged form post from another site (no CSRF cookie or token)
    await instance.create_account("mayor")
    async with cookie_session() as session:
        app = await register_app(session, instance.base_url, IVORY)
    async with (
        aiohttp.ClientSession() as forger,
        forger.post(
            f"{instance.base_url}/oauth/authorize",
            data={
                "client_id": app["client_id"],
                "redirect_uri": IVORY,
                "scope": "read",
                "username": "mayor",
                "password": PASSWORD,
                "decision": "approve",
            },
            allow_redirects=False,
        ) as response,
    ):
        # Then it is refused
        assert response.status == 403
        assert "Location" not in response.headers


async def test_password_grant_is_refused_by_default(instance):
    # Given an app, and the password grant off (the default)
    await instance.create_account("mayor")
    async with cookie_session() as session:
        app = await register_app(session, instance.base_url, OOB)
        # When a client tries grant_type=password
        reply = await Http(session, instance.base_url).post(
            "/oauth/token",
            json={
                "grant_type": "password",
                "username": "mayor",
                "password": PASSWORD,
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
    # Then it gets Mastodon's error body
    assert reply.status == 400
    assert reply.json()["error"] == "unsupported_grant_type"


async def test_password_grant_when_enabled(make_instance):
    # Given an instance that allows the password grant (for `toot login_cli`)
    instance = await make_instance(password_grant=True)
    await instance.create_account("mayor")
    async with cookie_session() as session:
        app = await register_app(session, instance.base_url, OOB)
        pair = f"{app['client_id']}:{app['client_secret']}".encode()
        credentials = {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        # When the client sends the password with HTTP Basic client authentication
        reply = await Http(session, instance.base_url).post(
            "/oauth/token",
            headers=credentials,
            data={
                "grant_type": "password",
                "username": "mayor",
                "password": PASSWORD,
                "scope": "read",
            },
        )
    # Then a read token is issued
    assert reply.status == 200
    assert reply.json()["scope"] == "read"


async def test_client_credentials_token_identifies_the_app_not_a_user(instance):
    async with cookie_session() as session:
        # Given an app token from the client_credentials grant
        app = await register_app(session, instance.base_url, OOB)
        http = Http(session, instance.base_url)
        issued = await http.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "scope": "read",
            },
        )
        token = issued.json()["access_token"]
        # When it asks who the app is, and who the user is
        app_info = await http.get("/api/v1/apps/verify_credentials", token=token)
        user_info = await http.get("/api/v1/accounts/verify_credentials", token=token)
    # Then the app is known, without its secret, and no user is
    assert app_info.json()["name"] == "Ivory"
    assert app_info.json()["redirect_uris"] == [OOB]
    assert "client_secret" not in app_info.json()
    assert user_info.status == 422


async def test_revoked_token_stops_working(instance):
    # Given a token from the code flow
    await instance.create_account("mayor")
    async with cookie_session() as session:
        app, _, token = await new_app_token(session, instance.base_url)
        # When the app revokes it
        async with session.post(
            f"{instance.base_url}/oauth/revoke",
            data={
                "token": token,
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        ) as revoked:
            assert revoked.status == 200
        async with session.get(
            f"{instance.base_url}/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {token}"},
        ) as me:
            # Then it no longer authenticates
            assert me.status == 401


async def test_authorization_server_metadata(instance):
    # When a client discovers the OAuth endpoints (RFC 8414)
    async with aiohttp.ClientSession() as session:
        reply = await Http(session, instance.base_url).get(
            "/.well-known/oauth-authorization-server"
        )
    meta = reply.json()
    # Then they point at this server and advertise PKCE S256 without the password grant
    assert meta["token_endpoint"] == f"{instance.base_url}/oauth/token"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "password" not in meta["grant_types_supported"]
    assert "read:statuses" in meta["scopes_supported"]


@pytest.mark.parametrize("website", ["not a url", "true", "ftp://city.example"])
async def test_an_app_whose_website_is_no_web_url_is_422(instance, http, website):
    # When an app registers with a website that is no http(s) URL
    reply = await http.post(
        "/api/v1/apps",
        json={"client_name": "Ivory", "redirect_uris": OOB, "website": website},
    )
    # Then it is refused, as Mastodon's URL validator does (it was stored and sent
    # back as the Application's `website`, which must be a URI)
    assert reply.status == 422, reply.text


async def test_an_apps_website_is_kept(instance, http):
    # When an app registers with its website
    reply = await http.post(
        "/api/v1/apps",
        json={
            "client_name": "Ivory",
            "redirect_uris": OOB,
            "website": "https://tapbots.com/ivory/",
        },
    )
    # Then the website is in its Application
    assert reply.status == 200, reply.text
    assert reply.json()["website"] == "https://tapbots.com/ivory/"
