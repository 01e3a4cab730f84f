"""The browser tests' fixtures: one headless Chromium per test process, one live
fedcity (SQLite) served from a thread for every browser test of the process, and
a fresh browser context (cookies, viewport) per test.

Playwright's sync API runs on a thread of its own (`BrowserThread`, which says
why): the fixtures below create the browser, contexts and pages there, and
`pytest_pyfunc_call` runs the body of every test of this folder there too.

The suite runs with `--dist loadfile`: a module stays on one worker, and each
worker that runs browser modules starts its own browser and instance (session
fixtures). The `xdist_group` marks of the modules ("browser", and "browser-pages"
for test_page_types.py, the longest) say which belong together; pytest 9 made
them inert for pytest-xdist 3.8 (docs/development.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from fedcity.config import MediaSettings
from fedcity.storage.models import Actor
from tests.browser.sample import Sample, make_sample
from tests.support import browser_pages
from tests.support.browser_pages import (
    BrowserThread,
    ConsoleLog,
    Tab,
    sign_in_with_cookie,
)
from tests.support.databases import MigratedTemplates
from tests.support.instances import LiveInstance, ThreadedInstances


@dataclass
class Site:
    """The live instance of the browser tests, and how to act on it from a test."""

    threaded: ThreadedInstances
    live: LiveInstance

    @property
    def base(self) -> str:
        return self.live.base_url

    def account(self, prefix: str, **kw: Any) -> Actor:
        """A new local account (password: tests.support.processes.PASSWORD);
        `kw` as NewLocalAccount's (role, display_name)."""
        name = f"{prefix}_{uuid.uuid4().hex[:6]}"
        return self.threaded.run(self.live.create_account(name, **kw))


@pytest.fixture(scope="session")
def browser_thread() -> Iterator[BrowserThread]:
    thread = BrowserThread()
    yield thread
    thread.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool:
    """Run the test's body on the browser's thread."""
    thread = pyfuncitem.funcargs.get("browser_thread")
    assert isinstance(thread, BrowserThread), (
        f"{pyfuncitem.nodeid}: a browser test must use the `page` or `browser` fixture"
    )
    names = pyfuncitem._fixtureinfo.argnames
    thread.run(pyfuncitem.obj, **{name: pyfuncitem.funcargs[name] for name in names})
    return True


@pytest.fixture(scope="session")
def browser(browser_thread: BrowserThread) -> Iterator[Browser]:
    playwright = browser_thread.run(lambda: sync_playwright().start())
    try:
        launched = browser_thread.run(browser_pages.launch, playwright)
        yield launched
        browser_thread.run(launched.close)
    finally:
        browser_thread.run(playwright.stop)


@pytest.fixture(scope="session")
def axe() -> str:
    """axe-core's source, to run in pages (`browser_pages.run_axe`)."""
    return browser_pages.axe_source()


@pytest.fixture(scope="session")
def site(
    templates: MigratedTemplates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("browser-site")
    threaded = ThreadedInstances()
    try:
        live = threaded.start(
            templates.clone_sqlite(root / "fedcity.db"),
            name="Ojai",
            media=MediaSettings(root=str(root / "media")),
        )
        yield Site(threaded, live)
    finally:
        threaded.close()


@pytest.fixture
def ventura(
    site: Site, templates: MigratedTemplates, tmp_path_factory: pytest.TempPathFactory
) -> LiveInstance:
    """A second instance, on the browser site's loop (closed with it)."""
    root = tmp_path_factory.mktemp("ventura")
    return site.threaded.start(templates.clone_sqlite(root / "fedcity.db"), "Ventura")


@pytest.fixture(scope="session")
def resident(site: Site) -> Actor:
    """One signed-in visitor for the page tests that need any account: an admin,
    so that the signed-in tab also reaches the administration pages."""
    return site.account("resident", role="admin")


@pytest.fixture(scope="session")
def sample(site: Site, resident: Actor) -> Sample:
    """Posts, a remote account, a notification, an announcement and an emoji for
    the pages to show (tests/browser/sample.py)."""
    return make_sample(site, resident)


@pytest.fixture(scope="session")
def tabs(
    browser_thread: BrowserThread, browser: Browser, site: Site, resident: Actor
) -> Iterator[dict[str, Tab]]:
    """One tab signed out and one signed in (as `resident`), kept open for the
    tests that only read pages (`Tab.fresh()` before each)."""

    def open_tabs() -> dict[str, Tab]:
        opened: dict[str, Tab] = {}
        for who in ("signed-out", "signed-in"):
            made = browser.new_context(viewport=browser_pages.DESKTOP)
            made.set_default_timeout(10_000)
            if who == "signed-in":
                sign_in_with_cookie(made, site.threaded, site.live, resident)
            opened[who] = Tab(made.new_page(), ConsoleLog())
            opened[who].console.watch(opened[who].page)
        return opened

    opened = browser_thread.run(open_tabs)
    yield opened
    for tab in opened.values():
        browser_thread.run(tab.page.context.close)


@pytest.fixture
def context(
    browser_thread: BrowserThread, browser: Browser
) -> Iterator[BrowserContext]:
    made = browser_thread.run(browser.new_context, viewport=browser_pages.DESKTOP)
    # Fail in seconds, not Playwright's 30, when a page lacks what a test looks for.
    browser_thread.run(made.set_default_timeout, 10_000)
    yield made
    browser_thread.run(made.close)


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(
    browser_thread: BrowserThread, context: BrowserContext, console: ConsoleLog
) -> Page:
    """A page whose console errors land in the `console` fixture."""
    opened = browser_thread.run(context.new_page)
    browser_thread.run(console.watch, opened)
    return opened


@pytest.fixture
def signed_in_page(
    browser_thread: BrowserThread,
    context: BrowserContext,
    page: Page,
    site: Site,
    resident: Actor,
) -> Page:
    """`page`, with the `resident` signed in."""
    browser_thread.run(sign_in_with_cookie, context, site.threaded, site.live, resident)
    return page
