"""`fedcity case-study import|export` and `funding import|export`, run as an
operator runs them (issue 14): a folder of JSON and Markdown files with a few
bad ones, refused with their reasons while the others are imported; a re-run
updates instead of copying; an export imported elsewhere gives back the same
documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fedcity.storage.db import Database
from fedcity.storage.models import Actor, LibraryItem, LibraryItemVersion
from tests.cli.test_cli import assert_one_error_line, write_config
from tests.cli.test_offices import cfg  # noqa: F401 (the fixture)
from tests.support.cli_runner import fedcity
from tests.support.library import case_study, funding

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PASSWORD = "correct horse battery"

STREET_LIGHTS_MD = """\
---
title: LED street lights
jurisdiction: {name: Ojai, state: CA, population: 7600}
topics: [sustainability, infrastructure]
hashtags: ["#streetlights"]
start_date: 2024-03-01
status: completed
---

## Problem

The lights cost $80,000 a year to run.

Half of them were out.

## Approach

Replace every lamp with LED, one district a month.

## Results

| measure | before | after | unit |
|:--|--:|--:|---|
| energy bill | 80000 | 31000 | USD/year |
| lamps out | half | "0" | |

## Lessons learned

Buy the spares with the first order.
"""

TREE_CANOPY_MD = """\
---
jurisdiction:
  name: Ventura
  state: CA
topics:
  - parks_recreation
---
# Tree canopy on school routes

## Problem

Hot sidewalks on the way to school.
"""


def _expected(doc: dict[str, Any]) -> dict[str, Any]:
    """A document as stored: the defaults applied, hashtags without '#'."""
    stored = {**doc, "indexable": True, "license": LICENSE}
    if "hashtags" in stored:
        stored["hashtags"] = [tag.lstrip("#") for tag in stored["hashtags"]]
    return stored


STREET_LIGHTS = _expected(
    {
        "title": "LED street lights",
        "jurisdiction": {"name": "Ojai", "state": "CA", "population": 7600},
        "topics": ["sustainability", "infrastructure"],
        "hashtags": ["streetlights"],
        "start_date": "2024-03-01",
        "status": "completed",
        "problem": "The lights cost $80,000 a year to run.\n\nHalf of them were out.",
        "approach": "Replace every lamp with LED, one district a month.",
        "results": [
            {
                "measure": "energy bill",
                "before": 80000,
                "after": 31000,
                "unit": "USD/year",
            },
            {"measure": "lamps out", "before": "half", "after": "0"},
        ],
        "lessons_learned": "Buy the spares with the first order.",
    }
)
TREE_CANOPY = _expected(
    {
        "title": "Tree canopy on school routes",
        "jurisdiction": {"name": "Ventura", "state": "CA"},
        "topics": ["parks_recreation"],
        "problem": "Hot sidewalks on the way to school.",
    }
)


def _write(path: Path, content: str | dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content, indent=2)
    path.write_text(text, encoding="utf-8")


def _case_study_folder(root: Path) -> Path:
    """Three good files (JSON, Markdown with every section, Markdown titled by
    its heading) and four bad ones."""
    folder = root / "library"
    _write(folder / "pothole-blitz.json", case_study())
    _write(folder / "ojai" / "street-lights.md", STREET_LIGHTS_MD)
    _write(folder / "ventura" / "tree-canopy.md", TREE_CANOPY_MD)
    _write(
        folder / "bad" / "no-state.json",
        case_study(title="Bus lanes", jurisdiction={"name": "Ojai"}, topics=["roads"]),
    )
    _write(folder / "bad" / "broken.json", '{"title": "Half a file",\n')
    _write(folder / "bad" / "stray.md", "---\ntitle: Budget\n---\n\n## Budget\n\n$5\n")
    _write(folder / "notes.txt", "to do: the bus lanes")
    _write(folder / ".DS_Store", "hidden files are skipped")
    return folder


async def _setup(tmp_path: Path, url: str, *accounts: str) -> str:
    config = write_config(tmp_path, url, f"{tmp_path.name}.toml")
    for name in accounts:
        made = fedcity(
            tmp_path,
            "-c",
            str(config),
            "account",
            "create",
            name,
            "--password",
            PASSWORD,
        )
        assert made.returncode == 0, made.stderr
    return str(config)


async def _documents(url: str, author: str) -> dict[str | None, dict[str, Any]]:
    """An author's items, by import key."""
    db = Database(url)
    try:
        async with db.session() as session:
            rows = await session.execute(
                select(LibraryItem.import_key, LibraryItem.document)
                .join(Actor, Actor.id == LibraryItem.actor_id)
                .where(Actor.username == author)
            )
            return {key: doc for key, doc in rows}
    finally:
        await db.dispose()


