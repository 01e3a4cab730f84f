"""Driving fedcity's pages in a real headless Chromium (Debian's `chromium`, through
Playwright's sync API): launching it, signing in, checking a page with axe-core,
at 320 px wide, and for console errors (a CSP violation shows there), and moving
through a page with the keyboard alone.

Playwright's own browsers are never downloaded: the machine's Chromium is used
(`FEDCITY_TEST_CHROMIUM`, else `chromium` on PATH, else /usr/bin/chromium).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
)

from fedcity.services.accounts.sessions import start_session
from fedcity.storage.models import Actor
from tests.support.instances import LiveInstance, ThreadedInstances
from tests.support.node_packages import JS_DIR, installed, unavailable

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".test-reports" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The WCAG 2.1 A and AA rules that depend on colours: what a dark palette may break.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]  # axe-core's cat.color
NARROW = {"width": 320, "height": 800}
DESKTOP = {"width": 1024, "height": 768}
SESSION_COOKIE = "fedcity_session"
P = ParamSpec("P")
T = TypeVar("T")


class BrowserThread:
    """The one thread that drives the browser.

    Playwright's sync API leaves its own event loop marked as the thread's running
    loop between calls. On pytest's thread, every async test that came after a
    browser test would then fail ("Runner.run() cannot be called from a running
    event loop"). So the browser, its contexts and pages, and the bodies of the
    browser tests run on this thread instead (tests/browser/conftest.py)."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="playwright")

    def run(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return self._executor.submit(call, *args, **kwargs).result()

    def close(self) -> None:
        self._executor.shutdown()


def chromium_path() -> str:
    """The machine's Chromium; skipped without it, but failed in CI."""
    candidates = (
        os.environ.get("FEDCITY_TEST_CHROMIUM"),
        shutil.which("chromium"),
        "/usr/bin/chromium",
    )
    found = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    if found is None:
        unavailable(
            "the browser tests need Chromium (apt-get install chromium, or set "
            "FEDCITY_TEST_CHROMIUM)",
            required_in_ci=True,
        )
    return found


def launch(playwright: Playwright) -> Browser:
    # Chromium's sandbox refuses to start as root (CI containers run as root).
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=args
    )


def axe_source() -> str:
    """axe-core's script, installed from tests/js/package-lock.json (with npm, if
    it is not there yet: skipped without npm, but failed in CI)."""
    script = JS_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file() and shutil.which("npm") is None:
        unavailable(
            "the browser tests need axe-core: npm on PATH to install it "
            "(or run `npm ci` in tests/js)",
            required_in_ci=True,
        )
    return (installed("axe-core") / "axe.min.js").read_text()


@dataclass
class ConsoleLog:
    """What the page reported as errors: console errors (CSP violations among them)
    and uncaught exceptions."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def _console(self, message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        # Chromium asks for /favicon.ico after a page that declares no icon (the
        # one-line pages from before the layout), late enough for the 404 to land
        # in the next test's log: not an error of any page under test.
        if message.type == "error" and urlsplit(where).path != "/favicon.ico":
            self.errors.append(f"{message.text} ({where})")

    def assert_clean(self, page_url: str, expected_status: int = 200) -> None:
        """No errors; an error page's own status line is expected, not an error."""
        own = f"the server responded with a status of {expected_status}"
        left = [
            e
            for e in self.errors
            if expected_status < 400 or own not in e or not e.endswith(f"({page_url})")
        ]
        assert not left, "the browser console reported:\n" + "\n".join(left)


@dataclass
class Tab:
    """A page kept open across tests, with its console log."""

    page: Page
    console: ConsoleLog

    def fresh(self) -> Page:
        """The page as a new test expects it: desktop size, light colours, an
        empty console log."""
        self.console.errors.clear()
        self.page.set_viewport_size(DESKTOP)
        self.page.emulate_media(color_scheme="light")
        return self.page


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    """Sign in through the real form at /auth/sign_in, as a person would."""
    response = page.goto(f"{base}/auth/sign_in")
    assert response is not None, "no answer from /auth/sign_in"
    assert response.ok, "no sign-in page at /auth/sign_in"
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form[action^='/auth/sign_in'] [type=submit]")
    assert "/auth/sign_in" not in page.url, f"signing in as {username} failed"


def continue_on_home_server(
    page: Page, home: LiveInstance, username: str, password: str
) -> None:
    """On /interact (FEP-3b86): give `username`'s handle on `home`, and sign in
    there through its own form, which comes back to `home`'s
    /authorize_interaction page, where the visitor confirms."""
    page.get_by_label("Your handle").fill(f"{username}@{home.domain}")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue on my server").click()
    assert page.url.startswith(f"{home.base_url}/auth/sign_in?next="), page.url
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form[action^='/auth/sign_in'] [type=submit]")
    assert urlsplit(page.url).path == "/authorize_interaction", page.url


def sign_in_with_cookie(
    context: BrowserContext,
    threaded: ThreadedInstances,
    live: LiveInstance,
    actor: Actor,
) -> None:
    """Start a web session in the database and hand its cookie to the browser
    (fast; `sign_in` tests the form itself)."""

    async def start() -> str:
        async with live.db.session() as session:
            return await start_session(session, actor, "playwright", "127.0.0.1")

    context.add_cookies(
        [
            {
                "name": SESSION_COOKIE,
                "value": threaded.run(start()),
                "url": live.base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def run_axe(page: Page, source: str, rules: list[str] | None = None) -> None:
    """axe-core's WCAG 2.1 A and AA rules on the page: no violation. The script is
    evaluated through the DevTools protocol, which the page's CSP does not govern
    (a <script> tag would be refused, as it should). `rules`: only those (such as
    COLOUR_RULES, for a second pass in dark colours)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    violations: list[dict[str, Any]] = page.evaluate(
        """async ([kind, values]) => {
            const result = await axe.run(document, {
                runOnly: {type: kind, values: values}, resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map(n => n.target.join(' ')),
                summaries: v.nodes.map(n => n.failureSummary),
            }));
        }""",
        ["rule", rules] if rules else ["tag", WCAG_TAGS],
    )
    assert not violations, f"axe found on {page.url}:\n" + "\n".join(
        _violation(v) for v in violations
    )


def _violation(v: dict[str, Any]) -> str:
    nodes = "\n".join(
        f"    {target}: {summary}".replace("\n", " ")
        for target, summary in zip(v["targets"], v["summaries"], strict=False)
    )
    return f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>\n{nodes}"


def screenshot_320(page: Page, name: str) -> Path:
    """The page at 320 CSS pixels wide, full length, as a test artefact in
    .test-reports/screenshots/<name>.png; the text reflows (no sideways scrolling)."""
    page.set_viewport_size(NARROW)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], (
        f"{page.url} scrolls sideways at 320 px: {width} px wide (see {path})"
    )
    return path


def focused(page: Page) -> dict[str, str]:
    """The focused element: tag, id, name, type and text."""
    described: dict[str, str] = page.evaluate(
        """() => {
            const e = document.activeElement;
            return e ? {tag: e.tagName.toLowerCase(), id: e.id || '',
                        name: e.getAttribute('name') || '', type: e.getAttribute('type') || '',
                        text: (e.textContent || '').trim(), href: e.getAttribute('href') || ''}
                     : {tag: '', id: '', name: '', type: '', text: '', href: ''};
        }"""
    )
    return described


def tab_to(page: Page, name: str, limit: int = 40) -> list[str]:
    """Press Tab until the field or button named `name` has focus; returns the
    stops passed on the way (fails if it is not reached in `limit` presses)."""
    passed: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["name"] == name or now["id"] == name:
            return passed
        passed.append(f"{now['tag']}#{now['id']}[{now['name']}] {now['text'][:30]}")
    raise AssertionError(f"Tab never reached {name!r}; passed: {passed}")


# Records every focused element (a path that names it, its text, whether its focus
# is marked) in window.__tabStops; installed once per page load.
_RECORD_FOCUS = """() => {
    if (window.__tabStops) { window.__tabStops.length = 0; return; }
    window.__tabStops = [];
    document.addEventListener('focusin', (event) => {
        const e = event.target;
        if (!e || e === document.body) return;
        const style = getComputedStyle(e);
        const path = [];
        for (let n = e; n && n !== document.body; n = n.parentElement) {
            path.unshift(n.tagName.toLowerCase()
                + (n.id ? '#' + n.id : '')
                + ':nth-child(' + (Array.prototype.indexOf.call(n.parentElement.children, n) + 1) + ')');
        }
        window.__tabStops.push({
            path: path.join(' > '),
            text: (e.textContent || e.getAttribute('name') || '').trim().slice(0, 40),
            marked: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
                || style.boxShadow !== 'none',
        });
    });
}"""


def tab_stops_without_visible_focus(
    page: Page, limit: int = 80, batch: int = 8
) -> list[str]:
    """Tab through the whole page; the stops whose focus is not visibly marked (no
    outline of 2 px or more, no box shadow). Stops when focus comes back to a stop
    already seen (the page's end). Tab is pressed `batch` times between reads of
    what was focused, to keep round trips to the browser few."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.evaluate(_RECORD_FOCUS)
    seen: set[str] = set()
    unmarked: list[str] = []
    read = 0
    for _ in range(0, limit, batch):
        for _ in range(batch):
            page.keyboard.press("Tab")
        stops: list[dict[str, Any]] = page.evaluate("() => window.__tabStops")
        for stop in stops[read:]:
            if stop["path"] in seen:
                return unmarked
            seen.add(stop["path"])
            if not stop["marked"]:
                unmarked.append(f"{stop['path']} ({stop['text']})")
        read = len(stops)
    return unmarked


def check_page(
    page: Page, axe: str, console: ConsoleLog, name: str, status: int = 200
) -> None:
    """test_page_types's checks on the page a scenario has reached (a page no
    plain GET shows, such as the second step of signing in): nothing in the
    console, no axe-core violation in light and dark colours, a visible focus
    mark on every Tab stop, and reflow at 320 px (screenshot `name`)."""
    page.wait_for_load_state("load")
    console.assert_clean(page.url, status)
    run_axe(page, axe)
    page.emulate_media(color_scheme="dark")
    run_axe(page, axe, COLOUR_RULES)
    page.emulate_media(color_scheme="light")
    assert tab_stops_without_visible_focus(page) == []
    size = page.viewport_size
    screenshot_320(page, name)
    if size is not None:
        page.set_viewport_size(size)
