"""Bulk loading's rules on one database (issue 14): a file imported again
updates its item (an Update federated, the former document kept) or leaves it
alone; a file whose item was withdrawn is refused rather than undoing the
withdrawal; an item written through the API takes its exported file's name as
its key, so importing the export back finds it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from fedcity.services.library import exporting, items
from fedcity.services.library.importing import (
    Outcome,
    Refusal,
    Target,
    import_batch,
    plan_sources,
)
from fedcity.storage.models import LibraryItemVersion, LibraryKind
from fedcity.storage.queries import library as q
from fedcity.urls import Urls
from tests.services.test_library import federated
from tests.support.library import case_study
from tests.support.officials import account

URLS = Urls("http://city.example")
CASE = LibraryKind.CASE_STUDY
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TARGET = Target("mayor", CASE, URLS, LICENSE)


async def _import(session, *paths: Path) -> list[Outcome | str]:
    """What became of each file: an outcome, or the refusal's line."""
    plan = plan_sources([str(p) for p in paths])
    done = await import_batch(session, TARGET, plan.sources)
    return [d.line() if isinstance(d, Refusal) else d for d in done]


async def test_a_file_imported_again_updates_or_leaves_its_item(db, tmp_path):
    async with db.session() as session:
        # Given the mayor's case study imported from a file
        mayor = await account(session, "mayor")
        path = tmp_path / "potholes.json"
        path.write_text(json.dumps(case_study()))
        assert await _import(session, path) == [Outcome.CREATED]
        (item,) = await q.list_local_items(session, CASE, mayor.id)
        # When the same file is imported again, unchanged
        # Then the item is left alone: no version, nothing federated
        assert await _import(session, path) == [Outcome.UNCHANGED]
        assert await federated(session, item.post_id) == ["Create"]
        # When the file is edited, and then broken
        path.write_text(json.dumps(case_study(status="abandoned")))
        assert await _import(session, path) == [Outcome.UPDATED]
        path.write_text(json.dumps(case_study(topics=[])))
        refused = await _import(session, path)
        # Then the edit updated the item (an Update, the former document kept),
        # and the broken file was refused, the item left as it was
        assert item.document["status"] == "abandoned"
        assert await federated(session, item.post_id) == ["Create", "Update"]
        versions = await session.scalars(
            select(LibraryItemVersion).where(LibraryItemVersion.item_id == item.id)
        )
        assert [v.document["status"] for v in versions] == ["completed"]
        assert refused == [f"{path}: topics: can't be empty"]
        assert item.document["status"] == "abandoned"


async def test_the_file_of_a_withdrawn_item_is_refused(db, tmp_path):
    async with db.session() as session:
        # Given an imported item its author withdrew
        mayor = await account(session, "mayor")
        path = tmp_path / "potholes.md"
        path.write_text("---\ntitle: Potholes\njurisdiction: {name: Ojai, state: CA}\n"
                        "topics: [infrastructure]\n---\n")  # fmt: skip
        assert await _import(session, path) == [Outcome.CREATED]
        (item,) = await q.list_local_items(session, CASE, mayor.id)
        await items.withdraw_item(session, mayor, item)
        # When its file is imported again
        # Then it is refused, and the item stays withdrawn (not brought back, not
        # copied)
        assert await _import(session, path) == [
            f"{path}: This item was withdrawn by its author"
        ]
        assert await q.list_local_items(session, CASE, mayor.id) == []


async def test_an_item_written_through_the_api_is_found_by_its_exported_name(
    db, tmp_path
):
    async with db.session() as session:
        # Given two items of the same title the mayor wrote through the API
        mayor = await account(session, "mayor")
        for _ in range(2):
            await items.create_item(
                session, URLS, mayor, CASE, case_study(), default_license=LICENSE
            )
        # When they are exported as Markdown
        files = await exporting.export_items(session, CASE, "markdown")
        exporting.write_files(tmp_path / "out", files)
        # Then each has a file named after its title, and that name as its key
        assert [f.name for f in files] == ["pothole-blitz.md", "pothole-blitz-2.md"]
        # And importing the export back finds both and changes nothing
        assert await _import(session, tmp_path / "out") == [Outcome.UNCHANGED] * 2
