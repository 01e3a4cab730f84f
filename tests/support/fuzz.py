"""Fuzzing fedcity's client API from the Mastodon OpenAPI description (schemathesis).

Each operation that fedcity serves (`tests.support.contract.served_operations`) gets
a fixed number of generated requests per generation mode (inputs the description
allows, and inputs it forbids), from a fixed seed, so a run is repeatable. Path
parameters are often swapped for the ids of rows that exist (`World`), so that the
handlers behind a found row run too, not only their 404s. Every answer is checked:
no 5xx, and a JSON answer must fit the description (`check_reply`). Failures are
collected rather than raised, so one run names every defect, not the first.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode

from tests.support.contract import served_operations
from tests.support.openapi import (
    SPEC_PATH,
    check_reply,
    find_operation,
    response_schema,
)

# How long a single request may take before the fuzz run counts it as hung.
REQUEST_TIMEOUT = 10.0


@dataclass
class World:
    """Ids of rows the fuzzed account can reach, by the path segment that names
    their resource (`statuses` for `/api/v1/statuses/{id}`)."""

    token: str
    ids: dict[str, list[str]] = field(default_factory=dict)

    def add(self, resource: str, *values: object) -> None:
        self.ids.setdefault(resource, []).extend(str(v) for v in values)

    def for_template(self, template: str) -> list[str]:
        """The known ids for the first parameter of `template`, else every id."""
        head = template.split("{", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        found = self.ids.get(head)
        return found or sorted({v for values in self.ids.values() for v in values})


@dataclass(frozen=True)
class Failure:
    label: str
    mode: str
    problem: str
    request: str

    def __str__(self) -> str:
        return f"{self.label} [{self.mode}] {self.problem}\n    {self.request}"


@dataclass
class Run:
    """What one fuzz run sent and found."""

    sent: dict[str, int] = field(default_factory=dict)  # by generation mode
    skipped: int = 0
    failures: dict[tuple[str, str], Failure] = field(default_factory=dict)
    seconds: float = 0.0

    def found(self, failure: Failure) -> None:
        # One failure per operation and kind of problem: the first example shows it.
        self.failures.setdefault((failure.label, _kind(failure.problem)), failure)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {mode}" for mode, n in sorted(self.sent.items()))
        return (
            f"{sum(self.sent.values())} requests ({counts}), {self.skipped} skipped, "
            f"in {self.seconds:.1f} s"
        )


def _kind(problem: str) -> str:
    return problem.split(":", 1)[0]


@cache
def _schema() -> Any:
    return schemathesis.openapi.from_path(str(SPEC_PATH))


def served_api_operations() -> list[Any]:
    """The description's operations that fedcity serves with a JSON answer, in a
    stable order."""
    served = set(served_operations())
    found = [
        result.ok()
        for result in _schema().get_all_operations()
        if (result.ok().method.upper(), result.ok().path) in served
    ]
    return sorted(found, key=lambda op: (op.path, op.method))


@dataclass
class Fuzzer:
    base_url: str
    world: World
    examples: int
    seed: int
    skip: Callable[[Case], bool] = lambda case: False
    run: Run = field(default_factory=Run)
    session: requests.Session = field(default_factory=requests.Session)

    def fuzz(self, operations: list[Any]) -> Run:
        started = time.monotonic()
        for op in operations:
            self._fuzz_operation(op, GenerationMode.POSITIVE)
            if _has_inputs_beyond_path(op):
                self._fuzz_operation(op, GenerationMode.NEGATIVE)
        self.run.seconds = time.monotonic() - started
        return self.run

    def _fuzz_operation(self, op: Any, mode: GenerationMode) -> None:
        ids = self.world.for_template(op.path)

        @seed(self.seed)
        @settings(
            max_examples=self.examples,
            deadline=None,
            database=None,
            derandomize=False,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        @given(case=op.as_strategy(generation_mode=mode), data=st.data())
        def one(case: Case, data: st.DataObject) -> None:
            for name in case.path_parameters or {}:
                if ids and data.draw(st.booleans()):
                    case.path_parameters[name] = data.draw(st.sampled_from(ids))
            # One request in five goes without the token.
            authenticated = data.draw(st.integers(0, 4)) > 0
            if self.skip(case):
                self.run.skipped += 1
                return
            self.run.sent[mode.value] = self.run.sent.get(mode.value, 0) + 1
            self._send(case, mode, authenticated)

        one()

    def _send(self, case: Case, mode: GenerationMode, authenticated: bool) -> None:
        headers = (
            {"Authorization": f"Bearer {self.world.token}"} if authenticated else {}
        )
        label = case.operation.label
        try:
            response = case.call(
                base_url=self.base_url,
                session=self.session,
                headers=headers,
                timeout=REQUEST_TIMEOUT,
            )
        except requests.RequestException as exc:
            self.run.found(Failure(label, mode.value, f"no answer: {exc}", _show(case)))
            return
        for problem in problems(case.method, response):
            self.run.found(Failure(label, mode.value, problem, _show(case)))


def _has_inputs_beyond_path(op: Any) -> bool:
    """Whether a request can break the description other than in its path. Every
    string is a valid path parameter, so an operation with only those has no
    forbidden input, and searching for one costs a second per operation."""
    located = (param.location.value for param in op.iter_parameters())
    return len(op.body) > 0 or any(where != "path" for where in located)


def problems(method: str, response: Any) -> Iterator[str]:
    """What is wrong with one answer: a 5xx, a JSON answer the description forbids,
    or an answer that is not JSON where the description gives a JSON schema (every
    error is Mastodon's JSON `Error`)."""
    status = int(response.status_code)
    text = response.content.decode("utf-8", "replace")
    if status >= 500:
        yield f"{status}: {text[:200]}"
        return
    path = unquote(urlsplit(response.request.url).path)
    content_type = response.headers.get("content-type", [""])[0]
    if not content_type.startswith("application/json"):
        op = find_operation(method, path)
        if op is not None and response_schema(op, status) is not None:
            yield f"contract: a {status} answer of {content_type or 'no type'}"
        return
    try:
        check_reply(method, path, status, text, record=False)
    except AssertionError as exc:
        yield f"contract: {exc}"
    except json.JSONDecodeError as exc:
        yield f"contract: answer is not JSON ({exc})"


def _show(case: Case) -> str:
    parts = [f"{case.method} {case.formatted_path}"]
    if case.query:
        parts.append(f"query={case.query!r}")
    if case.body is not None and not _is_unset(case.body):
        parts.append(f"body({case.media_type})={_short(case.body)}")
    return " ".join(parts)


def _is_unset(value: object) -> bool:
    return type(value).__name__ == "NotSet"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "…"
