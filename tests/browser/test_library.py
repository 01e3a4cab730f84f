"""Writing a case study in the browser (issue 14): "Add another" adds a row
without any script, a refused form comes back with its error summary (which
passes the page-type checks and whose links lead to the fields), and Enter in a
field publishes rather than adding a row."""

from __future__ import annotations

import pytest

from tests.support.browser_pages import check_page, focused

pytestmark = pytest.mark.xdist_group("browser")


def test_compose_a_case_study_with_mistakes_then_publish(
    signed_in_page, site, axe, console
):
    page = signed_in_page
    # Given an admin on the compose form, with scripts off as far as it goes
    page.goto(f"{site.base}/library/case-studies/new")
    page.get_by_label("Place").fill("Ojai")
    page.get_by_label("State").fill("California")
    page.get_by_label("Infrastructure").check()
    page.get_by_label("Measure").fill("pothole repair time")
    # When they press "Add another result"
    with page.expect_navigation():
        page.get_by_role("button", name="Add another result").click()
    # Then a second row is there, its first field focused, the values kept
    assert focused(page)["id"] == "field-results[1].measure"
    assert page.locator("#field-jurisdiction\\.state").input_value() == "California"
    # When they publish without a title and with the state in words
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    # Then the form comes back with the problems, summed up at the top
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert "Title: is required" in summary.inner_text()
    check_page(page, axe, console, "signed-in-library-form-errors", status=422)
    console.errors.clear()  # that page's own 422, checked above
    # And a link of the summary leads to its field
    summary.get_by_role("link", name="State: must be a two-letter state code").click()
    assert page.evaluate("location.hash") == "#field-jurisdiction.state"
    # When they correct both and press Enter in the title
    page.locator("#field-jurisdiction\\.state").fill("CA")
    page.get_by_label("Title").fill("Pothole blitz from the browser")
    with page.expect_navigation():
        page.get_by_label("Title").press("Enter")
    # Then the case study is published, the empty second row dropped
    assert "/library/case-studies/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Pothole blitz from the browser"
    )
    assert page.get_by_text("Published.").is_visible()
