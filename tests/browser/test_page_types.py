"""Every page type (page_types.py), signed out and signed in, in a real Chromium:
no axe-core violation at WCAG 2.1 A and AA in light and dark colours and nothing
in the console (a CSP violation would be there); reflowed at 320 px (screenshot
in .test-reports/screenshots/); a skip link that is the first Tab stop and moves
focus to <main>, and a visible focus mark on every Tab stop.

The pages are opened in one tab per state, kept for the whole run (`tabs`): these
tests only read, and a new browser context per test would cost more than the
checks. Each page is loaded once for all its checks (page_types.CHECKS)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Site
from tests.browser.page_types import CHECKS, PageType, cases
from tests.browser.sample import Sample
from tests.support.browser_pages import (
    COLOUR_RULES,
    DESKTOP,
    Tab,
    focused,
    run_axe,
    screenshot_320,
    tab_stops_without_visible_focus,
)

pytestmark = pytest.mark.xdist_group("browser-pages")


def visit(tab: Tab, site: Site, sample: Sample, page_type: PageType) -> Page:
    page = tab.fresh()
    response = page.goto(page_type.url(site, sample))
    assert response is not None
    assert response.status == page_type.status, f"{page.url}: {response.status}"
    page.wait_for_load_state("load")
    return page


def run_checks(page_type: PageType, checks: dict[str, Callable[[], None]]) -> None:
    """Each check in turn; one the page type has pending must still fail."""
    assert tuple(checks) == CHECKS
    for name, check in checks.items():
        if name not in page_type.pending:
            check()
            continue
        try:
            check()
        except AssertionError:
            continue
        pytest.fail(f"{page_type.name} passes {name!r} now: remove it from pending")


@pytest.mark.parametrize(("who", "page_type"), cases())
def test_page_type(tabs, site, sample, axe, who, page_type):
    # Given a visitor (signed out or in) on a page of this type, its script run
    page = visit(tabs[who], site, sample, page_type)

    def accessible() -> None:
        # Then the console shows no error (no CSP violation, no failed asset)
        tabs[who].console.assert_clean(page.url, page_type.status)
        # And axe-core finds nothing at WCAG 2.1 A and AA
        run_axe(page, axe)
        # And nothing either in dark colours (the rules that depend on colours)
        page.emulate_media(color_scheme="dark")
        run_axe(page, axe, COLOUR_RULES)
        page.emulate_media(color_scheme="light")

    def reflows() -> None:
        # And on a phone 320 CSS pixels wide (or 1280 px at 400 % zoom), nothing
        # scrolls sideways; the screenshot is kept as an artefact
        screenshot_320(page, f"{who}-{page_type.name}")
        page.set_viewport_size(DESKTOP)

    def keyboard() -> None:
        # And from the keyboard, the skip link comes first and leads to <main>
        if page_type.skip_link:
            assert_skip_link_works(page)
        # And Tabbing through the whole page, every stop shows where focus is
        assert tab_stops_without_visible_focus(page) == []

    run_checks(
        page_type, {"accessible": accessible, "320": reflows, "keyboard": keyboard}
    )


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
