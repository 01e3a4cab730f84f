"""Every page type (page_types.py), signed out and signed in, in a real Chromium:
no axe-core violation at WCAG 2.1 A and AA in light and dark colours and nothing
in the console (a CSP violation would be there); reflowed at 320 px (screenshot
in .test-reports/screenshots/); a skip link that is the first Tab stop and moves
focus to <main>, and a visible focus mark on every Tab stop.

The pages are opened in one tab per state, kept for the whole run (`tabs`): these
tests only read, and a new browser context per test would cost more than the
checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Site
from tests.browser.page_types import PageType, cases
from tests.browser.sample import Sample
from tests.support.browser_pages import (
    Tab,
    focused,
    run_axe,
    screenshot_320,
    tab_stops_without_visible_focus,
)

pytestmark = pytest.mark.xdist_group("browser")


def visit(tab: Tab, site: Site, sample: Sample, page_type: PageType) -> Page:
    page = tab.fresh()
    response = page.goto(page_type.url(site, sample))
    assert response is not None
    assert response.status == page_type.status, f"{page.url}: {response.status}"
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize(("who", "page_type"), cases("accessible"))
def test_page_has_no_axe_violation_nor_console_error(tabs, site, sample, axe, who, page_type):
    # Given a visitor (signed out or in) on a page of this type, its script run
    page = visit(tabs[who], site, sample, page_type)
    # Then the console shows no error (no CSP violation, no failed asset, no exception)
    tabs[who].console.assert_clean(page.url, page_type.status)
    # And axe-core finds nothing at WCAG 2.1 A and AA
    run_axe(page, axe)
    # And nothing either in dark colours (the dark palette's contrast)
    page.emulate_media(color_scheme="dark")
    run_axe(page, axe)


@pytest.mark.parametrize(("who", "page_type"), cases("320"))
def test_page_reflows_at_320_px(tabs, site, sample, who, page_type):
    # Given a phone 320 CSS pixels wide (or 1280 px at 400 % zoom)
    tabs[who].fresh().set_viewport_size({"width": 320, "height": 800})
    # When the visitor opens the page
    page = tabs[who].page
    response = page.goto(page_type.url(site, sample))
    assert response is not None
    assert response.status == page_type.status
    # Then nothing scrolls sideways, and the screenshot is kept as an artefact
    screenshot_320(page, f"{who}-{page_type.name}")


@pytest.mark.parametrize(("who", "page_type"), cases("keyboard"))
def test_page_works_from_the_keyboard(tabs, site, sample, who, page_type):
    # Given a keyboard user who has just opened the page
    page = visit(tabs[who], site, sample, page_type)
    if page_type.skip_link:
        assert_skip_link_works(page)
    # And Tabbing through the whole page, every stop shows where focus is
    assert tab_stops_without_visible_focus(page) == []


def assert_skip_link_works(page: Page) -> None:
    # When they press Tab once
    page.keyboard.press("Tab")
    # Then the skip link has focus, and shows
    first = focused(page)
    assert (first["tag"], first["href"]) == ("a", "#main"), first
    assert page.locator("a.skip-link").is_visible()
    # And Enter moves focus to the main content
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
