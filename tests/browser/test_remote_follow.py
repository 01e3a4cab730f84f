"""Following from another instance in the browser (FEP-3b86): a visitor on Ojai's
profile page of an account presses Follow, gives their Ventura handle, signs in
on Ventura through its own form and confirms; once both servers have delivered,
the Ojai account has the follower."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tests.browser.conftest import Site
from tests.support.browser_pages import check_page, continue_on_home_server
from tests.support.instances import run_both
from tests.support.processes import PASSWORD

pytestmark = pytest.mark.xdist_group("browser")


def follower_handles(site: Site, username: str) -> list[str]:
    """The account's followers, as the client API lists them."""
    base = site.base
    account = requests.get(
        f"{base}/api/v1/accounts/lookup", params={"acct": username}, timeout=30
    ).json()
    followers = requests.get(
        f"{base}/api/v1/accounts/{account['id']}/followers", timeout=30
    ).json()
    return [str(f["acct"]) for f in followers]


def test_follow_from_a_second_instance(page, site, ventura, axe, console):
    # Given the clerk on Ojai, and a council member with an account on Ventura
    clerk = site.account("clerk")
    council = site.threaded.run(ventura.create_account("council"))
    handle = f"{council.username}@{ventura.domain}"
    # When the council member, signed out, opens the clerk's page on Ojai and
    # presses Follow
    page.goto(f"{site.base}/@{clerk.username}")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Follow {clerk.username}").click()
    assert urlsplit(page.url).path == "/interact"
    # And gives their handle on Ventura; Ventura asks them to sign in first,
    # through its own form, and then shows the clerk to follow, on its
    # authorize_interaction page
    continue_on_home_server(page, ventura, council.username, PASSWORD)
    check_page(page, axe, console, "signed-in-authorize-follow")
    # When they press Follow
    with page.expect_navigation():
        page.get_by_role("button", name="Follow", exact=True).click()
    # Then Ventura says it is done
    assert page.get_by_text("Done: you follow this account").is_visible()
    # And once both servers have delivered, the clerk has them as a follower
    site.threaded.run(run_both(site.live, ventura))
    assert follower_handles(site, clerk.username) == [handle]
