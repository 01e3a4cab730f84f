"""Switching the language in the footer: the page comes back in Spanish (its
`lang`, its `Content-Language`, and its texts as far as the catalogue has
them), and for a signed-in resident the choice follows them to other browsers;
the longest pages, in Spanish, still reflow at 320 px and pass axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Response

from fedcity import i18n
from tests.browser.page_types import SIGNED_IN
from tests.support.browser_pages import NARROW, run_axe, sign_in_with_cookie

pytestmark = pytest.mark.xdist_group("browser")

SKIP_LINK = "Skip to main content"


def choose_spanish(page: Page) -> Response:
    page.select_option("#language-choice", label="Español")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Change language").click()
    response = navigation.value
    assert response is not None
    return response


def test_choosing_spanish_in_the_footer_answers_in_spanish(page, site, console):
    # Given a visitor on a page in English
    page.goto(f"{site.base}/no/such/page")
    assert page.get_attribute("html", "lang") == "en"
    # When they choose Español in the footer and submit
    response = choose_spanish(page)
    # Then they are back on the same page, now in Spanish
    assert page.url == f"{site.base}/no/such/page"
    assert page.get_attribute("html", "lang") == "es"
    assert response.headers["content-language"] == "es"
    assert page.inner_text("a.skip-link") == i18n.translate("es", SKIP_LINK)
    # And the switcher shows the language chosen, and nothing went wrong on the way
    assert page.input_value("#language-choice") == "es"
    console.assert_clean(page.url, 404)


def test_signed_in_choice_follows_the_resident_to_another_browser(
    browser, context, page, site
):
    # Given a signed-in resident who chooses Español
    resident = site.account("hablante")
    sign_in_with_cookie(context, site.threaded, site.live, resident)
    page.goto(f"{site.base}/no/such/page")
    choose_spanish(page)
    # When they sign in from another browser (no language cookie there)
    other = browser.new_context(locale="en-US")
    try:
        sign_in_with_cookie(other, site.threaded, site.live, resident)
        elsewhere = other.new_page()
        elsewhere.goto(f"{site.base}/no/such/page")
        # Then pages there are in Spanish too
        assert elsewhere.get_attribute("html", "lang") == "es"
    finally:
        other.close()


# The pages with the most text and the widest forms: Spanish runs longer.
LONGEST = (
    "home-timeline",
    "compose",
    "settings-profile",
    "settings-two-factor",
    "admin",
)


def test_longest_pages_reflow_and_pass_axe_in_spanish(
    browser, site, sample, resident, axe
):
    # Given a signed-in resident whose browser asks for Spanish, on a phone
    spanish = browser.new_context(locale="es-ES", viewport=NARROW)
    try:
        sign_in_with_cookie(spanish, site.threaded, site.live, resident)
        page = spanish.new_page()
        for page_type in (p for p in SIGNED_IN if p.name in LONGEST):
            # When they open the page
            page.goto(page_type.url(site, sample))
            # Then it is in Spanish, nothing scrolls sideways, and axe finds nothing
            assert page.get_attribute("html", "lang") == "es", page.url
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= NARROW["width"], f"{page.url}: {width} px wide"
            run_axe(page, axe)
    finally:
        spanish.close()
