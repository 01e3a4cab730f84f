"""The consent page as an attacker would try it: a form posted from another site, a
leaking Referer, and an authorization code replayed after it was exchanged."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.browser import OOB, form_fields
from tests.support.http import Http
from tests.support.oauth_flow import (
    IVORY,
    consent,
    cookie_session,
    exchange_code,
    new_app_token,
    register_app,
    signed_in_token,
)

pytestmark = pytest.mark.usefixtures("backend")

EVIL = "https://evil.example"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
    ids=["cross-site-origin", "opaque-origin", "fetch-cross-site", "fetch-same-site"],
)
async def test_consent_posted_from_another_site_is_refused(instance, headers):
    # Given an official on the consent page, with a valid CSRF token in the form
    await instance.create_account("mayor")
    async with cookie_session() as browser:
        app = await register_app(browser, instance.base_url, IVORY)
        # When the same form arrives from another site (a forged auto-submitting page)
        status, location, _ = await consent(
            browser, instance.base_url, app, headers=headers
        )
    # Then it is refused, and no code goes anywhere
    assert status == 403
    assert location == ""


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Origin": "{base}"},
        {"Origin": "{base}", "Sec-Fetch-Site": "same-origin"},
    ],
    ids=["no-headers", "fetch-same-origin", "fetch-none", "own-origin", "both"],
)
async def test_consent_posted_from_the_page_itself_is_accepted(instance, headers):
    # Given an official on the consent page
    await instance.create_account("mayor")
    sent = {k: v.format(base=instance.base_url) for k, v in (headers or {}).items()}
    async with cookie_session() as browser:
        app = await register_app(browser, instance.base_url, IVORY)
        # When the page's own form is posted (or by a client that sends neither header)
        status, location, _ = await consent(
            browser, instance.base_url, app, headers=sent
        )
    # Then the app receives its code
    assert status == 302
    assert "code" in parse_qs(urlsplit(location).query)


async def test_api_posts_from_web_clients_on_other_origins_still_work(instance):
    # Given a web client served from another origin (Elk, Phanpy)
    async with cookie_session() as session:
        http = Http(session, instance.base_url)
        # When it registers an app from the browser
        reply = await http.post(
            "/api/v1/apps",
            headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
            json={"client_name": "Elk", "redirect_uris": OOB, "scopes": "read"},
        )
    # Then the API answers it as ever (CORS is open there by design)
    assert reply.status == 200
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_html_pages_tell_browsers_to_keep_the_referrer_on_this_site(instance):
    # Given an official, and an app asking for access with a state in the URL
    await instance.create_account("mayor")
    async with cookie_session() as browser:
        app = await register_app(browser, instance.base_url, IVORY)
        http = Http(browser, instance.base_url, contract=False)
        query = f"client_id={app['client_id']}&redirect_uri={IVORY}&state=s3cret"
        # When a browser opens the consent page and a profile page
        page = await http.get(f"/oauth/authorize?{query}")
        profile = await http.get("/@mayor", accept="text/html")
        # And the sign-in fails (an HTML error page)
        fields = form_fields(page.text)
        fields.update(username="mayor", password="wrong!", decision="approve")
        failed = await http.post("/oauth/authorize", data=fields)
    # Then every HTML answer keeps its URL (codes, states) on this site
    assert failed.status == 401
    for reply in (page, profile, failed):
        assert reply.content_type == "text/html"
        assert reply.headers["Referrer-Policy"] == "same-origin"


async def test_replayed_code_revokes_the_token_it_issued(instance):
    # Given a code already exchanged for a working token
    await instance.create_account("mayor")
    async with cookie_session() as session:
        app, code, token = await new_app_token(session, instance.base_url)
        http = Http(session, instance.base_url)
        me = await http.get("/api/v1/accounts/verify_credentials", token=token)
        assert me.status == 200
        # When the code is presented again (it leaked, and someone replays it)
        again, error = await exchange_code(session, instance.base_url, app, code)
        # Then it is refused, and the token it issued no longer works (RFC 6749 §4.1.2)
        assert again == 400
        assert error["error"] == "invalid_grant"
        me = await http.get("/api/v1/accounts/verify_credentials", token=token)
        assert me.status == 401


async def test_replayed_code_leaves_other_tokens_alone(instance):
    # Given two codes exchanged for two tokens by the same app
    await instance.create_account("mayor")
    async with cookie_session() as session:
        app, code, first_token = await new_app_token(session, instance.base_url)
        _, second_token = await signed_in_token(session, instance.base_url, app)
        # When the first code is replayed
        await exchange_code(session, instance.base_url, app, code)
        http = Http(session, instance.base_url)
        first = await http.get("/api/v1/accounts/verify_credentials", token=first_token)
        second = await http.get(
            "/api/v1/accounts/verify_credentials", token=second_token
        )
    # Then only the token of the replayed code is revoked
    assert first.status == 401
    assert second.status == 200
