"""A test that needs a missing tool (Chromium, npm) is skipped on a developer's
machine, but fails in CI, where such a test must always run."""

from __future__ import annotations

import pytest

from tests.support.node_packages import unavailable


def test_missing_tool_skips_outside_ci(monkeypatch):
    # Given a developer's machine
    monkeypatch.delenv("CI", raising=False)
    # When a browser test finds no Chromium
    # Then it is skipped, saying why
    with pytest.raises(pytest.skip.Exception, match="needs Chromium"):
        unavailable("needs Chromium", required_in_ci=True)


def test_missing_tool_fails_in_ci(monkeypatch):
    # Given a CI run
    monkeypatch.setenv("CI", "true")
    # When a browser test finds no Chromium
    # Then it fails, so that CI cannot pass without running it
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        unavailable("needs Chromium", required_in_ci=True)


def test_optional_tool_still_skips_in_ci(monkeypatch):
    # Given a CI run, and a check that may be skipped (masto.js without Node 20)
    monkeypatch.setenv("CI", "true")
    # Then it is skipped
    with pytest.raises(pytest.skip.Exception):
        unavailable("needs Node.js 20")
