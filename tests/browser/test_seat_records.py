"""The HTML export of a seat holder's posts (issue 11) is a standalone document:
served to an admin's token by the admin API, it passes axe-core (WCAG 2.1 A and
AA) like every page, with no site around it."""

from __future__ import annotations

import pytest
import requests

from tests.support.browser_pages import run_axe

pytestmark = pytest.mark.xdist_group("browser")


def test_the_html_export_is_an_accessible_document(context, page, site, sample, axe):
    # Given an admin's token and the seat's former holder (from the sample)
    admin = site.account("recorder", role="admin")
    token = site.threaded.run(site.live.token(admin.username, "read admin:read"))
    headers = {"Authorization": f"Bearer {token}"}
    seat = sample.seat_post_path.split("/")[1].lstrip("@")
    found = requests.get(
        f"{site.base}/api/v1/accounts/lookup", params={"acct": seat}, timeout=30
    ).json()
    base = f"{site.base}/api/v1/fedcity/admin/seats/{found['id']}"
    [former, _current] = requests.get(
        f"{base}/holders", headers=headers, timeout=30
    ).json()
    # When the admin's browser opens the HTML export of that period
    context.set_extra_http_headers(headers)
    response = page.goto(f"{base}/holders/{former['id']}/export?format=html")
    # Then it is the holder's document, with the post, and axe finds nothing
    assert response is not None
    assert response.status == 200
    assert page.get_attribute("html", "lang") == "en"
    assert "Ana Ruiz" in page.inner_text("h1")
    assert "The harbour plan is out for comment" in page.inner_text("main")
    run_axe(page, axe)
