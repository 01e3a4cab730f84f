"""Every implemented client-API endpoint that the Mastodon OpenAPI description knows
had at least one of its JSON answers validated against the description.

`tests.support.http.Http` validates each answer it reads (`tests.support.openapi`)
and records the operation it matched; this module, run right after the rest of
`tests/api/` (see `tests.support.contract`), checks that together those tests
reached every such endpoint. It skips itself when the session did not run all of
`tests/api/`, since its answer would then mean nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp import web

from fedcity.api.routes import add_routes
from tests.support.contract import API_DIR, why_incomplete
from tests.support.openapi import (
    MISSING_SPEC,
    REFUSALS_VALIDATED,
    SPEC_PATH,
    VALIDATED,
    answers_json,
    find_operation,
)

pytestmark = pytest.mark.skipif(not SPEC_PATH.exists(), reason=MISSING_SPEC)

# Operations that never succeed on fedcity by design: only their refusals (Mastodon's
# `Error` body) can be validated.
ONLY_REFUSES = {
    # Registrations are closed: officials' accounts are made by the operators.
    ("POST", "/api/v1/accounts"),
}

# Stands in for every path parameter; no literal segment of the description is "0",
# so a sample path matches a templated operation, never a fixed one.
SAMPLE_SEGMENT = "0"


def sample_path(template: str) -> str:
    """A concrete path for an aiohttp route template (`/api/v1/lists/{id}`)."""
    return re.sub(r"\{[^}]+\}", SAMPLE_SEGMENT, template)


def served_operations() -> dict[tuple[str, str], str]:
    """Each operation of the description that a route of `add_routes` serves and that
    answers JSON, with the route. The operation is found the way `check_reply` finds
    one for a request, so both name the same template whatever the parameters are
    called; a route the description has no operation for is left out."""
    app = web.Application()
    add_routes(app)
    served: dict[tuple[str, str], str] = {}
    for route in app.router.routes():
        if route.method == "HEAD" or route.resource is None:
            continue
        info = route.resource.get_info()
        template = info.get("formatter") or info.get("path")
        if not template:
            continue
        op = find_operation(route.method, sample_path(template))
        if op is not None and answers_json(op):
            served.setdefault((op.method, op.template), template)
    return served


def validated_here(rootpath: Path) -> set[tuple[str, str]]:
    """Operations validated by tests of tests/api/ (not by other directories that
    happened to run first); test files are named relative to the rootdir. Those
    that only refuse count when a refusal of theirs was validated."""

    def in_api_dir(files: set[str]) -> bool:
        return any((rootpath / name).resolve().parent == API_DIR for name in files)

    succeeded = {op for op, files in VALIDATED.items() if in_api_dir(files)}
    refused = {
        op
        for op, files in REFUSALS_VALIDATED.items()
        if op in ONLY_REFUSES and in_api_dir(files)
    }
    return succeeded | refused


def test_a_route_is_matched_to_the_operation_a_request_would_match():
    # Given routes whose parameters are named otherwise than in the description, a
    # fixed path beside a templated one, and a route the description does not know
    served = served_operations()
    # When they are matched to operations
    # Then each is counted under the description's template
    assert served[("POST", "/api/v2/filters/{filter_id}/keywords")] == (
        "/api/v2/filters/{id}/keywords"
    )
    assert served[("GET", "/api/v1/accounts/lookup")] == "/api/v1/accounts/lookup"
    assert served[("GET", "/api/v1/accounts/{id}")] == "/api/v1/accounts/{id}"
    assert "/api/v2/filter_keywords/{id}" not in served.values()
    # And server-sent events and "Empty" answers are not expected to be validated
    assert ("GET", "/api/v1/streaming/public") not in served
    assert ("DELETE", "/api/v2/filters/keywords/{id}") not in served


def test_every_implemented_endpoint_was_validated(request: pytest.FixtureRequest):
    if reason := why_incomplete(request.session):
        pytest.skip(reason)
    # Given the endpoints fedcity serves that the description also describes
    served = served_operations()
    # When the rest of tests/api/ has run
    # Then every one of them had a JSON answer validated against the description
    validated = validated_here(request.config.rootpath)
    missing = sorted(set(served) - validated, key=lambda m: (m[1], m[0]))
    failed = request.session.testsfailed
    assert not missing, (
        "never validated through the `http` fixture"
        + (f" ({failed} tests failed before this one)" if failed else "")
        + ":\n"
        + "\n".join(
            f"  {method} {template}  (route {served[(method, template)]})"
            for method, template in missing
        )
    )
