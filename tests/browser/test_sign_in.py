"""Signing in through the real form at /auth/sign_in, with the mouse and with the
keyboard alone."""

from __future__ import annotations

import pytest

from tests.support.browser_pages import focused, sign_in, tab_to
from tests.support.processes import PASSWORD

pytestmark = [
    pytest.mark.xdist_group("browser"),
]


def test_sign_in_form_signs_the_resident_in(page, site):
    # Given a resident with an account
    resident = site.account("signin")
    # When they sign in with their username and password
    sign_in(page, site.base, resident.username, PASSWORD)
    # Then the pages offer them to sign out
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_sign_in_with_the_keyboard_alone(page, site):
    # Given a resident on the sign-in page
    resident = site.account("keyin")
    response = page.goto(f"{site.base}/auth/sign_in")
    assert response is not None, "no answer from /auth/sign_in"
    assert response.ok, "no sign-in page at /auth/sign_in"
    # When they Tab to the username, type it, Tab to the password, type it
    tab_to(page, "login")
    page.keyboard.type(resident.username)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    # And press Enter
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Then they are signed in
    assert "/auth/sign_in" not in page.url
    assert page.get_by_role("button", name="Sign out").is_visible()
