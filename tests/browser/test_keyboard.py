"""Keyboard only: the consent page (the sign-in of apps) is completed with Tab,
typing and Enter, and the code it gives an app works; a mistake leaves focus on
the error summary, which names it."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page

from tests.browser.conftest import Site
from tests.browser.page_types import register_app
from tests.support.browser import OOB
from tests.support.browser_pages import focused, run_axe, tab_to
from tests.support.processes import PASSWORD

pytestmark = pytest.mark.xdist_group("browser")


def open_consent(page: Page, site: Site) -> dict[str, str]:
    app = register_app(site, "Keyboard Desk")
    page.goto(
        f"{site.base}/oauth/authorize?response_type=code&scope=read"
        f"&client_id={app['client_id']}&redirect_uri={OOB}"
    )
    return app


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def username_of_code(site: Site, app: dict[str, str], code: str) -> str:
    """Exchange the code as the app would, and ask who the token belongs to."""
    token = requests.post(
        f"{site.base}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": OOB,
        },
        timeout=30,
    )
    assert token.status_code == 200, token.text
    me = requests.get(
        f"{site.base}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        timeout=30,
    )
    assert me.status_code == 200, me.text
    return str(me.json()["username"])


def test_consent_page_is_completed_with_the_keyboard_alone(page, site, console):
    # Given a resident with an account, and an app asking for access
    resident = site.account("keys")
    app = open_consent(page, site)
    # When they Tab to the username field and type it
    tab_to(page, "username")
    page.keyboard.type(resident.username)
    # And the next Tab stop is the password field
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    # And the next one is the Authorize button, which Enter presses
    page.keyboard.press("Tab")
    button = focused(page)
    assert (button["tag"], button["text"]) == ("button", "Authorize"), button
    press_enter_and_wait(page)
    # Then the page shows the code, and the app gets a token for the resident with it
    code = page.input_value("#oauth-code")
    assert code
    assert username_of_code(site, app, code) == resident.username
    # And the code page logged no error (CSP included)
    console.assert_clean(page.url)


def test_signed_in_resident_authorizes_with_tab_and_enter(
    signed_in_page, site, resident
):
    # Given a signed-in resident on the consent page of an app
    app = open_consent(signed_in_page, site)
    # When they Tab to Authorize and press Enter
    tab_to(signed_in_page, "decision")
    assert focused(signed_in_page)["text"] == "Authorize"
    press_enter_and_wait(signed_in_page)
    # Then the code gives the app a token for their account
    code = signed_in_page.input_value("#oauth-code")
    assert username_of_code(site, app, code) == resident.username


def test_wrong_password_leaves_focus_on_the_error_summary(page, site, axe, console):
    # Given a resident who mistypes their password on the consent page
    resident = site.account("typo")
    open_consent(page, site)
    tab_to(page, "username")
    page.keyboard.type(resident.username)
    page.keyboard.press("Tab")
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    # When the page comes back
    page.wait_for_selector("#error-summary")
    page.wait_for_load_state("load")
    # Then focus is on the error summary, so it is read out first
    assert focused(page)["id"] == "error-summary"
    # And the field keeps the username, marked invalid, and axe finds nothing
    assert page.input_value("input[name=username]") == resident.username
    assert page.get_attribute("input[name=username]", "aria-invalid") == "true"
    run_axe(page, axe)
    console.assert_clean(page.url, 401)
