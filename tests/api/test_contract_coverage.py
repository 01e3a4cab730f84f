"""The contract coverage check (`tests.support.contract`): every implemented
client-API endpoint that the Mastodon OpenAPI description knows had at least one of
its JSON answers validated against the description, judged over the union of what
every test process validated.

The check itself runs when the session ends; these tests hold its parts to account:
how routes are matched to operations, and how the processes' records combine.
"""

from __future__ import annotations

import pytest

from tests.support.contract import (
    Record,
    never_validated,
    served_operations,
    validated_by_api_tests,
)
from tests.support.openapi import MISSING_SPEC, SPEC_PATH

pytestmark = pytest.mark.skipif(not SPEC_PATH.exists(), reason=MISSING_SPEC)

LISTS = ("GET", "/api/v1/lists")
LIST = ("GET", "/api/v1/lists/{id}")
SIGN_UP = ("POST", "/api/v1/accounts")


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


def test_what_two_workers_validated_counts_together(pytestconfig):
    # Given two test processes that each validated one endpoint, from tests/api/
    first = Record(validated={LISTS: {"tests/api/test_lists.py"}})
    second = Record(validated={LIST: {"tests/api/test_lists.py"}})
    # When their records are combined, as the xdist controller combines them
    done = validated_by_api_tests(
        [Record.from_json(first.to_json()), Record.from_json(second.to_json())],
        pytestconfig.rootpath,
    )
    # Then both endpoints count, whichever process validated them
    assert {LISTS, LIST} <= done


def test_validations_outside_tests_api_and_plain_refusals_do_not_count(pytestconfig):
    # Given an endpoint validated only by a test outside tests/api/, and endpoints
    # whose only validated answers were errors (sign-up succeeds since issue 12,
    # so no operation is judged by its refusals alone)
    record = Record(
        validated={LISTS: {"tests/e2e/test_mastodon_py.py"}},
        refusals={
            LIST: {"tests/api/test_lists.py"},
            SIGN_UP: {"tests/api/test_client_api.py"},
        },
    )
    # When coverage is judged
    done = validated_by_api_tests([record], pytestconfig.rootpath)
    missing = "\n".join(never_validated([record], pytestconfig.rootpath))
    # Then none counts, and each is named with its route
    assert done == set()
    assert "GET /api/v1/lists  (route /api/v1/lists)" in missing
    assert "GET /api/v1/lists/{id}  (route /api/v1/lists/{id})" in missing
    assert "POST /api/v1/accounts " in missing
