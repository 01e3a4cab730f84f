"""Every page type the browser tests visit, signed out and signed in: one table
each. A feature that adds a page type adds one line here, and the page is then
checked with axe-core (light and dark colours), for console errors (CSP
violations among them), at 320 px (with a screenshot artefact), for its skip
link and for a visible focus mark on every Tab stop.

A `path` is either a path or a function of the live site and the `sample` (what
tests/browser/sample.py made once per run: posts, a remote account, an
announcement...) that returns one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import pytest
import requests

from tests.browser.sample import TAG
from tests.support.browser import OOB

if TYPE_CHECKING:
    from tests.browser.conftest import Site
    from tests.browser.sample import Sample

Path = str | Callable[["Site", "Sample"], str]


@dataclass(frozen=True)
class PageType:
    name: str
    path: Path
    status: int = 200
    # check name → why this page type does not pass it yet (see `cases`)
    pending: Mapping[str, str] = field(default_factory=dict)
    # False for a page made to be framed elsewhere (the embed): no navigation,
    # hence no skip link to check; and for a form sent back with errors, whose
    # error summary takes focus on load, so that the first Tab goes into it
    skip_link: bool = True

    def url(self, site: Site, sample: Sample) -> str:
        path = self.path if isinstance(self.path, str) else self.path(site, sample)
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


def consent_path(site: Site, sample: Sample | None = None) -> str:
    app = register_app(site)
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": OOB,
        "scope": "read write",
    }
    return "/oauth/authorize?" + urlencode(query)


# What test_page_types checks on every page type, in this order, on one visit:
# axe-core (light and dark) and the console; reflow at 320 px; the keyboard (skip
# link, visible focus). A check named in a page type's `pending` must fail (and
# fails the test once it passes, so that the entry is removed).
CHECKS = ("accessible", "320", "keyboard")


def mayor(path: str = "") -> Callable[[Site, Sample], str]:
    """A path under the sample official's profile."""
    return lambda site, sample: f"/@{sample.mayor.username}{path}"


def remote_profile(site: Site, sample: Sample) -> str:
    return f"/@{sample.remote_handle}"


def interact_follow(site: Site, sample: Sample) -> str:
    return "/interact?" + urlencode({"intent": "follow", "uri": sample.mayor.uri})


def interact_reply(site: Site, sample: Sample) -> str:
    uri = f"{sample.mayor.uri}/statuses/{sample.post_id}"
    return "/interact?" + urlencode({"intent": "reply", "uri": uri})


def interact_join(site: Site, sample: Sample) -> str:
    return "/interact?" + urlencode(
        {"intent": "follow", "uri": sample.groups.group_uri}
    )


def moderating(path: str, group: str = "group_path") -> Callable[[Site, Sample], str]:
    """A moderation page of the sample's public group (or its members group)."""
    return lambda site, sample: f"{getattr(sample.groups, group)}/moderation{path}"


def library(path: str) -> Callable[[Site, Sample], str]:
    """A path of the sample's library (tests/browser/sample_library.py)."""
    return lambda site, sample: getattr(sample.library, path)


def authorize_follow(site: Site, sample: Sample) -> str:
    return "/authorize_interaction?uri=" + quote(sample.reporter.uri, safe="")


PUBLIC = [
    PageType("home", "/"),
    PageType("about", "/about"),
    PageType("rules", "/rules"),
    PageType("privacy", "/privacy-policy"),
    PageType("terms", "/terms-of-service"),
    PageType("apps", "/apps"),
    PageType("profile", mayor()),
    PageType("profile-tagged", mayor(f"/tagged/{TAG}")),
    PageType("thread", lambda site, sample: sample.mayor_post_path),
    PageType(
        "embed", lambda site, sample: sample.mayor_post_path + "/embed", skip_link=False
    ),
    PageType("remote-profile", remote_profile),
    PageType("remote-thread", lambda site, sample: sample.remote_post_path),
    PageType("tag", f"/tags/{TAG}"),
    PageType("search", "/search?q=bike"),
    PageType("search-accounts", lambda site, sample: "/search?q=" + quote("@reporter")),
    # The library's search (issue 14): the form, results, filters only, a refusal
    PageType("library-search", "/library/search"),
    PageType("library-search-results", "/library/search?q=pothole&verified=1"),
    PageType(
        "library-search-filters",
        "/library/search?type=funding_opportunity&state=CA&include_closed=1",
    ),
    PageType(
        "library-search-invalid",
        "/library/search?q=grants&population_min=9000&population_max=10",
        422,
        skip_link=False,
    ),
    PageType("interact", interact_follow),
    PageType("interact-reply", interact_reply),
    PageType("not-found", "/no/such/page", 404),
    PageType("oauth-consent", consent_path),
    PageType("seat-thread", lambda site, sample: sample.seat_post_path),
    PageType("seat-archive", lambda site, sample: sample.archive_path),
    PageType("groups", "/groups"),
    PageType("group", lambda site, sample: sample.groups.group_path),
    PageType("group-thread", lambda site, sample: sample.groups.thread_path),
    PageType("group-members", lambda site, sample: sample.groups.members_group_path),
    PageType("interact-join", interact_join),
    # The library (issue 14)
    PageType("library", "/library"),
    PageType("library-funding-list", "/library?kind=funding&topic=sustainability"),
    PageType("library-case-study", library("case_study_path")),
    PageType("library-funding", library("funding_path")),
    PageType("library-withdrawn", library("withdrawn_path"), 410),
    PageType("funding-board", "/library/funding?state=CA&population=7600"),
]

