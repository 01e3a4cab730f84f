"""Remote HTML is sanitised on every page that shows it: the sample's remote post
(tests/browser/sample.py, HOSTILE) carries a <script>, an onerror= handler, a
javascript: link, an <iframe>, an SVG script and a <style>; each page showing it,
signed out and signed in, is checked in the browser: nothing ran, and none of it
is left in the post's content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import Site
from tests.browser.sample import TAG, Sample

pytestmark = pytest.mark.xdist_group("browser")

Path = Callable[[Sample], str]

PAGES: dict[str, Path] = {
    "thread": lambda sample: sample.remote_post_path,
    "profile": lambda sample: f"/@{sample.remote_handle}",
    "tag": lambda sample: f"/tags/{TAG}",
}
SIGNED_IN_PAGES: dict[str, Path] = {
    "search": lambda sample: "/search?q=" + quote("Parks report"),
    "home": lambda sample: "/home",
    "notifications": lambda sample: "/notifications",
}
CASES = [
    *((who, name) for who in ("signed-out", "signed-in") for name in PAGES),
    *(("signed-in", name) for name in SIGNED_IN_PAGES),
]

LEFT_OVER = """() => {
    const found = [];
    for (const content of document.querySelectorAll('.post .content')) {
        for (const e of content.querySelectorAll('*')) {
            const tag = e.tagName.toLowerCase();
            if (['script', 'iframe', 'style', 'svg', 'object', 'embed'].includes(tag))
                found.push('<' + tag + '>');
            for (const a of e.attributes) {
                if (a.name.startsWith('on')) found.push(tag + ' ' + a.name);
                if (/^\\s*javascript:/i.test(a.value)) found.push(tag + ' ' + a.name + '=' + a.value);
            }
        }
    }
    return found;
}"""


@pytest.mark.parametrize(("who", "name"), CASES, ids=[f"{w}-{n}" for w, n in CASES])
def test_remote_post_shows_sanitised(tabs, site: Site, sample: Sample, who, name):
    path = {**PAGES, **SIGNED_IN_PAGES}[name](sample)
    # Given the page showing the remote post with hostile HTML
    page = tabs[who].fresh()
    response = page.goto(site.base + path)
    assert response is not None
    assert response.status == 200, f"{path}: {response.status}"
    page.wait_for_load_state("load")
    # Then the post is there, its text kept
    post = page.locator(".post .content", has_text="Parks report")
    assert post.count() >= 1, f"{path} does not show the remote post"
    assert "of the trails ends here." in post.first.inner_text()
    # And nothing of its scripts ran
    ran: dict[str, Any] = page.evaluate(
        "() => ({pwned: window.__pwned === undefined ? null : window.__pwned,"
        " title: document.title})"
    )
    assert ran["pwned"] is None, f"{path}: the remote HTML ran ({ran['pwned']})"
    assert ran["title"] != "pwned"
    # And no script, frame, style or handler is left in any post's content
    assert page.evaluate(LEFT_OVER) == [], path
    # And the link whose javascript: address was removed no longer looks like one
    dead = post.first.locator("a:not([href])", has_text="map")
    assert dead.count() == 1
    assert dead.evaluate("a => getComputedStyle(a).textDecorationLine") == "none"
    # And the browser did not even have to refuse one (CSP reports go to the console)
    tabs[who].console.assert_clean(page.url)
