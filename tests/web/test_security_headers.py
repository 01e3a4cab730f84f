"""What a browser is told it may do with fedcity's answers (the security headers of
pages, assets and the API), how cookies are set, and which POSTs of a form are
refused: without the CSRF token, or sent from another site."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from http.cookies import SimpleCookie

import aiohttp
import pytest

from tests.support.processes import PASSWORD

PAGE = "/no/such/page"  # an error page: in the layout, with the language form
HTML = {"Accept": "text/html"}


@pytest.fixture
async def browser_session() -> AsyncIterator[aiohttp.ClientSession]:
    """A client that keeps cookies for 127.0.0.1, as a browser does."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        yield s


def cookies_set(response: aiohttp.ClientResponse) -> dict[str, SimpleCookie]:
    """Every Set-Cookie of the answer, by cookie name."""
    found: dict[str, SimpleCookie] = {}
    for header in response.headers.getall("Set-Cookie", []):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name in cookie:
            found[name] = cookie
    return found


async def csrf_token(session: aiohttp.ClientSession, base: str) -> str:
    async with session.get(base + PAGE, headers=HTML) as page:
        html = await page.text()
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


async def post_language(
    session: aiohttp.ClientSession, base: str, token: str | None, **headers: str
) -> aiohttp.ClientResponse:
    form = {"language": "es", "next": "/about"}
    if token is not None:
        form["csrf_token"] = token
    async with session.post(
        base + "/language", data=form, headers=headers, allow_redirects=False
    ) as response:
        await response.read()
        return response


# --- pages ----------------------------------------------------------------------


async def test_page_forbids_inline_script_and_framing(instance, browser_session):
    # When a browser opens a page
    async with browser_session.get(instance.base_url + PAGE, headers=HTML) as page:
        policy = page.headers["Content-Security-Policy"]
    # Then its policy allows scripts and styles from the instance only, never inline
    directives = dict(part.strip().partition(" ")[::2] for part in policy.split(";"))
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    # And no other site may frame it
    assert directives["frame-ancestors"] == "'none'"
    assert page.headers["X-Frame-Options"] == "DENY"


async def test_consent_page_may_send_its_form_on_to_the_app_but_not_be_framed(
    instance, browser_session
):
    # Given an app registered with its own redirect URI
    async with browser_session.post(
        instance.base_url + "/api/v1/apps",
        json={"client_name": "Desk", "redirect_uris": "com.example.desk:/callback"},
    ) as made:
        app = await made.json()
    # When a browser opens its consent page
    query = (
        f"response_type=code&client_id={app['client_id']}"
        "&redirect_uri=com.example.desk:/callback&scope=read"
    )
    async with browser_session.get(
        f"{instance.base_url}/oauth/authorize?{query}"
    ) as page:
        assert page.status == 200
        policy = page.headers["Content-Security-Policy"]
    # Then its form may lead to the app's URI (any scheme), and nothing else changes
    assert "form-action *" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert page.headers["X-Frame-Options"] == "DENY"


async def test_remote_interaction_form_may_send_the_visitor_to_their_server(
    instance, browser_session
):
    # Given an account, and its follow-from-elsewhere page (/interact)
    await instance.create_account("mayor")
    uri = f"{instance.base_url}/users/mayor"
    # When a browser opens it
    async with browser_session.get(
        f"{instance.base_url}/interact", params={"intent": "follow", "uri": uri}
    ) as page:
        assert page.status == 200
        policy = page.headers["Content-Security-Policy"]
    # Then its form's redirect to the visitor's own server is allowed (Chromium
    # applies form-action to it), and nothing else changes
    assert "form-action *" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy


async def test_page_keeps_referrer_and_features_to_itself(instance, browser_session):
    # When a browser opens a page
    async with browser_session.get(instance.base_url + PAGE, headers=HTML) as page:
        headers = page.headers
    # Then no address leaves the site in Referer, types are not sniffed, and the
    # camera, microphone and location are off
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    features = headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in features


async def test_no_hsts_over_plain_http(instance, browser_session):
    # When a browser opens a page of an instance served over http
    async with browser_session.get(instance.base_url + PAGE, headers=HTML) as page:
        # Then HSTS is not sent (it would lock the browser out of an http site)
        assert "Strict-Transport-Security" not in page.headers
        # And cookies are not marked Secure (they would never come back)
        assert not cookies_set(page)["fedcity_csrf"]["fedcity_csrf"]["secure"]


async def test_https_instance_sends_hsts_and_secure_cookies(
    make_instance, browser_session
):
    # Given an instance whose public address is https (TLS ends at its proxy)
    instance = await make_instance(instance={"scheme": "https"})
    # When a browser opens a page (through the proxy: plain http here)
    async with browser_session.get(f"http://{instance.domain}{PAGE}") as page:
        # Then it is told to use https only, for a year, subdomains included
        hsts = page.headers["Strict-Transport-Security"]
        assert "max-age=31536000" in hsts
        assert "includeSubDomains" in hsts
        # And its cookies go back over https only
        csrf = cookies_set(page)["fedcity_csrf"]["fedcity_csrf"]
        assert csrf["secure"]
        assert csrf["httponly"]


