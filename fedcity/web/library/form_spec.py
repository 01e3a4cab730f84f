"""The compose and edit forms of the library, field by field: every field of
each kind's schema (schemas/*.schema.json), in sections, with its label, hint
and kind of input. A field's name is its path in the document
(`jurisdiction.state`), so that a problem the validation reports
(`DocumentInvalid.problems`) lands next to its field; a repeatable group's
fields are named by row (`results[0].before`, `funding_sources[1]`).

The template draws any form from this (templates/library/form.html), and
`form_values` reads a POST and writes the document from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from fedcity.i18n import N_
from fedcity.services.library import vocabulary
from fedcity.storage.models import LibraryKind

# How a field is typed and read: text (as typed), textarea, integer (a whole
# number), number, figure (a number, else the text), date (YYYY-MM-DD), url,
# select and checkboxes (of `choices`), checkbox (true when ticked), words (a
# list, by commas or spaces), states (words, in capitals), deadline (a local
# date and time, read in the `timezone` field's zone), timezone.
TEXTUAL: Final = frozenset({"text", "integer", "number", "figure", "url"})


@dataclass(frozen=True)
class Field:
    name: str  # the document path (relative to a row within a group)
    label: str
    kind: str = "text"
    hint: str = ""
    choices: tuple[str, ...] = ()  # words of vocabulary.LABELS
    required: bool = False
    # A value that alone does not make its object present (a currency the form
    # fills in): `cost` is left out when only its currency is there.
    fills_in: bool = False
    rows: int = 4  # a textarea's


@dataclass(frozen=True)
class Group:
    """A repeatable group: rows of `fields`, one row more on "Add another"."""

    name: str  # the document's list
    legend: str
    row_label: str  # with {n}, the row's number from 1
    add_label: str
    fields: tuple[Field, ...]  # one Field named "" for a list of texts
    max_rows: int
    hint: str = ""


@dataclass(frozen=True)
class Section:
    heading: str
    parts: tuple[Field | Group, ...]


def _names(name: str, legend: str, row: str, add: str, hint: str = "") -> Group:
    """A group whose rows are one text each (funding sources, partners)."""
    return Group(name, legend, row, add, (Field("", N_("Name")),), 50, hint)


TOPICS = Field(
    "topics",
    N_("Topics"),
    "checkboxes",
    N_("Choose at least one."),
    vocabulary.TOPICS,
    required=True,
)
CONTACTS = Group(
    "contacts",
    N_("Contacts"),
    N_("Contact {n}"),
    N_("Add another contact"),
    (Field("", N_("Account"), hint=N_("Such as @publicworks@ojai.example")),),
    20,
    N_("The accounts people may ask about it."),
)
LANGUAGE = Field(
    "language", N_("Language"), hint=N_("A language tag, such as en or es-MX.")
)
INDEXABLE = Field(
    "indexable",
    N_("Let search find it (here and on the servers that receive it)"),
    "checkbox",
)
SUMMARY_HINT = N_(
    "One paragraph of at most 500 characters, all that most apps show. "
    "Leave it empty to have one written from the other fields."
)
CURRENCY = Field(
    "currency",
    N_("Currency"),
    hint=N_("Three letters, such as USD."),
    fills_in=True,
)
REMOVE_HINT = N_("Empty a row to remove it.")

CASE_STUDY_FORM: Final = (
    Section(
        N_("What and where"),
        (
            Field(
                "title", N_("Title"), hint=N_("At most 150 characters."), required=True
            ),
            Field("summary", N_("Summary"), "textarea", SUMMARY_HINT, rows=3),
            Field(
                "jurisdiction.name",
                N_("Place"),
                hint=N_("Such as Ojai."),
                required=True,
            ),
            Field(
                "jurisdiction.state",
                N_("State"),
                hint=N_("Two letters, such as CA."),
                required=True,
            ),
            Field("jurisdiction.population", N_("Population"), "integer"),
            Field(
                "jurisdiction.ocd_id",
                N_("OCD division id"),
                hint=N_("Such as ocd-division/country:us/state:ca/place:ojai."),
            ),
            TOPICS,
            Field(
                "hashtags",
                N_("Hashtags"),
                "words",
                N_("Separated by spaces or commas, such as #potholes #311."),
            ),
        ),
    ),
    Section(
        N_("What happened"),
        (
            Field("problem", N_("Problem"), "textarea", rows=6),
            Field("approach", N_("Approach"), "textarea", rows=6),
            Field("lessons_learned", N_("Lessons learned"), "textarea", rows=6),
        ),
    ),
    Section(
        N_("Results"),
        (
            Group(
                "results",
                N_("Results"),
                N_("Result {n}"),
                N_("Add another result"),
                (
                    Field(
                        "measure",
                        N_("Measure"),
                        hint=N_("Such as pothole repair time."),
                    ),
                    Field(
                        "before",
                        N_("Before"),
                        "figure",
                        N_("A number, or a short text."),
                    ),
                    Field(
                        "after", N_("After"), "figure", N_("A number, or a short text.")
                    ),
                    Field("unit", N_("Unit"), hint=N_("Such as days.")),
                ),
                50,
                REMOVE_HINT,
            ),
        ),
    ),
    Section(
        N_("Cost and partners"),
        (
            Field(
                "cost.amount",
                N_("Cost"),
                "number",
                N_("The whole amount, such as 42000."),
            ),
            Field(
                "cost.currency",
                CURRENCY.label,
                hint=CURRENCY.hint,
                fills_in=True,
            ),
            _names(
                "funding_sources",
                N_("Funding sources"),
                N_("Funding source {n}"),
                N_("Add another funding source"),
            ),
            _names(
                "partners",
                N_("Partners"),
                N_("Partner {n}"),
                N_("Add another partner"),
            ),
        ),
    ),
    Section(
        N_("Status and evidence"),
        (
            Field(
                "status", N_("Status"), "select", choices=vocabulary.CASE_STUDY_STATUSES
            ),
            Field(
                "evidence_level",
                N_("Evidence"),
                "select",
                N_(
                    "Measured: numbers before and after; evaluated: studied by someone "
                    "else; replicated: it worked elsewhere too."
                ),
                vocabulary.EVIDENCE_LEVELS,
            ),
            Field("start_date", N_("Start date"), "date"),
            Field("end_date", N_("End date"), "date"),
        ),
    ),
    Section(
        N_("People, documents and links"),
        (
            CONTACTS,
            Group(
                "attachments",
                N_("Attachments"),
                N_("Attachment {n}"),
                N_("Add another attachment"),
                (
                    Field("name", N_("Name"), hint=N_("Such as Council report.")),
                    Field(
                        "url", N_("Address"), "url", N_("Its http or https address.")
                    ),
                    Field(
                        "media_type",
                        N_("Media type"),
                        hint=N_("Such as application/pdf."),
                    ),
                ),
                20,
                N_(
                    "Documents, ordinances, requests for proposals, photos. "
                    "Empty a row to remove it."
                ),
            ),
            Field(
                "adapted_from",
                N_("Adapted from"),
                "url",
                N_("The address of the case study this one adapted."),
            ),
            Field(
                "related",
                N_("Related case studies"),
                "words",
                N_("Their addresses, separated by spaces."),
            ),
        ),
    ),
    Section(
        N_("Publishing"),
        (
            LANGUAGE,
            Field(
                "license",
                N_("License"),
                "url",
                N_("The address of its license; empty for this server's default."),
            ),
            INDEXABLE,
        ),
    ),
)

FUNDING_FORM: Final = (
    Section(
        N_("The opportunity"),
        (
            Field(
                "title", N_("Title"), hint=N_("At most 150 characters."), required=True
            ),
            Field(
                "funder.name", N_("Funder"), hint=N_("Such as CAL FIRE."), required=True
            ),
            Field(
                "funder.actor",
                N_("The funder's fediverse account"),
                "url",
                N_("Its address, if it has one."),
            ),
            Field("summary", N_("Summary"), "textarea", SUMMARY_HINT, rows=3),
            Field("url", N_("Where to apply"), "url", N_("An http or https address.")),
            Field(
                "opportunity_number",
                N_("Opportunity number"),
                hint=N_("Such as the federal grants number."),
            ),
            Field(
                "status", N_("Status"), "select", choices=vocabulary.FUNDING_STATUSES
            ),
            Field("topics", TOPICS.label, "checkboxes", choices=vocabulary.TOPICS),
        ),
    ),
    Section(
        N_("Money and deadline"),
        (
            Field("amount.min", N_("Smallest award"), "number"),
            Field("amount.max", N_("Largest award"), "number"),
            Field("amount.currency", CURRENCY.label, hint=CURRENCY.hint, fills_in=True),
            Field(
                "match_required",
                N_("Match required (percent)"),
                "number",
                N_("From 0 to 100."),
            ),
            Field(
                "deadline",
                N_("Deadline"),
                "deadline",
                N_("Its date and time, in the time zone below."),
            ),
            Field(
                "timezone",
                N_("Time zone"),
                "timezone",
                N_("The deadline's time zone, in which it is shown."),
            ),
        ),
    ),
    Section(
        N_("Who may apply"),
        (
            Field(
                "eligibility.states",
                N_("States"),
                "states",
                N_(
                    "Two-letter codes separated by spaces, such as CA NV; empty for all."
                ),
            ),
            Field("eligibility.population_min", N_("Smallest population"), "integer"),
            Field("eligibility.population_max", N_("Largest population"), "integer"),
            Field(
                "eligibility.applicants",
                N_("Applicants"),
                "checkboxes",
                choices=vocabulary.APPLICANTS,
            ),
        ),
    ),
    Section(N_("People"), (CONTACTS,)),
    Section(N_("Publishing"), (LANGUAGE, INDEXABLE)),
)

FORMS: Final = {
    LibraryKind.CASE_STUDY: CASE_STUDY_FORM,
    LibraryKind.FUNDING_OPPORTUNITY: FUNDING_FORM,
}
# US time zones first, the ones a city most likely needs (others are kept when
# a document names one).
TIMEZONES: Final = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "Pacific/Guam",
    "Pacific/Pago_Pago",
    "UTC",
)


def fields_of(kind: LibraryKind) -> list[Field]:
    """The single (not repeatable) fields of a kind's form."""
    return [part for part in _parts(kind) if isinstance(part, Field)]


def groups_of(kind: LibraryKind) -> list[Group]:
    return [part for part in _parts(kind) if isinstance(part, Group)]


def _parts(kind: LibraryKind) -> list[Field | Group]:
    return [part for section in FORMS[kind] for part in section.parts]


def row_name(group: Group, index: int, field: Field) -> str:
    """`results[0].before`, or `funding_sources[0]` for a list of texts."""
    row = f"{group.name}[{index}]"
    return f"{row}.{field.name}" if field.name else row
