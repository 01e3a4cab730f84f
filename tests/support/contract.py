"""Bookkeeping for the contract coverage test (tests/api/test_zz_contract_coverage.py).

That test asks whether every implemented endpoint had an answer validated against
the Mastodon OpenAPI description by the tests of `tests/api/`. Its answer only means
something when all of those tests were selected and ran before it, in this process.
`tests/api/conftest.py` calls `note_collection` while pytest collects, and the
coverage test asks `why_incomplete` before judging.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

API_DIR = Path(__file__).resolve().parents[1] / "api"
COVERAGE_FILE = API_DIR / "test_zz_contract_coverage.py"

# Every test function of tests/api/ that pytest collected, before -k, -m or
# --deselect chose among them.
COLLECTED = pytest.StashKey[frozenset[str]]()


def _in_api_dir(item: pytest.Item) -> bool:
    return API_DIR in Path(item.path).resolve().parents


def function_of(item: pytest.Item) -> str:
    """The test function an item runs: its node id without the parameters, so that
    `test_x[sqlite]` and `test_x[postgres]` are one function."""
    return item.nodeid.split("[", 1)[0]


def note_collection(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Remember what tests/api/ holds, and move the coverage test right after the last
    other tests/api/ test, whatever order the paths were given in: it has to see
    their validations, and only theirs come from that directory."""
    config.stash[COLLECTED] = frozenset(
        function_of(item) for item in items if _in_api_dir(item)
    )
    coverage = [item for item in items if Path(item.path).resolve() == COVERAGE_FILE]
    if not coverage:
        return
    rest = [item for item in items if item not in coverage]
    last = max(
        (n for n, item in enumerate(rest) if _in_api_dir(item)), default=len(rest) - 1
    )
    items[:] = rest[: last + 1] + coverage + rest[last + 1 :]


def why_incomplete(session: pytest.Session) -> str | None:
    """Why this session cannot judge coverage, or None if all of tests/api/ ran."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return "validations are recorded per process; run tests/api/ in one process"
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
