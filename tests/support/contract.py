"""The contract coverage check, a pytest plugin (loaded by `tests/conftest.py`).

It asks whether every implemented client-API endpoint that the Mastodon OpenAPI
description knows had at least one JSON answer validated against the description
by the tests of `tests/api/` (`tests.support.http.Http` validates each answer and
records the operation in `tests.support.openapi`).

Under pytest-xdist each worker sees only the tests it ran, so the answer is the
union: each process sends what it validated, and whether every test of `tests/api/`
was selected there, to the controller (`workeroutput`), and the controller judges
once all have finished. Without xdist the one process judges itself. A session that
left out tests of `tests/api/` (a path, `-k`, `-m` or `--deselect`) is not judged,
since the answer would mean nothing; the summary says so. A judged session with an
endpoint never validated fails, naming the endpoint and its route.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from fedcity.api.routes import add_routes
from tests.support.openapi import (
    REFUSALS_VALIDATED,
    SPEC_PATH,
    VALIDATED,
    answers_json,
    find_operation,
)

API_DIR = Path(__file__).resolve().parents[1] / "api"
OUTPUT_KEY = "fedcity_contract"

# Every test function of tests/api/ that pytest collected, before -k, -m or
# --deselect chose among them.
COLLECTED = pytest.StashKey[frozenset[str]]()
# What this process (or, on the xdist controller, every worker) validated.
RECORDS = pytest.StashKey[list["Record"]]()
VERDICT = pytest.StashKey[list[str]]()

# Operations that never succeed on fedcity by design: only their refusals (Mastodon's
# `Error` body) can be validated.
ONLY_REFUSES: set[tuple[str, str]] = set()

# Stands in for every path parameter; no literal segment of the description is "0",
# so a sample path matches a templated operation, never a fixed one.
SAMPLE_SEGMENT = "0"

Operation = tuple[str, str]


@dataclass
class Record:
    """What one process validated, with the test files that did it."""

    validated: dict[Operation, set[str]] = field(default_factory=dict)
    refusals: dict[Operation, set[str]] = field(default_factory=dict)
    incomplete: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "validated": _listed(self.validated),
            "refusals": _listed(self.refusals),
            "incomplete": self.incomplete,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Record:
        return cls(
            _unlisted(data["validated"]),
            _unlisted(data["refusals"]),
            data["incomplete"],
        )


def _listed(ops: Mapping[Operation, set[str]]) -> list[list[Any]]:
    return [[method, path, sorted(files)] for (method, path), files in ops.items()]


def _unlisted(rows: Iterable[list[Any]]) -> dict[Operation, set[str]]:
    return {(method, path): set(files) for method, path, files in rows}


def function_of(item: pytest.Item) -> str:
    """The test function an item runs: its node id without the parameters, so that
    `test_x[sqlite]` and `test_x[postgres]` are one function."""
    return item.nodeid.split("[", 1)[0]


def _in_api_dir(item: pytest.Item) -> bool:
    return API_DIR in Path(item.path).resolve().parents


def sample_path(template: str) -> str:
    """A concrete path for an aiohttp route template (`/api/v1/lists/{id}`)."""
    return re.sub(r"\{[^}]+\}", SAMPLE_SEGMENT, template)


def served_operations() -> dict[Operation, str]:
    """Each operation of the description that a route of `add_routes` serves and that
    answers JSON, with the route. The operation is found the way `check_reply` finds
    one for a request, so both name the same template whatever the parameters are
    called; a route the description has no operation for is left out."""
    app = web.Application()
    add_routes(app)
    served: dict[Operation, str] = {}
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


def validated_by_api_tests(records: Iterable[Record], rootpath: Path) -> set[Operation]:
    """Operations validated by tests of tests/api/ in any of the processes (not by
    other directories' tests); test files are named relative to the rootdir. Those
    that only refuse count when a refusal of theirs was validated."""

    def in_api_dir(files: set[str]) -> bool:
        return any((rootpath / name).resolve().parent == API_DIR for name in files)

    done: set[Operation] = set()
    for record in records:
        done |= {op for op, files in record.validated.items() if in_api_dir(files)}
        done |= {
            op
            for op, files in record.refusals.items()
            if op in ONLY_REFUSES and in_api_dir(files)
        }
    return done


def never_validated(records: Iterable[Record], rootpath: Path) -> list[str]:
    """One line per served operation that no process validated."""
    served = served_operations()
    validated = validated_by_api_tests(records, rootpath)
    missing = sorted(set(served) - validated, key=lambda m: (m[1], m[0]))
    return [
        f"  {method} {template}  (route {served[(method, template)]})"
        for method, template in missing
    ]


def why_incomplete(session: pytest.Session) -> str | None:
    """Why this process cannot judge coverage, or None if all of tests/api/ ran."""
    collected = session.config.stash.get(COLLECTED, frozenset())
    files = {name.split("::", 1)[0] for name in collected}
    on_disk = {
        path.relative_to(session.config.rootpath).as_posix()
        for path in API_DIR.glob("test_*.py")
    }
    if not on_disk <= files:
        return "only meaningful when every file of tests/api/ is collected"
    selected = {function_of(item) for item in session.items}
    if not collected <= selected:
        return (
            "only meaningful when -k, -m or --deselect leave every test of tests/api/"
        )
    return None


# --- hooks ------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)  # before -k, -m and --deselect drop any item
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    config.stash[COLLECTED] = frozenset(
        function_of(item) for item in items if _in_api_dir(item)
    )


def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist controller: keep what a finished worker validated."""
    output = getattr(node, "workeroutput", {}).get(OUTPUT_KEY)
    if output is not None:
        node.config.stash.setdefault(RECORDS, []).append(Record.from_json(output))


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    here = Record(
        {op: set(files) for op, files in VALIDATED.items()},
        {op: set(files) for op, files in REFUSALS_VALIDATED.items()},
        why_incomplete(session),
    )
    if hasattr(config, "workerinput"):  # an xdist worker: the controller judges
        config.workeroutput[OUTPUT_KEY] = here.to_json()  # type: ignore[attr-defined]
        return
    controller = _is_xdist_controller(config)
    _judge(session, config.stash.get(RECORDS, []) if controller else [here])


def _is_xdist_controller(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "dist", "no") != "no")


def _judge(session: pytest.Session, records: list[Record]) -> None:
    config = session.config
    if not SPEC_PATH.exists() or not records:
        return
    reasons = {record.incomplete for record in records if record.incomplete}
    if reasons:
        config.stash[VERDICT] = [f"not judged: {sorted(reasons)[0]}"]
        return
    missing = never_validated(records, config.rootpath)
    if not missing:
        config.stash[VERDICT] = ["every implemented endpoint was validated"]
        return
    config.stash[VERDICT] = [
        "FAILED: never validated through the `http` fixture by tests/api/:",
        *missing,
    ]
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    verdict = config.stash.get(VERDICT, None)
    if verdict:
        terminalreporter.section("Mastodon API contract coverage")
        for line in verdict:
            terminalreporter.write_line(line)
