"""Two-factor sign-in in the browser: turned on at /settings/two_factor with a
code from the authenticator app (pyotp stands in for it), then signing in
through the real form asks for the current code after the password."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page

from tests.support.browser_pages import check_page, focused, sign_in
from tests.support.processes import PASSWORD

pytestmark = pytest.mark.xdist_group("browser")


def turn_on_two_factor(page: Page, base: str) -> str:
    """On the settings page, as the resident would with their phone; the secret."""
    page.goto(f"{base}/settings/two_factor")
    secret = page.input_value("input[name=secret]")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on").click()
    return secret


def test_sign_in_with_two_factor(page, site, axe, console):
    # Given a resident who turned two-factor sign-in on, and was shown their codes
    resident = site.account("twofa")
    sign_in(page, site.base, resident.username, PASSWORD)
    secret = turn_on_two_factor(page, site.base)
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    check_page(page, axe, console, "signed-in-recovery-codes")
    # And who signed out
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    # When they sign in with their username and password
    sign_in(page, site.base, resident.username, PASSWORD)
    # Then the second step asks for the code, and passes every page check
    assert re.search(r"/auth/two_factor", page.url), page.url
    assert not page.get_by_role("button", name="Sign out").is_visible()
    check_page(page, axe, console, "signed-out-two-factor")
    # When they type the code their app shows now, from the keyboard, and press Enter
    page.focus("input[name=code]")
    assert focused(page)["name"] == "code"
    page.keyboard.type(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Then they are signed in
    assert "/auth/" not in page.url
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_wrong_code_is_refused_and_announced(page, site, axe, console):
    # Given a resident with two-factor sign-in, past the password step
    resident = site.account("twofb")
    sign_in(page, site.base, resident.username, PASSWORD)
    turn_on_two_factor(page, site.base)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    sign_in(page, site.base, resident.username, PASSWORD)
    # When they give a wrong code
    page.fill("input[name=code]", "000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    # Then the page says so in its error summary, focused, and they are not in
    page.wait_for_selector("#error-summary")
    assert focused(page)["id"] == "error-summary"
    assert page.get_attribute("input[name=code]", "aria-invalid") == "true"
    assert not page.get_by_role("button", name="Sign out").is_visible()
    check_page(page, axe, console, "signed-out-two-factor-error", status=422)