async def _versions(url: str) -> int:
    db = Database(url)
    try:
        async with db.session() as session:
            return int(await session.scalar(select(func.count(LibraryItemVersion.id))))
    finally:
        await db.dispose()


@pytest.mark.sqlite_only  # the services beneath run on both: tests/services
async def test_a_folder_is_imported_bad_files_refused_and_a_rerun_updates(
    tmp_path, make_migrated_db_url
):
    # Given an instance with the mayor's account, and a folder of case studies in
    # JSON and Markdown, four of its files bad
    url = await make_migrated_db_url()
    config = await _setup(tmp_path, url, "mayor")
    folder = _case_study_folder(tmp_path)
    # When the operator imports the folder as the mayor's
    first = fedcity(tmp_path, "-c", config, "case-study", "import", "mayor", "library")
    # Then it fails (status 1), counts both, and gives each refused file's reason
    assert first.returncode == 1, first.stderr
    assert first.stdout.splitlines() == [
        "imported 3, refused 4",
        "library/bad/broken.json: is not valid JSON: Expecting property name "
        "enclosed in double quotes: line 2 column 1 (char 25)",
        "library/bad/no-state.json: jurisdiction.state: is required; topics[0]: "
        "'roads' is not one of housing, homelessness, public_safety, transportation, "
        "infrastructure, economic_development, sustainability, budget_finance, "
        "public_health, parks_recreation, technology, civic_engagement, governance, "
        "emergency_management, workforce",
        "library/bad/stray.md: 'Budget' is not a section of a case study: the "
        "sections are Problem, Approach, Results and Lessons learned",
        "library/notes.txt: not a JSON (.json) or Markdown (.md) file",
    ]
    # And stderr says what became of the others, without a progress bar off a
    # terminal
    assert first.stderr == "fedcity: 3 created, 0 updated, 0 unchanged\n"
    # And nothing else was lost: the three good files are the mayor's items, each
    # under its file's path, exactly as written (defaults applied)
    assert await _documents(url, "mayor") == {
        "pothole-blitz": _expected(case_study()),
        "ojai/street-lights": STREET_LIGHTS,
        "ventura/tree-canopy": TREE_CANOPY,
    }

    # When the bad files are fixed, the stray note removed, one good file edited,
    # and the folder imported again
    _write(folder / "bad" / "no-state.json", case_study(title="Bus lanes"))
    _write(folder / "bad" / "broken.json", case_study(title="Half a file"))
    _write(
        folder / "bad" / "stray.md",
        "---\ntitle: Budget\njurisdiction: {name: Ojai, state: CA}\n"
        "topics: [budget_finance]\n---\n\n## Approach\n\n$5\n",
    )
    (folder / "notes.txt").unlink()
    edited = case_study(status="abandoned")
    _write(folder / "pothole-blitz.json", edited)
    again = fedcity(tmp_path, "-c", config, "case-study", "import", "@mayor", "library")
    # Then it succeeds (status 0) and refuses nothing
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == "imported 6, refused 0\n"
    # And the files seen before were updated or left alone, not copied
    assert again.stderr == "fedcity: 3 created, 1 updated, 2 unchanged\n"
    documents = await _documents(url, "mayor")
    assert len(documents) == 6
    assert documents["pothole-blitz"] == _expected(edited)
    assert documents["bad/stray"]["title"] == "Budget"
    # And the edit kept the former document in the item's history, alone
    assert await _versions(url) == 1


