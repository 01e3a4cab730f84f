"""Is a document a valid case study or funding opportunity? Its schema
(`schemas/case-study.schema.json`, `schemas/funding-opportunity.schema.json`,
JSON Schema 2020-12), then the rules a schema cannot say. Local documents (the
API, imports) and remote ones are held to the same checks, and refused with
every field that is wrong and what is wrong with it.

`validate_document` is the one entry point: it returns the document as it is
stored, with the defaults applied (`indexable`, a case study's `license`), or
raises `DocumentInvalid`."""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any, Final

from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from referencing import Registry, Resource

from fedcity.errors import DocumentInvalid, Problem
from fedcity.i18n import N_
from fedcity.services.library import problems, vocabulary
from fedcity.storage.models import LibraryKind

_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_date(value: object) -> bool:
    """A real calendar day written YYYY-MM-DD (not 2027-02-30)."""
    if not isinstance(value, str):
        return True
    return bool(_DATE.fullmatch(value)) and bool(date.fromisoformat(value))


# Only the formats whose checks are written here are asserted.
_FORMATS: Final = FormatChecker(formats=())
_FORMATS.checks("date", raises=ValueError)(_is_date)


@functools.cache
def _validator(kind: LibraryKind) -> Draft202012Validator:
    # The funding schema refers to the case study schema's definitions by URI.
    registry: Registry[Any] = Registry().with_resources(
        (found["$id"], Resource.from_contents(found))
        for found in map(vocabulary.schema, LibraryKind)
    )
    return Draft202012Validator(
        vocabulary.schema(kind), registry=registry, format_checker=_FORMATS
    )


def schema_problems(kind: LibraryKind, doc: object) -> list[Problem]:
    """What the schema finds wrong with `doc`."""
    found: list[Problem] = []
    for error in _validator(kind).iter_errors(doc):
        found.extend(problems.problems_of(error))
    return found


def rule_problems(kind: LibraryKind, doc: object) -> list[Problem]:
    """What is wrong beyond the schema: dates and ranges in order, a time zone
    that exists, a deadline that is a real moment with its offset. Fields the
    schema already refused are skipped by each rule (they have the wrong type)."""
    if not isinstance(doc, Mapping):
        return []
    rules = _case_study_rules if kind == LibraryKind.CASE_STUDY else _funding_rules
    return list(rules(doc))


def _case_study_rules(doc: Mapping[str, Any]) -> Iterator[Problem]:
    start, end = _day(doc.get("start_date")), _day(doc.get("end_date"))
    if start is not None and end is not None and end < start:
        yield Problem("end_date", N_("must not be before start_date"))


def _funding_rules(doc: Mapping[str, Any]) -> Iterator[Problem]:
    amount = _object(doc.get("amount"))
    if _out_of_order(amount.get("min"), amount.get("max")):
        yield Problem("amount.max", N_("must not be less than amount.min"))
    eligibility = _object(doc.get("eligibility"))
    low, high = eligibility.get("population_min"), eligibility.get("population_max")
    if _out_of_order(low, high):
        yield Problem(
            "eligibility.population_max",
            N_("must not be less than eligibility.population_min"),
        )
    zone = doc.get("timezone")
    if isinstance(zone, str) and not zone_exists(zone):
        yield Problem(
            "timezone",
            N_("{value} is not a known IANA time zone"),
            {"value": problems.shown(zone)},
        )
    deadline = doc.get("deadline")
    if isinstance(deadline, str) and parse_deadline(deadline) is None:
        yield Problem("deadline", problems.FORM_PROBLEMS["date-time with offset"])


def _object(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _out_of_order(low: object, high: object) -> bool:
    return _is_number(low) and _is_number(high) and high < low  # type: ignore[operator]


def _day(value: object) -> date | None:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def zone_exists(name: str) -> bool:
    """Whether `name` is a time zone of the IANA database (America/Los_Angeles)."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_deadline(value: str) -> datetime | None:
    """An RFC 3339 date-time with its offset, as an aware datetime; None when it
    is not one (no offset, or not a real moment such as month 13)."""
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None and "T" in value.upper() else None


def validate_document(
    kind: LibraryKind, doc: object, *, default_license: str | None
) -> dict[str, Any]:
    """`doc` as stored: checked against its schema and rules, with `indexable`
    (true unless said) and a local case study's `license` (`default_license`,
    the instance's `[library] license`; None for a remote one, whose license is
    not this instance's to say) filled in, and hashtags without their "#".

    Raises:
        DocumentInvalid: each field that is wrong and what is wrong with it.
    """
    found = problems.first_per_field(
        [*schema_problems(kind, doc), *rule_problems(kind, doc)]
    )
    if found:
        raise DocumentInvalid(problems=found)
    assert isinstance(doc, Mapping)  # the schema says it is an object
    stored = dict(doc)
    stored.setdefault("indexable", True)
    if kind == LibraryKind.CASE_STUDY:
        if default_license is not None:
            stored.setdefault("license", default_license)
        if "hashtags" in stored:
            stored["hashtags"] = list(
                dict.fromkeys(tag.lstrip("#") for tag in stored["hashtags"])
            )
    return stored
