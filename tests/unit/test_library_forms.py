"""The library's web forms and calendar, without a server: a document survives
the edit form unchanged (form_values), problems land under their fields
(form_view), and iCalendar lines are folded and escaped as RFC 5545 says
(web/library/calendar.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from multidict import MultiDict

from fedcity.errors import Problem
from fedcity.services.library.validation import validate_document
from fedcity.storage.models import LibraryKind
from fedcity.web.library import calendar, form_values
from fedcity.web.library.form_view import FormView, field_of
from tests.support.library import case_study, funding

LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def test_a_document_survives_the_edit_form_unchanged():
    # Given every field of each kind, as stored
    for kind, doc in (
        (
            LibraryKind.CASE_STUDY,
            case_study(
                adapted_from="https://a.example/1",
                related=["https://a.example/2", "https://a.example/3"],
                summary="Ojai fixed potholes fast.",
                partners=["Ventura County", "Caltrans"],
                results=[
                    {
                        "measure": "repair time",
                        "before": 9.5,
                        "after": 2,
                        "unit": "days",
                    },
                    {"measure": "mood", "before": "grim", "after": "better"},
                ],
            ),
        ),
        (LibraryKind.FUNDING_OPPORTUNITY, funding(contacts=["@a", "@b@c.example"])),
    ):
        stored = validate_document(kind, doc, default_license=LICENSE)
        # When it is shown in the form and read back
        values = form_values.from_document(kind, stored)
        again, problems = form_values.to_document(kind, values)
        # Then it is the same document
        assert problems == []
        assert again == stored


def test_a_post_is_read_into_rows_without_gaps():
    # Given a POST whose second result row was emptied, and whose third is filled
    form = MultiDict(
        [
            ("results[0].measure", "a"),
            ("results[1].measure", ""),
            ("results[7].measure", "c"),
            ("results[7].before", "1,500"),
            ("results[200].measure", "too far"),
            ("partners[0]", "Caltrans"),
            ("add", "partners"),
        ]
    )
    # When it is read
    values, added = form_values.from_form(LibraryKind.CASE_STUDY, form)
    # Then the rows are compacted, an index past 99 is ignored, and the group
    # whose "Add another" was pressed has one empty row more
    assert added == "partners"
    assert [r["measure"] for r in values.rows["results"]] == ["a", "c"]
    assert values.rows["partners"] == [{"": "Caltrans"}, {"": ""}]
    doc, _ = form_values.to_document(LibraryKind.CASE_STUDY, values)
    assert doc["results"][1] == {"measure": "c", "before": 1500}


def test_problems_land_under_their_fields():
    # Given a form with two results, and problems the validation named
    values = form_values.blank(LibraryKind.CASE_STUDY, "en")
    values.rows["results"] = [{"measure": "a"}, {"measure": ""}]
    view = FormView(LibraryKind.CASE_STUDY, values, "en")
    problems = [
        Problem("results[1].measure", "is required"),
        Problem(
            "topics[0]",
            "{value} is not one of {choices}",
            {"value": "'x'", "choices": "y"},
        ),
        Problem("", "must be an object"),
    ]
    # When they are placed
    errors = view.errors(problems)
    # Then each is under its field (a list's item under the list), labelled
    assert errors.inline["results[1].measure"] == "is required"
    assert errors.summary["results[1].measure"] == "Result 2: Measure: is required"
    assert errors.inline["topics"] == "'x' is not one of y"
    assert errors.summary[""] == "must be an object"
    assert (
        field_of("eligibility.states[2]", {"eligibility.states"})
        == "eligibility.states"
    )
    assert field_of("nowhere.at[0].all", {"title"}) == ""


def test_calendar_lines_are_folded_between_characters_and_escaped():
    # Given an event whose summary is long, in several scripts, with commas
    summary = "Año, señal; " + "é" * 40 + " \\ fin\nnext"
    event = calendar.Event(
        uid="https://city.example/users/a/statuses/1#deadline",
        start=datetime(2099, 3, 2, 1, 0, tzinfo=UTC),
        stamp=datetime(2098, 1, 1, tzinfo=UTC),
        summary=summary,
    )
    # When the calendar is written
    text = calendar.calendar("Deadlines", [event])
    # Then every line ends in CRLF and holds at most 75 octets, and unfolding
    # gives back the escaped text
    lines = text.split("\r\n")
    assert lines[-1] == ""
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Año\\, señal\\; " + "é" * 40 + " \\\\ fin\\nnext\r\n" in unfolded
    assert "DTSTART:20990302T010000Z\r\n" in unfolded
    assert "DTEND" not in unfolded