# --- cookies --------------------------------------------------------------------


async def test_csrf_cookie_is_http_only_and_same_site_lax(instance, browser_session):
    # When a browser opens a page with a form
    async with browser_session.get(instance.base_url + PAGE, headers=HTML) as page:
        cookie = cookies_set(page)["fedcity_csrf"]["fedcity_csrf"]
    # Then the CSRF nonce's cookie is out of scripts' reach and not sent cross-site
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"


async def test_session_cookie_is_http_only_and_same_site_lax(instance, browser_session):
    # Given a resident and an app's consent page
    await instance.create_account("mayor")
    base = instance.base_url
    async with browser_session.post(
        base + "/api/v1/apps",
        json={"client_name": "Desk", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
    ) as made:
        app = await made.json()
    query = (
        f"response_type=code&client_id={app['client_id']}"
        "&redirect_uri=urn:ietf:wg:oauth:2.0:oob&scope=read"
    )
    async with browser_session.get(f"{base}/oauth/authorize?{query}") as page:
        html = await page.text()
    hidden = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    )
    # When they sign in there
    form = {**hidden, "username": "mayor", "password": PASSWORD, "decision": "approve"}
    async with browser_session.post(
        base + "/oauth/authorize", data=form, allow_redirects=False
    ) as signed:
        assert signed.status == 200
        cookie = cookies_set(signed)["fedcity_session"]["fedcity_session"]
    # Then the session's cookie is out of scripts' reach and not sent cross-site
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # http here; see the https test


# --- state-changing POSTs -------------------------------------------------------


async def test_form_with_the_right_token_is_accepted(instance, browser_session):
    # Given the token of the page the form came from
    token = await csrf_token(browser_session, instance.base_url)
    # When the browser sends the language form from the site itself
    response = await post_language(
        browser_session,
        instance.base_url,
        token,
        Origin=instance.base_url,
        **{"Sec-Fetch-Site": "same-origin"},
    )
    # Then it is done, and the browser is sent on to a page
    assert response.status == 303
    assert response.headers["Location"] == "/about"
    assert cookies_set(response)["fedcity_lang"]["fedcity_lang"].value == "es"


async def test_form_without_csrf_token_is_refused(instance, browser_session):
    # Given a browser that has a CSRF cookie from a page
    await csrf_token(browser_session, instance.base_url)
    # When a form without the token is posted
    response = await post_language(browser_session, instance.base_url, None)
    # Then it is refused, and nothing changes
    assert response.status == 403
    assert "fedcity_lang" not in cookies_set(response)


async def test_form_with_a_token_of_another_browser_is_refused(
    instance, browser_session
):
    # Given a token that another browser's page carried
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as other:
        stolen = await csrf_token(other, instance.base_url)
    await csrf_token(browser_session, instance.base_url)
    # When this browser posts the form with it
    response = await post_language(browser_session, instance.base_url, stolen)
    # Then it is refused (the token is bound to the browser's own nonce)
    assert response.status == 403


async def test_form_from_a_cross_site_origin_is_refused(instance, browser_session):
    # Given a valid token (a page of the site was opened in this browser)
    token = await csrf_token(browser_session, instance.base_url)
    # When another site's page submits the form in that browser
    response = await post_language(
        browser_session, instance.base_url, token, Origin="https://evil.example"
    )
    # Then it is refused, token or not
    assert response.status == 403
    assert "fedcity_lang" not in cookies_set(response)


async def test_form_marked_cross_site_by_the_browser_is_refused(
    instance, browser_session
):
    # Given a valid token
    token = await csrf_token(browser_session, instance.base_url)
    # When the browser says the request comes from another site (Fetch metadata)
    response = await post_language(
        browser_session,
        instance.base_url,
        token,
        **{"Sec-Fetch-Site": "cross-site"},
    )
    # Then it is refused
    assert response.status == 403


# --- assets and the API ---------------------------------------------------------


async def test_versioned_assets_are_cached_for_a_year(instance, browser_session):
    # Given the stylesheet's address as a page links it (versioned by its content)
    async with browser_session.get(instance.base_url + PAGE, headers=HTML) as page:
        href = re.search(r'href="(/assets/fedcity\.css\?v=[^"]+)"', await page.text())
    assert href, "the layout links no versioned stylesheet"
    # When the browser fetches it
    async with browser_session.get(instance.base_url + href.group(1)) as css:
        # Then it may keep it for a year without asking again
        assert css.status == 200
        assert css.content_type == "text/css"
        cache = css.headers["Cache-Control"]
        assert "max-age=31536000" in cache
        assert "immutable" in cache
        # And it is not sniffed as anything else; a page policy is not needed
        assert css.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" not in css.headers


async def test_client_api_stays_open_to_other_origins_without_page_policy(
    instance, browser_session
):
    # When a web app on another site (Elk, Phanpy) reads the instance
    async with browser_session.get(
        instance.base_url + "/api/v1/instance",
        headers={"Origin": "https://elk.zone"},
    ) as reply:
        # Then CORS lets it, and no page policy or framing rule is added to JSON
        assert reply.status == 200
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
        assert "Content-Security-Policy" not in reply.headers
        assert "X-Frame-Options" not in reply.headers
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
