"""Every page type (page_types.py), signed out and signed in, in a real Chromium:
no axe-core violation at WCAG 2.1 A and AA, reflowed at 320 px (screenshot in
.test-reports/screenshots/), nothing in the console (a CSP violation would be
there), and a skip link that is the first Tab stop and moves focus to <main>."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Site
from tests.browser.page_types import SIGNED_IN, SIGNED_OUT, PageType, cases
from tests.support.browser_pages import ConsoleLog, focused, run_axe, screenshot_320

pytestmark = pytest.mark.xdist_group("browser")


def visit(page: Page, site: Site, page_type: PageType) -> None:
    response = page.goto(page_type.url(site))
    assert response is not None
    assert response.status == page_type.status, f"{page.url}: {response.status}"


@pytest.mark.parametrize("page_type", cases(SIGNED_OUT, "axe"))
def test_signed_out_page_has_no_axe_violations(page, site, axe, page_type):
    # Given a visitor who is not signed in, on a page of this type
    visit(page, site, page_type)
    # Then axe-core finds nothing at WCAG 2.1 A and AA
    run_axe(page, axe)


@pytest.mark.parametrize("page_type", cases(SIGNED_IN, "axe"))
def test_signed_in_page_has_no_axe_violations(signed_in_page, site, axe, page_type):
    # Given a signed-in resident on a page of this type
    visit(signed_in_page, site, page_type)
    # Then axe-core finds nothing at WCAG 2.1 A and AA
    run_axe(signed_in_page, axe)


@pytest.mark.parametrize("page_type", cases(SIGNED_OUT, "320"))
def test_signed_out_page_reflows_at_320_px(page, site, page_type):
    # Given a phone 320 CSS pixels wide (or 1280 px at 400 % zoom)
    page.set_viewport_size({"width": 320, "height": 800})
    # When a visitor opens the page
    visit(page, site, page_type)
    # Then nothing scrolls sideways, and the screenshot is kept as an artefact
    screenshot_320(page, f"signed-out-{page_type.name}")


@pytest.mark.parametrize("page_type", cases(SIGNED_IN, "320"))
def test_signed_in_page_reflows_at_320_px(signed_in_page, site, page_type):
    # Given a signed-in resident on a phone 320 CSS pixels wide
    signed_in_page.set_viewport_size({"width": 320, "height": 800})
    # When they open the page
    visit(signed_in_page, site, page_type)
    # Then nothing scrolls sideways, and the screenshot is kept as an artefact
    screenshot_320(signed_in_page, f"signed-in-{page_type.name}")


@pytest.mark.parametrize("page_type", cases(SIGNED_OUT, "console"))
def test_signed_out_page_logs_no_console_error(
    page, console: ConsoleLog, site, page_type
):
    # When a visitor opens the page and its script has run
    visit(page, site, page_type)
    page.wait_for_load_state("load")
    # Then the console shows no error (no CSP violation, no failed asset, no exception)
    console.assert_clean(page_type.status)


@pytest.mark.parametrize("page_type", cases(SIGNED_IN, "console"))
def test_signed_in_page_logs_no_console_error(
    signed_in_page, console: ConsoleLog, site, page_type
):
    # When a signed-in resident opens the page and its script has run
    visit(signed_in_page, site, page_type)
    signed_in_page.wait_for_load_state("load")
    # Then the console shows no error
    console.assert_clean(page_type.status)


@pytest.mark.parametrize("page_type", cases(SIGNED_OUT, "skip-link"))
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, site, page_type):
    # Given a keyboard user who has just opened the page
    visit(page, site, page_type)
    # When they press Tab once
    page.keyboard.press("Tab")
    # Then the skip link has focus, and is visible
    first = focused(page)
    assert (first["tag"], first["href"]) == ("a", "#main"), first
    assert page.locator("a.skip-link").is_visible()
    # And Enter moves focus to the main content
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
