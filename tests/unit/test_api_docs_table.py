"""docs/mastodon-api.md tells the truth: it has a row for every operation of the
Mastodon OpenAPI description, and a row says "done" or "partial" exactly when
`fedcity/api/routes.py` serves that method and path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp import web

from fedcity.api.routes import add_routes
from tests.support.openapi import MISSING_SPEC, SPEC_PATH, operations

DOC = Path(__file__).resolve().parents[2] / "docs" / "mastodon-api.md"
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \|[^|]*\| ([a-z ]+) \|")
STATUSES = {"done", "partial", "not yet"}

pytestmark = pytest.mark.skipif(not SPEC_PATH.exists(), reason=MISSING_SPEC)


def _normalise(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", template.rstrip("/") or "/")


def documented() -> dict[tuple[str, str], str]:
    rows = {}
    for line in DOC.read_text().splitlines():
        if match := ROW.match(line):
            method, path, status = match.groups()
            rows[(method, _normalise(path))] = status.strip()
    return rows


def served() -> set[tuple[str, str]]:
    app = web.Application()
    add_routes(app)
    found = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        template = info.get("formatter") or info.get("path")
        if template and route.method != "HEAD":
            found.add((route.method, _normalise(template)))
    return found


def test_every_described_operation_has_a_row():
    # Given the operations of the Mastodon OpenAPI description
    described = {(op.method, _normalise(op.template)) for op in operations()}
    # When the compatibility table is read
    rows = documented()
    # Then each has a row with a known status
    assert described - rows.keys() == set()
    assert set(rows.values()) <= STATUSES


def test_a_row_is_done_or_partial_exactly_when_the_route_is_served():
    # Given the table and the routes fedcity serves
    rows, routes = documented(), served()
    # When each row's status is compared with the routes
    claimed_but_missing = sorted(
        key for key, status in rows.items() if status != "not yet" and key not in routes
    )
    served_but_not_yet = sorted(
        key for key, status in rows.items() if status == "not yet" and key in routes
    )
    # Then they agree
    assert claimed_but_missing == [], "rows say done/partial but no route serves them"
    assert served_but_not_yet == [], "rows say 'not yet' but a route serves them"
