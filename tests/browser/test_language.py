"""Switching the language in the footer: the page comes back in Spanish (its
`lang`, its `Content-Language`, and its texts as far as the catalogue has
them), and for a signed-in resident the choice follows them to other browsers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Response

from fedcity import i18n
from tests.support.browser_pages import sign_in_with_cookie

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
