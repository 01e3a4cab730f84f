"""The OAuth code flow as a browser and an app drive it over real HTTP: register the
app, approve (or deny) on the consent page with the page's own form, exchange the
code at the token endpoint."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import aiohttp

from tests.support.browser import form_fields
from tests.support.http import Http

IVORY = "com.tapbots.Ivory.1234:/request_token"
PASSWORD = "correct horse battery"


async def register_app(
    session: aiohttp.ClientSession, base: str, redirect: str
) -> dict:
    reply = await Http(session, base).post(
        "/api/v1/apps",
        json={
            "client_name": "Ivory",
            "redirect_uris": [redirect],
            "scopes": "read write follow push",
        },
    )
    assert reply.status == 200
    return reply.json()


async def consent(
    session,
    base,
    app,
    *,
    headers=None,
    challenge=None,
    decision="approve",
    state="xyz",
    username="mayor",
    password=PASSWORD,
):
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": IVORY,
        "scope": "read write",
        "state": state,
    }
    if challenge:
        query.update(code_challenge=challenge, code_challenge_method="S256")
    async with session.get(f"{base}/oauth/authorize/", params=query) as page:
        assert page.status == 200
        fields = form_fields(await page.text())
    fields.update(username=username, password=password, decision=decision)
    async with session.post(
        f"{base}/oauth/authorize",
        data=fields,
        headers=headers,
        allow_redirects=False,
    ) as response:
        return (
            response.status,
            response.headers.get("Location", ""),
            await response.text(),
        )


def cookie_session() -> aiohttp.ClientSession:
    # Cookies for an IP-address host are refused by default; the tests run on 127.0.0.1.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def exchange_code(session, base, app, code, verifier=None):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": IVORY,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
    }
    if verifier:
        data["code_verifier"] = verifier
    reply = await Http(session, base).post("/oauth/token", data=data)
    return reply.status, reply.json()


async def signed_in_token(session, base, app) -> tuple[str, str]:
    """The mayor approves on the consent page and the app exchanges the code:
    (the code, the token)."""
    _, location, _ = await consent(session, base, app)
    code = parse_qs(urlsplit(location).query)["code"][0]
    status, body = await exchange_code(session, base, app, code)
    assert status == 200
    return code, body["access_token"]


async def new_app_token(session, base) -> tuple[dict, str, str]:
    """A new app signed in as the mayor: (the app, its code, its token)."""
    app = await register_app(session, base, IVORY)
    code, token = await signed_in_token(session, base, app)
    return app, code, token