SIGNED_OUT = [
    *PUBLIC,
    PageType("sign-in", "/auth/sign_in"),
    PageType("seat-handover", lambda site, sample: sample.handover_path),
    PageType("sign-up-invite", lambda site, sample: sample.invite_path),
    PageType("password-new", "/auth/password/new"),
    PageType("password-edit", lambda site, sample: sample.reset_path),
    PageType("sign-up-confirmed", lambda site, sample: sample.confirmation_path),
]

SIGNED_IN = [
    *PUBLIC,
    PageType("home-timeline", "/home"),
    PageType("compose", "/compose"),
    PageType(
        "compose-reply", lambda site, sample: f"/compose?in_reply_to={sample.post_id}"
    ),
    PageType("notifications", "/notifications"),
    PageType(
        "delete-confirmation",
        lambda site, sample: f"/statuses/{sample.reply_id}/delete",
    ),
    PageType("authorize-interaction", authorize_follow),
    PageType("settings-profile", "/settings/profile"),
    PageType("settings-preferences", "/settings/preferences"),
    PageType("settings-password", "/settings/password"),
    PageType("settings-two-factor", "/settings/two_factor"),
    PageType("settings-sessions", "/settings/sessions"),
    PageType("settings-apps", "/settings/apps"),
    PageType("settings-export", "/settings/export"),
    PageType("admin", "/admin"),
    PageType("admin-reports", "/admin/reports"),
    PageType("admin-audit", "/admin/audit"),
    PageType("admin-report", lambda site, sample: f"/admin/reports/{sample.report_id}"),
    PageType("admin-reports-resolved", "/admin/reports?resolved=1"),
    PageType("admin-action-log", "/admin/action_log"),
    PageType(
        "moderation-warning",
        lambda site, sample: f"/disputes/strikes/{sample.warning_id}",
    ),
    PageType("admin-announcements", "/admin/announcements"),
    PageType("admin-announcement-new", "/admin/announcements/new"),
    PageType(
        "admin-announcement-edit",
        lambda site, sample: f"/admin/announcements/{sample.announcement_id}/edit",
    ),
    PageType("admin-emoji", "/admin/emoji"),
    PageType("admin-sign-ups", "/admin/sign_ups"),
    PageType(
        "admin-emoji-edit", lambda site, sample: f"/admin/emoji/{sample.emoji_id}/edit"
    ),
    # The groups' moderation pages, seen by the resident, an admin (issue 13).
    PageType("group-moderation-pending", moderating("", "members_group_path")),
    PageType("group-moderation-bans", moderating("/bans")),
    PageType("group-moderation-removals", moderating("/removals")),
    PageType("group-moderation-reports", moderating("/reports")),
    PageType("group-moderation-settings", moderating("/settings")),
    PageType("group-moderation-log", moderating("/log")),
    # Writing in the library, as an admin (issue 14)
    PageType("library-compose-case-study", "/library/case-studies/new"),
    PageType("library-compose-funding", "/library/funding/new"),
    PageType(
        "library-edit-funding",
        lambda site, sample: sample.library.own_funding_path + "/edit",
    ),
    PageType(
        "library-withdraw",
        lambda site, sample: sample.library.own_funding_path + "/withdraw",
    ),
]


def cases() -> list[Any]:
    """Both tables as pytest parameters (`who`, `page_type`)."""
    for page_type in (*SIGNED_OUT, *SIGNED_IN):
        assert set(page_type.pending) <= set(CHECKS), page_type
    return [
        pytest.param(who, page_type, id=f"{who}-{page_type.name}")
        for who, table in (("signed-out", SIGNED_OUT), ("signed-in", SIGNED_IN))
        for page_type in table
    ]
