"""Posting from /compose in the browser: text and an image with its alt text,
shown on the post's page and on the profile; and the same with the keyboard
alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.support.browser_pages import check_page, focused, sign_in, tab_to
from tests.support.images import png
from tests.support.processes import PASSWORD

pytestmark = pytest.mark.xdist_group("browser")

ALT = "The fountain in Libbey Park, dry for repairs"


def post_path(page: Page, username: str) -> str:
    found = re.search(rf"/@{username}/(\d+)$", page.url)
    assert found, f"not on a post's page: {page.url}"
    return found.group(0)


def test_post_with_an_image_and_its_alt_text(page, site, axe, console):
    # Given a resident signed in through the form, on the compose page
    resident = site.account("composer")
    sign_in(page, site.base, resident.username, PASSWORD)
    page.goto(f"{site.base}/compose")
    # When they write, attach an image, describe it, and press Post
    page.get_by_label("What do you want to say?").fill("The fountain is off until May")
    page.set_input_files(
        "input[name=file_1]",
        files=[
            {"name": "fountain.png", "mimeType": "image/png", "buffer": png(96, 64)}
        ],
    )
    page.get_by_label("Description (alt text) of file 1").fill(ALT)
    with page.expect_navigation():
        page.get_by_role("button", name="Post", exact=True).click()
    # Then the post's page shows the text and the image with that description
    path = post_path(page, resident.username)
    assert page.get_by_text("The fountain is off until May").is_visible()
    image = page.locator(f'.post img[alt="{ALT}"]')
    assert image.count() == 1
    # The image is lazy, so the page's load event does not wait for it: wait
    # until the browser has fetched and decoded it (a broken image never does).
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=image.element_handle(),
        timeout=10_000,
    )
    check_page(page, axe, console, "signed-in-own-post")
    # And so does their profile page, linking to the post
    page.goto(f"{site.base}/@{resident.username}")
    assert page.locator(f'.post img[alt="{ALT}"]').count() == 1
    assert page.locator(f'a.permalink[href$="{path}"]').count() == 1


def test_post_with_the_keyboard_alone(signed_in_page, site, resident):
    page = signed_in_page
    # Given a signed-in resident on the compose page
    page.goto(f"{site.base}/compose")
    # When they Tab to the text area and type
    tab_to(page, "status")
    page.keyboard.type("Leaf pickup starts Monday")
    # And Tab on until the Post button has focus
    for _ in range(60):
        page.keyboard.press("Tab")
        now = focused(page)
        if (now["tag"], now["text"]) == ("button", "Post"):
            break
    else:
        raise AssertionError("Tab never reached the Post button")
    # And press Enter
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Then the post is published, and its page shows it
    post_path(page, resident.username)
    assert page.get_by_text("Leaf pickup starts Monday").is_visible()
