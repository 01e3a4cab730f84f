"""Print the totals of several pytest JUnit XML reports on one line, as
`total: N passed, N failed, N skipped` (scripts/test runs the suite in two passes)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def main(paths: list[str]) -> None:
    tests = failed = skipped = 0
    for path in paths:
        # Our own pytest wrote these reports a moment ago: trusted input.
        for suite in ET.parse(path).getroot().iter("testsuite"):  # noqa: S314
            tests += int(suite.get("tests", 0))
            failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped += int(suite.get("skipped", 0))
    passed = tests - failed - skipped
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
