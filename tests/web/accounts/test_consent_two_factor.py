"""The OAuth consent page and two-factor sign-in: the password typed there is
not enough for an account that asks for a code."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pyotp

from fedcity.web.sessions import SESSION_COOKIE
from tests.support.browser import form_fields
from tests.support.oauth_flow import IVORY, consent, register_app
from tests.web.accounts.browser import turn_on_two_factor


async def test_consent_with_a_two_factor_account_asks_for_the_code(
    instance, browser, new_browser
):
    # Given an account with two-factor sign-in on, and an app asking for access
    await instance.create_account("mayor")
    await browser.sign_in("mayor")
    secret, _ = await turn_on_two_factor(browser)
    person = new_browser()
    app = await register_app(person.session, instance.base_url, IVORY)
    # When its owner approves on the consent page with the password alone
    status, location, _ = await consent(person.session, instance.base_url, app)
    # Then no code goes to the app: the browser is sent to give the code
    assert status == 303
    assert not location.startswith(IVORY)
    target = urlsplit(location)
    assert target.path == "/auth/two_factor"
    back = parse_qs(target.query)["next"][0]
    assert back.startswith("/oauth/authorize?")
    assert person.cookie(SESSION_COOKIE) is None
    # And with the code, they come back to the consent page signed in
    await person.get(location)
    signed = await person.post(
        "/auth/two_factor", {"code": pyotp.TOTP(secret).now(), "next": back}
    )
    assert signed.status == 303
    assert signed.location == back
    page = await person.get(back)
    assert "Signed in as" in page.text
    fields = form_fields(page.text)
    fields["decision"] = "approve"
    async with person.session.post(
        f"{instance.base_url}/oauth/authorize", data=fields, allow_redirects=False
    ) as answer:
        assert answer.status == 302
        granted = answer.headers["Location"]
    assert granted.startswith(IVORY + "?")
    assert "code" in parse_qs(urlsplit(granted).query)


async def test_consent_without_two_factor_still_grants_on_the_password(
    instance, new_browser
):
    # Given an account without two-factor sign-in
    await instance.create_account("mayor")
    person = new_browser()
    app = await register_app(person.session, instance.base_url, IVORY)
    # When its owner approves with the password
    status, location, _ = await consent(person.session, instance.base_url, app)
    # Then the app gets its code at once
    assert status == 302
    assert location.startswith(IVORY + "?")
