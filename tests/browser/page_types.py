"""Every page type the browser tests visit, signed out and signed in: one table
each. A feature that adds a page type adds one line here, and the page is then
checked with axe-core (light and dark colours), for console errors (CSP
violations among them), at 320 px (with a screenshot artefact), for its skip
link and for a visible focus mark on every Tab stop.

A `path` is either a path or a function of the live site that returns one (for
pages that need something made first: an app, an account, a post).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
import requests

from tests.support.browser import OOB

if TYPE_CHECKING:
    from tests.browser.conftest import Site


@dataclass(frozen=True)
class PageType:
    name: str
    path: str | Callable[[Site], str]
    status: int = 200
    # check name → why this page type does not pass it yet (see `cases`)
    pending: Mapping[str, str] = field(default_factory=dict)

    def url(self, site: Site) -> str:
        path = self.path if isinstance(self.path, str) else self.path(site)
        return site.base + path


def register_app(site: Site, name: str = "City Hall Desk") -> dict[str, str]:
    """An out-of-band app registered through the client API, as apps do."""
    reply = requests.post(
        f"{site.base}/api/v1/apps",
        json={"client_name": name, "redirect_uris": OOB, "scopes": "read write"},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    app: dict[str, str] = reply.json()
    return app


def consent_path(site: Site) -> str:
    app = register_app(site)
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": OOB,
        "scope": "read write",
    }
    return "/oauth/authorize?" + urlencode(query)


# What test_page_types checks on every page type: axe-core (light and dark) and the
# console; reflow at 320 px; the keyboard (skip link, visible focus).
CHECKS = ("accessible", "320", "keyboard")

SIGNED_OUT = [
    PageType("home", "/"),
    PageType("not-found", "/no/such/page", 404),
    PageType("oauth-consent", consent_path),
]

SIGNED_IN = [
    PageType("home", "/"),
    PageType("not-found", "/no/such/page", 404),
    PageType("oauth-consent", consent_path),
]


def cases(check: str) -> list[Any]:
    """Both tables as pytest parameters (`who`, `page_type`) for one of the
    CHECKS, with the check's pending failures expected."""
    assert check in CHECKS, check
    return [
        pytest.param(
            who,
            page_type,
            id=f"{who}-{page_type.name}",
            marks=[pytest.mark.xfail(reason=page_type.pending[check], strict=True)]
            if check in page_type.pending
            else [],
        )
        for who, table in (("signed-out", SIGNED_OUT), ("signed-in", SIGNED_IN))
        for page_type in table
    ]
