"""A case study's `results` as the Markdown table of its `## Results` section:

    | measure | before | after | unit |
    | --- | --- | --- | --- |
    | pothole repair time | 9 | 2 | days |

One row per result, the columns by their names in the header (any order, each
at most once). An empty cell leaves the field out. In `before` and `after` a
cell written as a JSON number (`9`, `2.5`, `-1`, `1e6`) is a number and anything
else a text; a cell in double quotes is a JSON string, for a text that would
otherwise read as a number or lose its spaces (`"9"`, `" "`, `""`). A `|` inside a
cell is written `\\|`, as GitHub's tables have it.

`table_of` writes what `results_of` reads back exactly, or says it cannot (None)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Final

from fedcity.errors import DocumentInvalid, Problem
from fedcity.i18n import N_

COLUMNS: Final = ("measure", "before", "after", "unit")
FIGURES: Final = frozenset({"before", "after"})  # the columns that take numbers
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_CELL_BORDER: Final = re.compile(r"(?<!\\)\|")
_DELIMITER: Final = re.compile(r":?-+:?")

NOT_A_TABLE: Final = N_(
    "must be a table whose header names its columns: measure, before, after, unit"
)
NOT_A_COLUMN: Final = N_(
    "{name} is not a column of the results: they are measure, before, after and unit"
)
SAME_COLUMN: Final = N_("names the column {name} twice")
CELL_COUNT: Final = N_("has {count} cells where the header has {columns}")
BAD_QUOTED: Final = N_("is not a valid text in double quotes: {reason}")


def table_of(results: object) -> str | None:
    """The table of `results`, or None when a table cannot hold it exactly (not
    a non-empty list of objects with only the four fields, or a value neither a
    number nor a text)."""
    if not isinstance(results, list) or not results:
        return None
    rows = [f"| {' | '.join(COLUMNS)} |", f"|{' --- |' * len(COLUMNS)}"]
    for result in results:
        if not isinstance(result, dict) or not set(result) <= set(COLUMNS):
            return None
        cells = [_cell_text(name, result.get(name)) for name in COLUMNS]
        if any(cell is None for cell in cells):
            return None
        rows.append(f"| {' | '.join(c or '' for c in cells)} |")
    return "\n".join(rows)


def _cell_text(column: str, value: object) -> str | None:
    """How one value is written in its cell ("" for an absent one)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        written = json.dumps(value)
        if column not in FIGURES or not _NUMBER.fullmatch(written):
            return None  # NaN and infinities are not JSON
    elif isinstance(value, str):
        written = (
            value if _plain(column, value) else json.dumps(value, ensure_ascii=False)
        )
    else:
        return None
    return written.replace("|", "\\|")


def _plain(column: str, text: str) -> bool:
    """Whether a text reads back as itself without quotes."""
    return (
        text != ""
        and text == text.strip()
        and not text.startswith('"')
        and "\n" not in text
        and "\r" not in text
        and not (column in FIGURES and _NUMBER.fullmatch(text))
    )


def results_of(lines: Sequence[str]) -> list[dict[str, Any]]:
    """The results a table's lines say (blank lines skipped).

    Raises:
        DocumentInvalid: not a table, an unknown or repeated column, a row of the
            wrong width, a bad quoted text.
    """
    rows = [line.strip() for line in lines if line.strip()]
    if len(rows) < 2 or not all(row.startswith("|") for row in rows):
        raise DocumentInvalid(problems=[Problem("results", NOT_A_TABLE)])
    header = [cell.lower() for cell in _cells(rows[0])]
    if not all(_DELIMITER.fullmatch(cell) for cell in _cells(rows[1])):
        raise DocumentInvalid(problems=[Problem("results", NOT_A_TABLE)])
    _check_header(header)
    found: list[Problem] = []
    results = []
    for index, row in enumerate(rows[2:]):
        result, problems = _result(header, _cells(row), f"results[{index}]")
        results.append(result)
        found.extend(problems)
    if found:
        raise DocumentInvalid(problems=found)
    return results


def _cells(row: str) -> list[str]:
    """The cells of `| a | b |` (the outer bars optional at the end), trimmed,
    with `\\|` read as `|`."""
    inner = row[1:]
    parts = _CELL_BORDER.split(inner)
    if parts and parts[-1].strip() == "" and _CELL_BORDER.search(inner):
        parts = parts[:-1]
    return [part.strip().replace("\\|", "|") for part in parts]


def _check_header(header: list[str]) -> None:
    problems = [
        Problem("results", NOT_A_COLUMN, {"name": repr(name)})
        for name in header
        if name not in COLUMNS
    ]
    problems += [
        Problem("results", SAME_COLUMN, {"name": name})
        for name in dict.fromkeys(header)
        if header.count(name) > 1 and name in COLUMNS
    ]
    if problems:
        raise DocumentInvalid(problems=problems[:1])


def _result(
    header: list[str], cells: list[str], where: str
) -> tuple[dict[str, Any], list[Problem]]:
    if len(cells) != len(header):
        params = {"count": len(cells), "columns": len(header)}
        return {}, [Problem(where, CELL_COUNT, params)]
    result: dict[str, Any] = {}
    problems = []
    for name, cell in zip(header, cells, strict=True):
        if cell == "":
            continue
        try:
            result[name] = _value(name, cell)
        except ValueError as exc:
            problems.append(
                Problem(f"{where}.{name}", BAD_QUOTED, {"reason": str(exc)})
            )
    return result, problems


def _value(column: str, cell: str) -> object:
    if cell.startswith('"'):
        value = json.loads(cell)  # JSONDecodeError is a ValueError
        if not isinstance(value, str):
            raise ValueError(cell)
        return value
    if column in FIGURES and _NUMBER.fullmatch(cell):
        number: object = json.loads(cell)
        return number
    return cell
