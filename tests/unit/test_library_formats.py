"""The library's import and export files (services/library/formats.py,
results_table.py, exporting.file_names, importing.import_key): what a file
says is read exactly, what is written reads back exactly, and a file that
cannot be read says why."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fedcity.cli.progress import ProgressBar
from fedcity.errors import DocumentInvalid
from fedcity.services.library import formats
from fedcity.services.library.exporting import file_names, slug
from fedcity.services.library.importing import import_key, plan_sources
from fedcity.storage.models import LibraryItem, LibraryKind
from tests.support.library import case_study, funding

CASE = LibraryKind.CASE_STUDY
FUNDING = LibraryKind.FUNDING_OPPORTUNITY


def _same(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _problems(kind: LibraryKind, text: str) -> list[str]:
    with pytest.raises(DocumentInvalid) as refused:
        formats.read_markdown(kind, text)
    return [p.line() for p in refused.value.problems]


# --- round trips ---------------------------------------------------------------------

# Texts that break naive writers: headings, bars, quotes, numbers, blank lines,
# line ends YAML and Markdown treat apart.
AWKWARD = st.lists(
    st.sampled_from(
        ["a", "é", " ", "\n", "\r", "\t", "#", "## Approach", "|", "\\", '"', "'",
         "-", ":", "9", ".", "---", "\u2028", "\x85", "\ufeff", "\x00", "yes", "~"]
    ),
    max_size=12,
).map("".join)  # fmt: skip
FIGURE = st.one_of(
    AWKWARD,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
)
RESULT = st.fixed_dictionaries(
    {},
    optional={"measure": AWKWARD, "before": FIGURE, "after": FIGURE, "unit": AWKWARD},
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | AWKWARD,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(AWKWARD, inner, max_size=3)
    ),
    max_leaves=8,
)
DOCUMENT = st.fixed_dictionaries(
    {"title": AWKWARD},
    optional={
        "problem": AWKWARD,
        "approach": AWKWARD,
        "lessons_learned": AWKWARD,
        "results": st.lists(RESULT, max_size=3) | JSON_VALUE,
        "jurisdiction": JSON_VALUE,
        "start_date": st.just("2025-01-06"),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(doc=DOCUMENT)
def test_whatever_is_exported_imports_back_exactly(doc: dict[str, Any]) -> None:
    # Given any document, texts and figures as awkward as they come
    # When it is written as Markdown and as JSON, then read back
    # Then both give exactly the document: the same values of the same types
    assert _same(formats.read_markdown(CASE, formats.write_markdown(CASE, doc)), doc)
    assert _same(formats.read_json(formats.write_json(CASE, doc)), doc)


def test_the_long_parts_are_sections_when_they_read_back_as_themselves():
    # Given a case study whose problem would split into two sections
    doc = case_study(problem="First.\n## Approach\nNot a heading.")
    # When it is written as Markdown
    text = formats.write_markdown(CASE, doc)
    # Then the problem stays in the front matter, the rest are sections
    assert "problem: |-\n  First.\n  ## Approach\n" in text
    assert "\n## Results\n\n| measure | before | after | unit |\n" in text
    assert "\n## Lessons learned\n\nPublish the map;" in text
    assert text.index("---\n\n## Approach") < text.index("## Results")
    # And a funding opportunity is front matter alone
    assert formats.write_markdown(FUNDING, funding()).endswith("language: en\n---\n")


def test_a_hand_written_markdown_file_reads_as_its_author_means():
    # Given a file written by hand: dates and "no" unquoted, a title heading, a
    # results table with its columns in another order and no outer bars at the end
    text = (
        "---\r\njurisdiction: {name: Ojai, state: CA}\r\nlanguage: no\r\n"
        "start_date: 2025-01-06\r\nindexable: false\r\n---\r\n\r\n# Pothole blitz\r\n\r\n"
        "## lessons learned\r\n\r\nCall first.\r\n\r\n## Results\r\n\r\n"
        "| unit | measure | after | before\r\n|---|---|:-:|--\r\n"
        '| days | repair time | 2 | 9\r\n| | \\| bars | about 3 | " 9"\r\n'
    )
    # When it is read
    doc = formats.read_markdown(CASE, text)
    # Then every field is what it says, texts as texts and numbers as numbers
    assert doc == {
        "jurisdiction": {"name": "Ojai", "state": "CA"},
        "language": "no",
        "start_date": "2025-01-06",
        "indexable": False,
        "title": "Pothole blitz",
        "lessons_learned": "Call first.",
        "results": [
            {"unit": "days", "measure": "repair time", "after": 2, "before": 9},
            {"measure": "| bars", "after": "about 3", "before": " 9"},
        ],
    }


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("title: x\n", ["must begin with front matter: the fields in YAML between two lines of ---"]),
        ("---\ntitle: x\n", ["must begin with front matter: the fields in YAML between two lines of ---"]),
        ("---\n- a\n---\n", ["the front matter must be a mapping of fields"]),
        ("---\ntitle: a\ntitle: b\n---\n", ["the front matter is not valid YAML: the field 'title' is given twice (line 3, column 1)"]),
        ("---\ntitle: [\n---\n", ["the front matter is not valid YAML: did not find expected node content (line 3, column 1)"]),
        ("---\nsize: .inf\n---\n", ["size: holds a value a JSON document cannot: inf"]),
        ("---\n---\nSome words.\n", ["text outside a section: put it under ## Problem, ## Approach, ## Results or ## Lessons learned"]),
        ("---\n---\n## Costs\n", ["'Costs' is not a section of a case study: the sections are Problem, Approach, Results and Lessons learned"]),
        ("---\n---\n## Problem\na\n## problem\nb\n", ["problem: is given in two sections"]),
        ("---\nproblem: a\n---\n## Problem\nb\n", ["problem: is given both in the front matter and as a section"]),
        ("---\ntitle: A\n---\n# B\n", ["title: the # heading and the front matter give two titles"]),
        ("---\n---\n## Results\nwords\n", ["results: must be a table whose header names its columns: measure, before, after, unit"]),
        ("---\n---\n## Results\n| cost |\n| - |\n", ["results: 'cost' is not a column of the results: they are measure, before, after and unit"]),
        ("---\n---\n## Results\n| unit | unit |\n| - | - |\n", ["results: names the column unit twice"]),
        ("---\n---\n## Results\n| measure | after |\n| - | - |\n| a |\n| b | \"x |\n", ["results[0]: has 1 cells where the header has 2", "results[1].after: is not a valid text in double quotes: Unterminated string starting at: line 1 column 1 (char 0)"]),
    ],
)  # fmt: skip
def test_a_markdown_file_that_cannot_be_read_says_why(text, problems):
    assert _problems(CASE, text) == problems


def test_a_funding_opportunity_has_no_sections():
    assert _problems(FUNDING, "---\ntitle: x\n---\n\n## Problem\n\ny\n") == [
        "a funding opportunity has no sections: every field is in the front matter"
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"title": 1, "title": 2}', "the field 'title' is given twice"),
        ('{"cost": NaN}', "NaN is not a JSON number"),
        ("[1,", "Expecting value: line 1 column 4 (char 3)"),
    ],
)
def test_a_json_file_that_cannot_be_read_says_why(text, reason):
    with pytest.raises(DocumentInvalid) as refused:
        formats.read_json(text)
    assert [p.line() for p in refused.value.problems] == [
        f"is not valid JSON: {reason}"
    ]


def test_json_is_written_in_the_schemas_order():
    # Given a document whose fields come back sorted (as from PostgreSQL's JSONB)
    doc = dict(sorted(case_study().items()))
    # When it is written as JSON
    written = json.loads(formats.write_json(CASE, doc))
    # Then its fields are in the order the schema lists them
    assert list(written) == list(case_study())


# --- names and keys ----------------------------------------------------------------


def test_a_files_key_is_its_path_without_its_extension():
    assert import_key(Path("ojai/potholes.md")) == "ojai/potholes"
    assert import_key(Path("report.v2.json")) == "report.v2"
    # macOS writes names decomposed; the key is the same either way
    assert import_key(Path("Sen\u0303ales.json")) == "Señales"


def test_files_are_planned_in_order_and_those_that_cannot_be_are_refused(tmp_path):
    # Given a folder with documents, a note, a hidden file, a JSON and a Markdown
    # file of the same path, and a name that is not UTF-8
    for name in ("b/x.md", "a.json", "a.md", "notes.txt", ".git/config", "z.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / os.fsdecode(b"caf\xe9.json")).write_text("{}")
    # When the command's paths are planned (the folder, and a path to nothing)
    plan = plan_sources([str(tmp_path), str(tmp_path / "nowhere")])
    # Then the documents come by path, each with its key
    assert [(Path(s.shown).relative_to(tmp_path).as_posix(), s.key) for s in plan.sources] == [
        ("a.json", "a"), ("b/x.md", "b/x"), ("z.json", "z"),
    ]  # fmt: skip
    # And the others are refused with their reasons, hidden files skipped
    assert [r.line().replace(f"{tmp_path}/", "") for r in plan.refused] == [
        "a.md: is the same item as a.json (the same path but for its extension): "
        "import one of them",
        "caf\ufffd.json: its name is not UTF-8",
        "notes.txt: not a JSON (.json) or Markdown (.md) file",
        "nowhere: no such file or folder",
    ]


def _item(item_id: int, title: str, key: str | None, author: int = 1) -> LibraryItem:
    return LibraryItem(
        id=item_id, kind=CASE.value, title=title, import_key=key, actor_id=author
    )


def test_exported_files_keep_their_keys_and_others_take_free_slugs():
    # Given items imported from files, one whose key is not a safe path, items
    # written through the API (no key) with the same title, and another author's
    # key that a slug would take
    rows = [
        _item(1, "Pothole blitz", "ojai/potholes"),
        _item(2, "Pothole blitz", None),
        _item(3, "Pothole blitz", None),
        _item(4, "Lights", "../lights"),
        _item(5, "Trees", "Pothole-Blitz-3", author=2),
    ]
    # When their files are named
    names = file_names(rows, [(1, "ojai/potholes"), (1, "pothole-blitz-2"), (1, "../lights"), (2, "Pothole-Blitz-3")])  # fmt: skip
    # Then keys are kept, slugs do not take an author's key or another file's name
    # (in any case), and an unsafe key gets a slug but keeps itself
    assert names == {
        1: "ojai/potholes",
        2: "pothole-blitz",
        3: "pothole-blitz-4",
        4: "lights",
        5: "Pothole-Blitz-3",
    }
    # And the items written through the API take their file's name as their key
    assert [row.import_key for row in rows] == [
        "ojai/potholes", "pothole-blitz", "pothole-blitz-4", "../lights", "Pothole-Blitz-3",
    ]  # fmt: skip


def test_a_slug_is_ascii_and_short():
    assert slug("Señales: 9 → 2 días!", CASE) == "senales-9-2-dias"
    assert slug("→", FUNDING) == "funding-opportunity"
    assert len(slug("word " * 40, CASE)) <= 60


# --- the progress bar ----------------------------------------------------------------


def test_the_progress_bar_draws_on_a_terminal_only():
    # Given a bar on a terminal and one on a pipe
    shown, hidden = io.StringIO(), io.StringIO()
    bar = ProgressBar(4, shown, "importing", shown=True)
    quiet = ProgressBar(4, hidden, "importing")
    # When both advance to the end
    for progress in (bar, quiet):
        progress.advance(2)
        progress.advance(2)
        progress.close()
    # Then the terminal's ends full on its own line, and the pipe got nothing
    last = shown.getvalue().split("\r")[-1]
    assert last.startswith("importing [" + "#" * 30 + "] 4/4 100% ")
    assert last.endswith("/s\n")
    assert hidden.getvalue() == ""
