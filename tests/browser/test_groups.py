"""Joining groups in the browser (issue 13): a signed-in resident is refused by
an officials-only group, with the reason, then joins an open group and leaves it;
a council member on a second instance joins from the group's page through their
own server (FEP-3b86). The pages on the way pass the page-type checks."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest
import requests

from tests.browser.conftest import Site
from tests.support.browser_pages import check_page, continue_on_home_server
from tests.support.group_threads import make_group
from tests.support.instances import run_both
from tests.support.processes import PASSWORD

pytestmark = pytest.mark.xdist_group("browser")


def new_group(site: Site, display_name: str, **settings: str) -> str:
    name = f"group_{uuid.uuid4().hex[:6]}"
    site.threaded.run(
        make_group(site.live, name, display_name=display_name, **settings)
    )
    return name


def members_count(site: Site, name: str) -> int:
    found = requests.get(
        f"{site.base}/api/v1/accounts/lookup", params={"acct": name}, timeout=30
    ).json()
    return int(found["followers_count"])


def test_refused_by_one_group_then_join_and_leave_another(
    signed_in_page, site, axe, console
):
    page = signed_in_page
    mayors = new_group(site, "Mayors of the Valley", policy="officials")
    parks = new_group(site, "Parks Working Group")
    # Given the resident, who holds no office, on an officials-only group's page
    page.goto(f"{site.base}/@{mayors}")
    # When they press Join
    with page.expect_navigation():
        page.get_by_role("button", name="Join Mayors of the Valley").click()
    # Then the group's page says why they may not, and passes the checks
    assert page.get_by_text(
        "Only accounts holding a verified office may join this group"
    ).is_visible()
    check_page(page, axe, console, "signed-in-group-refused", status=403)
    console.errors.clear()  # that page's own 403, checked above
    # When they join an open group instead
    page.goto(f"{site.base}/@{parks}")
    with page.expect_navigation():
        page.get_by_role("button", name="Join Parks Working Group").click()
    # Then they are a member
    assert page.get_by_text("You joined the group.").is_visible()
    assert members_count(site, parks) == 1
    check_page(page, axe, console, "signed-in-group-joined")
    # When they leave it
    with page.expect_navigation():
        page.get_by_role("button", name="Leave Parks Working Group").click()
    # Then they are no longer a member
    assert page.get_by_text("You are no longer a member of the group.").is_visible()
    assert members_count(site, parks) == 0


def test_join_a_group_from_a_second_instance(page, site, ventura, axe, console):
    # Given a group on Ojai, and a council member with an account on Ventura
    name = new_group(site, "Wildfire Preparedness")
    council = site.threaded.run(ventura.create_account("council"))
    # When the council member, signed out, opens the group's page on Ojai and
    # presses "Join from your server"
    page.goto(f"{site.base}/@{name}")
    with page.expect_navigation():
        page.get_by_role("button", name="Join from your server").click()
    assert urlsplit(page.url).path == "/interact"
    assert page.get_by_role("heading", name="Join Wildfire Preparedness").is_visible()
    # And gives their handle on Ventura, signs in there and confirms
    continue_on_home_server(page, ventura, council.username, PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Follow", exact=True).click()
    # Then once both servers have delivered, the group has them as a member
    site.threaded.run(run_both(site.live, ventura))
    assert members_count(site, name) == 1
