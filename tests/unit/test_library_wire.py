"""A library item's document ↔ its Article's fields (federation.library.wire), and
the consent rule (services.library.consent): pure functions, no database."""

from __future__ import annotations

from typing import Any

import pytest

from fedcity.federation.library import wire
from fedcity.services.library.consent import searchable
from fedcity.services.library.validation import validate_document
from fedcity.storage.models import LibraryKind
from tests.support.library import case_study, funding

CASE = LibraryKind.CASE_STUDY
FUNDING = LibraryKind.FUNDING_OPPORTUNITY
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def stored(kind: LibraryKind, doc: dict[str, Any]) -> dict[str, Any]:
    return validate_document(kind, doc, default_license=LICENSE)


def sent_and_read(kind: LibraryKind, doc: dict[str, Any]) -> dict[str, Any]:
    """What a receiver reads of the Article `doc` goes out as, validated as it
    validates it (no default license: a remote item keeps its own)."""
    fields = wire.article_fields(kind, doc)
    assert wire.library_kind(fields) == kind
    return validate_document(
        kind, wire.read_document(kind, fields), default_license=None
    )


@pytest.mark.parametrize(
    ("kind", "doc"),
    [
        pytest.param(CASE, case_study(summary="Ojai & its 311 map."), id="case"),
        pytest.param(
            CASE,
            case_study(
                attachments=[
                    {
                        "name": "Map",
                        "url": "https://o.example/m.png",
                        "media_type": "image/png",
                    },
                    {"name": "Site", "url": "https://o.example/"},
                ],
                adapted_from="https://other.example/users/a/statuses/1",
                related=["https://other.example/users/a/statuses/2"],
                indexable=False,
            ),
            id="case with links",
        ),
        pytest.param(FUNDING, funding(), id="funding"),
    ],
)
def test_an_item_reads_back_from_its_article_as_the_same_document(kind, doc):
    # Given an item as stored here
    document = stored(kind, doc)
    # When it goes out as an Article and a receiver reads it back
    received = sent_and_read(kind, document)
    # Then it is the same document, and valid against its schema
    assert received == document


def test_the_article_shape_of_a_case_study():
    # Given a case study with a PDF and an image, and no summary of its own
    document = stored(
        CASE,
        case_study(
            attachments=[
                {
                    "name": "Report",
                    "url": "https://o.example/r.pdf",
                    "media_type": "application/pdf",
                },
                {
                    "name": "Crew",
                    "url": "https://o.example/c.jpg",
                    "media_type": "image/jpeg",
                },
            ]
        ),
    )
    # When it is rendered
    fields = wire.article_fields(CASE, document)
    # Then the title is its name, the generated summary is marked as generated
    assert fields["name"] == "Pothole blitz"
    assert fields["generatedSummary"] is True
    assert "cut pothole repair time from 9 to 2 days" in fields["summary"]
    # And attachments are Documents and Images, the first image is `image`
    assert [a["type"] for a in fields["attachment"]] == ["Document", "Image"]
    assert fields["image"]["url"] == "https://o.example/c.jpg"
    # And the structured fields use the context's terms
    assert fields["libraryKind"] == "CaseStudy"
    assert fields["jurisdiction"]["type"] == "Place"
    assert fields["jurisdiction"]["ocdId"].startswith("ocd-division/")
    assert fields["lessonsLearned"].startswith("Publish the map")
    assert fields["indexable"] is True


def test_a_generated_summary_is_not_read_as_the_authors():
    # Given a funding opportunity without a summary, as sent
    fields = wire.article_fields(FUNDING, stored(FUNDING, funding()))
    # Then its receiver keeps no summary (it generates its own) and reads the
    # fields that were renamed on the wire back to their names
    read = wire.read_document(FUNDING, fields)
    assert "summary" not in read
    assert read["url"] == "https://calfire.example/apply"
    assert read["amount"] == {"min": 10000, "max": 250000, "currency": "USD"}
    assert read["funder"] == {
        "name": "CAL FIRE",
        "actor": "https://calfire.example/actor",
    }
    assert fields["fundingAmount"]["minAmount"] == 10000


def test_an_article_without_a_library_kind_is_no_item():
    assert wire.library_kind({"type": "Article", "name": "A blog post"}) is None
    assert wire.library_kind({"libraryKind": "Recipe"}) is None
    assert wire.library_kind({"libraryKind": "fedcity:FundingOpportunity"}) == FUNDING


@pytest.mark.parametrize(
    ("public", "said", "author", "expected"),
    [
        pytest.param(True, True, False, True, id="item says yes"),
        pytest.param(True, False, True, False, id="item's own false wins"),
        pytest.param(True, None, True, True, id="silent item, consenting author"),
        pytest.param(True, None, False, False, id="silent item, author not indexable"),
        pytest.param(True, "yes", True, True, id="not a boolean is silence"),
        pytest.param(False, True, True, False, id="not public"),
    ],
)
def test_who_may_be_found(public, said, author, expected):
    assert searchable(public=public, said=said, author_consents=author) is expected