@pytest.mark.sqlite_only  # the services beneath run on both: tests/services
async def test_an_export_imported_elsewhere_gives_the_same_documents(
    tmp_path, make_migrated_db_url
):
    # Given the mayor's case studies imported on one instance (its bad files
    # refused), and an empty second instance with the league's account
    city_url, league_url = await make_migrated_db_url(), await make_migrated_db_url()
    city = await _setup(tmp_path, city_url, "mayor")
    league_root = tmp_path / "league"
    league_root.mkdir()
    league = await _setup(league_root, league_url, "staff")
    folder = _case_study_folder(tmp_path)
    for bad in ("bad", "notes.txt"):
        shutil.rmtree(folder / bad) if bad == "bad" else (folder / bad).unlink()
    loaded = fedcity(tmp_path, "-c", city, "case-study", "import", "mayor", "library")
    assert loaded.returncode == 0, loaded.stdout
    # When the city exports them, as JSON and as Markdown
    as_json = fedcity(tmp_path, "-c", city, "case-study", "export", "--out", "json")
    as_md = fedcity(
        tmp_path, "-c", city, "case-study", "export", "--out", "md", "--format",
        "markdown",
    )  # fmt: skip
    # Then each writes a file per item, named by the file it came from
    assert as_json.stdout == "exported 3 to json\n"
    assert as_md.returncode == 0, as_md.stderr
    assert _tree(tmp_path / "md") == {
        "ojai/street-lights.md",
        "pothole-blitz.md",
        "ventura/tree-canopy.md",
    }
    # When the league imports the Markdown export, and exports it as JSON
    imported = fedcity(
        league_root, "-c", league, "case-study", "import", "staff", str(tmp_path / "md")
    )
    assert imported.stdout == "imported 3, refused 0\n", imported.stderr
    fedcity(league_root, "-c", league, "case-study", "export", "--out", "json")
    # Then both exports are the same files, byte for byte, and the same documents
    # the city's files said
    assert _contents(league_root / "json") == _contents(tmp_path / "json")
    assert await _documents(league_url, "staff") == await _documents(city_url, "mayor")
    assert (
        json.loads((league_root / "json" / "ojai" / "street-lights.json").read_text())
        == STREET_LIGHTS
    )

    # When the city imports its own export back as the mayor's
    back = fedcity(tmp_path, "-c", city, "case-study", "import", "mayor", "json")
    # Then every item is found by its file's name and left as it was
    assert back.stdout == "imported 3, refused 0\n"
    assert back.stderr == "fedcity: 0 created, 0 updated, 3 unchanged\n"


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _contents(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in _tree(root)}


@pytest.mark.sqlite_only  # the services beneath run on both: tests/services
async def test_funding_opportunities_import_and_export_the_same_way(
    tmp_path, make_migrated_db_url
):
    # Given funding opportunities in JSON and Markdown, two of them bad: one with
    # a case study's section, one whose deadline has no offset
    url = await make_migrated_db_url()
    config = await _setup(tmp_path, url, "mayor", "clerk")
    folder = tmp_path / "grants"
    _write(folder / "wildfire.json", funding())
    _write(
        folder / "trees.md",
        "---\ntitle: Urban forestry grants\nfunder: {name: CAL FIRE}\n"
        "amount: {min: 5000, max: 50000, currency: USD}\n"
        "deadline: 2099-06-01T17:00:00-07:00\ntimezone: America/Los_Angeles\n"
        "eligibility: {states: [CA], applicants: [city, nonprofit]}\n"
        "topics: [sustainability]\n---\n",
    )
    _write(
        folder / "bad-section.md",
        "---\ntitle: X\nfunder: {name: Y}\n---\n\n## Problem\n\nZ\n",
    )
    _write(folder / "bad-deadline.json", funding(deadline="2099-03-01T17:00:00"))
    # When they are imported as the mayor's
    first = fedcity(tmp_path, "-c", config, "funding", "import", "mayor", "grants")
    # Then the two good ones are, and the others are refused with their reasons
    assert first.returncode == 1
    assert first.stdout.splitlines() == [
        "imported 2, refused 2",
        "grants/bad-deadline.json: deadline: must be a date and time with its "
        "offset, such as 2027-03-01T17:00:00-08:00",
        "grants/bad-section.md: a funding opportunity has no sections: every field "
        "is in the front matter",
    ]
    # When the mayor's are exported as Markdown and imported as the clerk's
    exported = fedcity(
        tmp_path, "-c", config, "funding", "export", "--format", "markdown",
        "--account", "mayor",
    )  # fmt: skip
    assert exported.stdout == "exported 2 to funding-opportunities\n"
    copied = fedcity(
        tmp_path, "-c", config, "funding", "import", "clerk", "funding-opportunities"
    )
    assert copied.stdout == "imported 2, refused 0\n"
    # Then the clerk's documents are the mayor's, under the same keys
    mayor, clerk = await _documents(url, "mayor"), await _documents(url, "clerk")
    assert clerk == mayor
    assert mayor["wildfire"] == {**funding(), "indexable": True}
    assert mayor["trees"]["deadline"] == "2099-06-01T17:00:00-07:00"


def test_mistakes_are_one_clear_line(tmp_path, cfg):  # noqa: F811
    # When the account does not exist
    nobody = fedcity(tmp_path, "-c", cfg, "case-study", "import", "nobody", ".")
    # Then it is one error line, and nothing was read
    assert_one_error_line(nobody, "No account nobody is known here")
    # When a path names nothing
    missing = fedcity(tmp_path, "-c", cfg, "funding", "import", "mayor", "nowhere")
    # Then it is refused as a file would be
    assert missing.returncode == 1
    assert missing.stdout == "imported 0, refused 1\nnowhere: no such file or folder\n"
