"""Taking access back: a new password signs out the other browsers, a revoked
app's token stops working, a browser can be signed out from another."""

from __future__ import annotations

import re

import pyotp

from fedcity.web.sessions import SESSION_COOKIE
from tests.support.http import Http
from tests.web.accounts.browser import PASSWORD, turn_on_two_factor


async def test_password_change_signs_out_the_other_browsers(
    instance, browser, new_browser
):
    # Given an account signed in on two browsers
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    other = new_browser()
    await other.sign_in("mayor")
    # When it changes its password on the first
    await browser.get("/settings/password")
    page = await browser.post(
        "/settings/password",
        {
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "password_confirmation": "a brand new passphrase",
        },
    )
    # Then the first stays signed in, the other is signed out
    assert page.status == 303
    assert (await browser.get("/settings/password")).status == 200
    assert (await other.get("/settings/password")).status == 303
    # And the new password signs in
    again = new_browser()
    assert (await again.sign_in("mayor", "a brand new passphrase")).status == 303
    assert again.cookie(SESSION_COOKIE)


async def test_password_change_with_a_wrong_current_password_is_refused(
    instance, browser
):
    # Given a signed-in account
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await browser.get("/settings/password")
    # When the current password given is wrong
    page = await browser.post(
        "/settings/password",
        {
            "current_password": "wrong",
            "password": "a brand new passphrase",
            "password_confirmation": "a brand new passphrase",
        },
    )
    # Then nothing changes and the field says why
    assert page.status == 422
    assert 'href="#field-current_password"' in page.text


async def test_short_new_password_is_refused(instance, browser):
    # Given a signed-in account
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await browser.get("/settings/password")
    # When the new password is too short
    page = await browser.post(
        "/settings/password",
        {
            "current_password": PASSWORD,
            "password": "short",
            "password_confirmation": "short",
        },
    )
    # Then it is refused
    assert page.status == 422
    assert "at least 8 characters" in page.text


async def test_revoking_an_app_makes_its_token_useless(instance, browser, http: Http):
    # Given an account whose app holds a token
    await instance.create_account("mayor")
    app = (
        await http.post(
            "/api/v1/apps",
            json={"client_name": "Desk", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
        )
    ).json()
    token = (
        (
            await http.post(
                "/oauth/token",
                data={
                    "grant_type": "password",
                    "client_id": app["client_id"],
                    "client_secret": app["client_secret"],
                    "username": "mayor",
                    "password": PASSWORD,
                    "scope": "read",
                },
            )
        )
        .json()
        .get("access_token")
    )
    if token is None:  # the password grant is off: a token made for the app
        token = await _token_for_app(instance, "mayor", app["client_id"])
    assert (
        await http.get("/api/v1/accounts/verify_credentials", token=token)
    ).status == 200
    await browser.sign_in("mayor")
    # When the owner revokes the app on the apps page
    page = await browser.get("/settings/apps")
    assert "Desk" in page.text
    assert "Not yet" not in page.text  # it was used: verify_credentials
    action = re.search(r'action="(/settings/apps/\d+/revoke)"', page.text)
    assert action is not None
    done = await browser.post(action.group(1))
    # Then the token is refused, and the app is gone from the page
    assert done.status == 303
    reply = await http.get("/api/v1/accounts/verify_credentials", token=token)
    assert reply.status == 401
    assert "Desk" not in (await browser.get("/settings/apps")).text


async def _token_for_app(instance, name: str, client_id: str) -> str:
    from fedcity.services.accounts.accounts import mint_token
    from fedcity.services.accounts.oauth import get_app
    from fedcity.storage.queries.actors import get_local_actor

    async with instance.db.session() as session:
        app = await get_app(session, client_id)
        actor = await get_local_actor(session, name)
        assert app is not None
        assert actor is not None
        _, token = await mint_token(session, actor.id, app.id, "read")
        return token


async def test_signing_out_another_browser(instance, browser, new_browser):
    # Given an account signed in on two browsers
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    other = new_browser()
    await other.sign_in("mayor")
    # When the first signs out every other browser from the sessions page
    page = await browser.get("/settings/sessions")
    assert "this browser" in page.text
    done = await browser.post("/settings/sessions/others/revoke")
    # Then the other is signed out, the first is not
    assert done.status == 303
    assert (await other.get("/settings/sessions")).status == 303
    assert (await browser.get("/settings/sessions")).status == 200


async def test_two_factor_is_turned_off_with_the_password(
    instance, browser, new_browser
):
    # Given an account with two-factor sign-in on
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    await turn_on_two_factor(browser)
    # When a wrong password is given to turn it off, then the right one
    wrong = await browser.post("/settings/two_factor/disable", {"password": "nope"})
    right = await browser.post("/settings/two_factor/disable", {"password": PASSWORD})
    # Then only the right one turns it off: the password alone signs in again
    assert wrong.status == 422
    assert right.status == 303
    other = new_browser()
    page = await other.sign_in("mayor")
    assert page.location == "/"
    assert other.cookie(SESSION_COOKIE)


async def test_two_factor_needs_a_current_code_to_turn_on(instance, browser):
    # Given a signed-in account on the two-factor page
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    page = await browser.get("/settings/two_factor")
    assert 'src="data:image/svg+xml;base64,' in page.text
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page.text)
    assert secret is not None
    # When it confirms with a code of another secret
    wrong = pyotp.TOTP(pyotp.random_base32()).now()
    done = await browser.post(
        "/settings/two_factor/enable", {"secret": secret.group(1), "code": wrong}
    )
    # Then it stays off, the same secret offered again
    assert done.status == 422
    assert secret.group(1) in done.text
    assert (
        "Two-factor sign-in is off" in (await browser.get("/settings/two_factor")).text
    )


async def test_new_recovery_codes_replace_the_old(instance, browser, new_browser):
    # Given an account with two-factor sign-in on, and its first codes
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    _, old = await turn_on_two_factor(browser)
    # When it makes new codes
    page = await browser.post("/settings/two_factor/recovery_codes")
    new = re.findall(r"<li><code>([0-9-]+)</code></li>", page.text)
    # Then the new ones work and the old ones do not
    assert page.status == 200
    assert len(new) == 10
    first = new_browser()
    await first.sign_in("mayor")
    assert (await first.post("/auth/two_factor", {"code": old[0]})).status == 422
    assert (await first.post("/auth/two_factor", {"code": new[0]})).status == 303
