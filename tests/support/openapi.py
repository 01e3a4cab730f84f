"""Check fedcity's client-API answers against the Mastodon OpenAPI description.

Every JSON answer a test reads through `tests.support.http.Http` from a path the
description knows is validated against the schema of that operation and status
(`check_reply`), and the operation is recorded in `VALIDATED`, so that a contract
test can tell which implemented endpoints were never checked. The component schemas
are JSON Schema 2020-12; `$ref`s resolve inside the one document. Where the
description is wrong against real Mastodon, `CORRECTIONS` says what Mastodon sends.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SPEC_PATH = DATA / "mastodon-openapi" / "schema.json"
SPEC_URI = "urn:mastodon-openapi"
MISSING_SPEC = (
    f"{SPEC_PATH} is missing: the Mastodon OpenAPI description lives in "
    "the shared reference data beside the project"
)

# (METHOD, spec path template) of every operation whose successful answer was
# validated, with the test files (`tests/api/test_x.py`) whose tests did so.
VALIDATED: dict[tuple[str, str], set[str]] = {}
# The same for error answers (validated as Mastodon's `Error`).
REFUSALS_VALIDATED: dict[tuple[str, str], set[str]] = {}

formats = FormatChecker(formats=())


@formats.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    # RFC 3339: a full date, a time and an offset or Z (what Mastodon sends).
    if not isinstance(value, str):
        return True
    return "T" in value and datetime.fromisoformat(value).tzinfo is not None


@formats.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")
_NEEDS_HOST = frozenset({"http", "https", "ws", "wss"})


@formats.checks("uri", raises=ValueError)
def _uri(value: object) -> bool:
    """An absolute URI (RFC 3986: a scheme, then a hierarchical part). Custom-scheme
    redirect URIs such as `com.tapbots.Ivory.1234:/request_token` are URIs too; web
    URLs must name a host."""
    # "" is how Mastodon says "no link" in PreviewCard's required author_url,
    # provider_url and embed_url (the description's own examples carry it).
    if not isinstance(value, str) or value == "":
        return True
    parts = urlsplit(value)
    if not _SCHEME.fullmatch(parts.scheme):
        return False
    if parts.scheme in _NEEDS_HOST:
        return bool(parts.netloc)
    return bool(parts.netloc or parts.path)


@cache
def spec() -> dict[str, Any]:
    return dict(json.loads(SPEC_PATH.read_text()))


@cache
def registry() -> Registry:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


def errors_for(entity: object, schema: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(
        schema, registry=registry(), format_checker=formats
    )
    errors = sorted(validator.iter_errors(entity), key=lambda e: list(e.path))
    return [
        f"  {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in errors
    ]


def check(entity: object, schema: str) -> None:
    """Fail with every violation of `#/components/schemas/<schema>`, not just one."""
    errors = errors_for(entity, {"$ref": f"{SPEC_URI}#/components/schemas/{schema}"})
    assert not errors, f"{schema} violations:\n" + "\n".join(errors)


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    responses: dict[str, Any]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(regex + "/?")


@cache
def operations() -> tuple[Operation, ...]:
    """Every operation of the description; fixed paths before templated ones, so
    that `/api/v1/accounts/lookup` wins over `/api/v1/accounts/{id}`."""
    found = [
        Operation(method.upper(), template, _pattern(template), op["responses"])
        for template, ops in spec()["paths"].items()
        for method, op in ops.items()
        if isinstance(op, dict) and "responses" in op
    ]
    return tuple(sorted(found, key=lambda o: (o.template.count("{"), o.template)))


def find_operation(method: str, path: str) -> Operation | None:
    for op in operations():
        if op.method == method.upper() and op.pattern.fullmatch(path):
            return op
    return None


ERROR_SCHEMA = {"$ref": f"{SPEC_URI}#/components/schemas/Error"}

# Where the description contradicts what Mastodon really answers, the answer is held
# to Mastodon instead. Each entry gives its evidence; keep the list short and narrow
# (one operation and status each), and never use it to excuse fedcity.
CORRECTIONS: dict[tuple[str, str, int], dict[str, Any]] = {
    # "List of [V1::Filter]", says the description's own text, and Mastodon's
    # Api::V1::FiltersController#index renders the collection (each_serializer); the
    # description's schema is a single V1Filter.
    ("GET", "/api/v1/filters", 200): {
        "type": "array",
        "items": {"$ref": "#/components/schemas/V1Filter"},
    },
    # With no extended description set, Mastodon answers `"updated_at": null` (the
    # recorded GET /api/v1/instance/extended_description in mastodon-api-samples.json
    # is 200 {"updated_at": null, "content": ""}); the description says a string.
    ("GET", "/api/v1/instance/extended_description", 200): {
        "type": "object",
        "properties": {
            "content": {"type": "string"},
            "updated_at": {"type": ["string", "null"], "format": "date-time"},
        },
        "required": ["content", "updated_at"],
    },
    # Mastodon's Api::V2::Filters::StatusesController#destroy answers render_empty,
    # and the recorded DELETE /api/v2/filters/statuses/1 in mastodon-api-samples.json
    # is 200 {}; the description repeats the FilterStatus of GET.
    ("DELETE", "/api/v2/filters/statuses/{id}", 200): {
        "type": "object",
        "maxProperties": 0,
    },
}


def response_schema(op: Operation, status: int) -> dict[str, Any] | None:
    """The schema of a JSON answer. Every error is held to `Error`: the description
    asks `details` of some 422s, which Mastodon itself sends only when an account
    registration fails."""
    if status >= 400:
        return ERROR_SCHEMA
    corrected = CORRECTIONS.get((op.method, op.template, status))
    if corrected is not None:
        return _resolve_refs_for_registry(corrected)
    response = op.responses.get(str(status))
    if response is None:
        return None
    content = (response.get("content") or {}).get("application/json")
    if not content or "schema" not in content:
        return None
    return _resolve_refs_for_registry(content["schema"])


def answers_json(op: Operation) -> bool:
    """Whether the description gives a JSON schema for some success of `op` (server-
    sent events, HTML pages and "Empty" answers have none)."""
    return any(
        response_schema(op, int(status)) is not None
        for status in op.responses
        if status.isdigit() and 200 <= int(status) < 300
    )


def _resolve_refs_for_registry(schema: dict[str, Any]) -> dict[str, Any]:
    # Local refs ("#/components/…") must point into the registered document.
    text = json.dumps(schema).replace('"$ref": "#/', f'"$ref": "{SPEC_URI}#/')
    return dict(json.loads(text))


def check_reply(
    method: str, path: str, status: int, body: str, *, record: bool = True
) -> None:
    """Validate one JSON answer against its operation's schema for that status.

    Answers to paths the description does not know, and statuses it gives no JSON
    schema for, pass unchecked (and unrecorded). `record=False` validates without
    counting the operation as covered: the fuzz test checks every operation, and
    must not stand in for the deliberate tests the coverage check asks for."""
    if not SPEC_PATH.exists():
        return
    op = find_operation(method, path)
    if op is None:
        return
    schema = response_schema(op, status)
    if schema is None:
        return
    errors = errors_for(json.loads(body), schema)
    assert not errors, (
        f"{method} {path} answered {status} against {op.method} {op.template}:\n"
        + "\n".join(errors)
    )
    if not record:
        return
    done = VALIDATED if 200 <= status < 300 else REFUSALS_VALIDATED
    done.setdefault((op.method, op.template), set()).add(_current_test_file())


def _current_test_file() -> str:
    # pytest names the running test in this variable: "tests/api/test_x.py::… (call)".
    return os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[0]
